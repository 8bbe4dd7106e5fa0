// The fake agent's public face: a deterministic stand-in for an AI coding agent in tmux.
export { runFakeAgent, FAKE_AGENT_READY, type FakeAgentOptions } from './run.js';
export { OutputPlan, planText, type OutputPlanOptions } from './output-plan.js';
export { formatMarker, markerInput, findMarkers, MARKER_PATTERN } from './marker.js';
export { echoFor } from './echo.js';
