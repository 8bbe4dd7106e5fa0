// Errors that reach the user as one clear message and a chosen exit code, never a stack trace.

export const EXIT = {
  ok: 0,
  /** A target could not be reached, or the run failed at run time. */
  failure: 1,
  /** Bad usage or bad input: a malformed scenario, an unknown option, an unreadable file. */
  usage: 2,
  /** A load-test threshold was breached. */
  thresholdBreached: 3,
  /** A load-test result is untrustworthy: the generator could not keep its schedule. */
  untrustworthy: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
    /** Extra lines printed after the message (one per problem, for instance). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}
