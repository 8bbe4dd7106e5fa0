// agent-server/: the real servers (terminal server, reference hub) and the LLM API emulators.
export {};
