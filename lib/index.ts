// lib/: what several parts of agentscale share.
export * from './units.js';
export * from './errors.js';
export * from './results.js';
export * from './histogram.js';
export * from './machine.js';
export * from './files.js';
export * from './document.js';
export * from './log.js';
