// The agent terminal server's public face.
export { startAgentServer, StartupError, type AgentServerHandle } from './server.js';
export { DEFAULTS as AGENT_SERVER_DEFAULTS, optionsFromEnv, isLoopbackHost, type AgentServerOptions } from './options.js';
export { signJwt, verifyJwt, checkToken, type JwtClaims } from './auth.js';
export { isValidSessionName, SESSION_NAME_PATTERN } from './session-name.js';
export { classifyFrame, MAX_COLS, MAX_ROWS, type ClientFrame } from './frames.js';
export { killServer as killTmuxServer, hasSession as tmuxHasSession, windowSize as tmuxWindowSize } from './tmux.js';
export { heartbeatUrl } from './heartbeat.js';
