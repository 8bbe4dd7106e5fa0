// Strict parsing of quantities written with their units, as scenario files and command-line
// options give them. Every parser returns SI base units (seconds, bytes, bytes per second,
// events per second, US dollars) and throws a UnitError that says what was expected.

export class UnitError extends Error {
  constructor(
    readonly input: string,
    readonly expected: string,
  ) {
    super(`expected ${expected}, found ${JSON.stringify(input)}`);
    this.name = 'UnitError';
  }
}

const NUMBER = String.raw`([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)`;

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86400,
};

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

// Bandwidth prefixes in bits or bytes per second; decimal as network equipment quotes them.
const BANDWIDTH_UNITS: Record<string, number> = {
  'bit/s': 1 / 8,
  'kbit/s': 1e3 / 8,
  'Kbit/s': 1e3 / 8,
  'Mbit/s': 1e6 / 8,
  'Gbit/s': 1e9 / 8,
  bps: 1 / 8,
  kbps: 1e3 / 8,
  Mbps: 1e6 / 8,
  Gbps: 1e9 / 8,
  'B/s': 1,
  'KB/s': 1e3,
  'kB/s': 1e3,
  'MB/s': 1e6,
  'GB/s': 1e9,
  'KiB/s': 1024,
  'MiB/s': 1024 ** 2,
  'GiB/s': 1024 ** 3,
};

const RATE_PER: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400 };

function matchQuantity(input: string, units: Record<string, number>, expected: string): number {
  const text = input.trim();
  const m = new RegExp(`^${NUMBER}\\s*(\\S+(?:\\s*/\\s*\\S+)?)$`).exec(text);
  if (!m) throw new UnitError(input, expected);
  const unit = m[2]!.replace(/\s+/g, '');
  const factor = units[unit];
  if (factor === undefined) throw new UnitError(input, expected);
  const value = Number(m[1]) * factor;
  if (!Number.isFinite(value)) throw new UnitError(input, expected);
  return value;
}

function nonNegative(value: number, input: string, expected: string): number {
  if (value < 0) throw new UnitError(input, `${expected} (not negative)`);
  return value;
}

/** `250us`, `30ms`, `2s`, `5m`, `8h`, `1d`, or a compound such as `1h30m`. Returns seconds. */
export function parseDuration(input: string | number): number {
  const expected = 'a duration such as 250us, 30ms, 2s, 5m, 8h or 1h30m';
  if (typeof input === 'number') {
    if (input === 0) return 0;
    throw new UnitError(String(input), `${expected} (a number needs a unit)`);
  }
  const text = input.trim();
  const parts = text.match(/[0-9.]+(?:[eE][+-]?\d+)?\s*[a-zµ]+/g);
  if (!parts || parts.join('').replace(/\s+/g, '') !== text.replace(/\s+/g, '')) {
    throw new UnitError(input, expected);
  }
  let total = 0;
  for (const part of parts) total += matchQuantity(part, DURATION_UNITS, expected);
  return nonNegative(total, input, expected);
}

/** `4 KB`, `24 GiB`, `512B`. Returns bytes. */
export function parseSize(input: string | number): number {
  const expected = 'a size such as 512 B, 4 KB, 1.5 MB or 24 GiB';
  if (typeof input === 'number') {
    if (input === 0) return 0;
    throw new UnitError(String(input), `${expected} (a number needs a unit)`);
  }
  return nonNegative(matchQuantity(input, SIZE_UNITS, expected), input, expected);
}

/** `100 Mbit/s`, `12.5 MB/s`, `1 Gbps`. Returns bytes per second. */
export function parseBandwidth(input: string | number): number {
  const expected = 'a bandwidth such as 100 Mbit/s, 1 Gbit/s or 12.5 MB/s';
  if (typeof input === 'number') throw new UnitError(String(input), `${expected} (a number needs a unit)`);
  return nonNegative(matchQuantity(input, BANDWIDTH_UNITS, expected), input, expected);
}

/** `12/h`, `3/s`, `50/min`, `4 KB/s` is not a rate (use parseBandwidth). Returns events per second. */
export function parseRate(input: string | number): number {
  const expected = 'a rate such as 12/h, 50/min or 3/s';
  if (typeof input === 'number') throw new UnitError(String(input), `${expected} (a number needs a unit)`);
  const m = new RegExp(`^${NUMBER}\\s*/\\s*([a-z]+)$`).exec(input.trim());
  if (!m) throw new UnitError(input, expected);
  const per = RATE_PER[m[2]!];
  if (per === undefined) throw new UnitError(input, expected);
  return nonNegative(Number(m[1]) / per, input, expected);
}

/** `$16.43`, `0.0225 USD`, `12 $`. Returns US dollars. */
export function parseMoney(input: string | number): number {
  const expected = 'an amount of money such as $16.43 or 0.0225 USD';
  if (typeof input === 'number') return nonNegative(input, String(input), expected);
  const text = input.trim();
  const m = new RegExp(`^(?:\\$\\s*${NUMBER}|${NUMBER}\\s*(?:USD|\\$))$`).exec(text);
  if (!m) throw new UnitError(input, expected);
  return nonNegative(Number(m[1] ?? m[2]), input, expected);
}

/** `50%`, `0.5`. Returns a fraction. */
export function parseFraction(input: string | number): number {
  const expected = 'a fraction such as 0.25 or 25%';
  let value: number;
  if (typeof input === 'number') value = input;
  else {
    const m = new RegExp(`^${NUMBER}\\s*(%?)$`).exec(input.trim());
    if (!m) throw new UnitError(input, expected);
    value = Number(m[1]) / (m[2] ? 100 : 1);
  }
  if (!(value >= 0 && value <= 1)) throw new UnitError(String(input), `${expected} between 0 and 1`);
  return value;
}

// Formatting for humans: reports and console tables.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const a = Math.abs(seconds);
  if (a === 0) return '0s';
  if (a < 1e-3) return `${round(seconds * 1e6)}µs`;
  if (a < 1) return `${round(seconds * 1e3)}ms`;
  if (a < 120) return `${round(seconds)}s`;
  if (a < 7200) return `${round(seconds / 60)}m`;
  return `${round(seconds / 3600)}h`;
}

export function formatBytes(bytes: number): string {
  const steps = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < steps.length - 1) {
    v /= 1000;
    i++;
  }
  return `${round(v)} ${steps[i]}`;
}

export function formatMoney(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function round(v: number): string {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}
