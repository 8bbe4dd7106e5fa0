// loadgen/: open-model load generation over WebSocket and HTTP.
export {};
