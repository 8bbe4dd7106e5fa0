// agent-server/: the real servers (terminal server, reference hub) and the LLM API emulators.
export {};
export * from './terminal/index.js';
export * from './fake-agent/index.js';
export * from './hub/index.js';
export * from './emulators/index.js';
