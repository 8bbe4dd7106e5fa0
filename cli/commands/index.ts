// Every command of the agentscale CLI, one module each, loaded only when it runs: the servers and
// the simulator pull in different libraries, and a command should not pay for the others' start-up.
// Add a command by adding an entry here (the name is the first word of its `command`).
import type { CommandModule } from 'yargs';

// yargs command modules differ in their argument types, so the list holds them loosely typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandModule<any, any>;

export interface CommandEntry {
  name: string;
  load(): Promise<AnyCommand>;
}

export const commandEntries: CommandEntry[] = [
  { name: 'run', load: async () => (await import('./run.js')).runCommand },
  { name: 'check', load: async () => (await import('./check.js')).checkCommand },
  { name: 'schema', load: async () => (await import('./schema.js')).schemaCommand },
  { name: 'report', load: async () => (await import('./report.js')).reportCommand },
  { name: 'loadgen', load: async () => (await import('./loadgen.js')).loadgenCommand },
  { name: 'merge', load: async () => (await import('./merge.js')).mergeCommand },
  { name: 'serve-agent', load: async () => (await import('./serve-agent.js')).serveAgentCommand },
  { name: 'fake-agent', load: async () => (await import('./fake-agent.js')).fakeAgentCommand },
  { name: 'serve-hub', load: async () => (await import('./serve-hub.js')).serveHubCommand },
  { name: 'emulate', load: async () => (await import('./emulate.js')).emulateCommand },
  { name: 'calibrate', load: async () => (await import('./calibrate.js')).calibrateCommand },
  { name: 'validate', load: async () => (await import('./validate.js')).validateCommand },
];

/** The modules needed to parse `argv`: just the named command's, or all of them for help and errors. */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const entry = commandEntries.find((e) => e.name === first);
  return entry ? [await entry.load()] : Promise.all(commandEntries.map((e) => e.load()));
}
