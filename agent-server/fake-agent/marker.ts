// The round-trip marker a load generator types into the terminal and watches for in the output.
// The fake agent echoes every input line verbatim, and its own output can never contain `mk:`
// followed by digits and a colon, so the first match in the output is the echo.

export const MARKER_PATTERN = /mk:(\d+):([0-9a-z]+)/g;

/** `mk:<seq>:<tag>` with a lowercase alphanumeric tag. */
export function formatMarker(seq: number, tag: string): string {
  if (!Number.isInteger(seq) || seq < 0) throw new Error(`marker sequence must be a non-negative integer, got ${seq}`);
  if (!/^[0-9a-z]+$/.test(tag)) throw new Error(`marker tag must be lowercase letters and digits, got ${JSON.stringify(tag)}`);
  return `mk:${seq}:${tag}`;
}

/** The terminal input that makes the fake agent echo a marker: the marker and Enter. */
export function markerInput(marker: string): string {
  return `${marker}\r`;
}

/** Markers found in a chunk of terminal output, in order. */
export function findMarkers(text: string): Array<{ marker: string; seq: number; tag: string }> {
  const found: Array<{ marker: string; seq: number; tag: string }> = [];
  for (const m of text.matchAll(MARKER_PATTERN)) found.push({ marker: m[0], seq: Number(m[1]), tag: m[2]! });
  return found;
}
