// `--profile load.yaml`: the same options as the flags, in a YAML file (keys as the long flag
// names, kebab-case or camelCase), validated with errors that name the field.

import { promises as fs } from 'node:fs';
import { parse } from 'yaml';
import { EXIT, UserError } from '../lib/index.js';

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [camel(k), camelKeys(v)]));
  return value;
}

/** Reads a profile into raw options (validated later together with any flags given over it). */
export async function loadProfile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new UserError(`${file}: not YAML (${(err as Error).message.split('\n')[0]})`, EXIT.usage);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${file}: expected a mapping of options`);
  return camelKeys(data) as Record<string, unknown>;
}
