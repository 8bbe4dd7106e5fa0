import { EXIT, UserError, UnitError } from '../lib/index.js';

/** Prints an error the way a user should see it and returns the exit code to use. */
export function reportFailure(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`agentscale: ${err.message}\n`);
    for (const line of err.details) process.stderr.write(`  ${line}\n`);
    return err.exitCode;
  }
  if (err instanceof UnitError) {
    process.stderr.write(`agentscale: ${err.message}\n`);
    return EXIT.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`agentscale: internal error: ${message}\n`);
  if (process.env.AGENTSCALE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return EXIT.failure;
}
