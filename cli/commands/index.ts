// Every command of the agentscale CLI, one module each. Add a command by adding its module here.
import type { CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argument types
export type AnyCommand = CommandModule<any, any>;

export const commands: AnyCommand[] = [];
