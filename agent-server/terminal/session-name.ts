// Session names reach tmux as arguments, so they are restricted before anything else sees them.

export const SESSION_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidSessionName(name: string): boolean {
  return SESSION_NAME_PATTERN.test(name);
}

/**
 * The name tmux actually gives a session: tmux replaces `.` (its window/pane separator) with `_`,
 * so `a.b` and `a_b` are the same tmux session and must share one PTY here too.
 */
export function tmuxSessionName(name: string): string {
  return name.replace(/\./g, '_');
}
