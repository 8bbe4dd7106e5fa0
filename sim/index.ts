// sim/: the discrete-event simulation kernel. Imports nothing else of agentscale.
export {};
