// Reading and writing results documents with errors that name the file and the field.

import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { EXIT, UserError } from './errors.js';
import { writeFileAtomic } from './files.js';
import { machineInfo } from './machine.js';
import { RESULTS_SCHEMA, RESULTS_VERSION, ResultsDocument } from './results.js';

const require = createRequire(import.meta.url);

/** The tool's own version, from package.json. */
export function toolVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'agentscale' && pkg.version) return pkg.version;
    } catch {
      // try the next location: sources and the built dist/ sit at different depths
    }
  }
  return '0.0.0';
}

/** sha256 of a value's canonical JSON (object keys sorted), for matching documents to inputs. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields every document starts with. */
export function documentHeader(
  kind: ResultsDocument['kind'],
  source: ResultsDocument['source'],
): Pick<ResultsDocument, 'schema' | 'version' | 'kind' | 'tool' | 'createdAt' | 'machine' | 'source'> {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    kind,
    tool: { name: 'agentscale', version: toolVersion() },
    createdAt: new Date().toISOString(),
    machine: machineInfo(),
    source,
  };
}

export function parseResultsDocument(text: string, file: string): ResultsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not JSON (${(err as Error).message})`);
  }
  const parsed = ResultsDocument.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new UserError(`${file}: not an agentscale results document`, EXIT.usage, details);
  }
  return parsed.data;
}

export async function readResultsDocument(file: string): Promise<ResultsDocument> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseResultsDocument(text, file);
}

export async function writeResultsDocument(file: string, doc: ResultsDocument): Promise<void> {
  // Validate on the way out too: a producer bug must not write a document readers reject.
  const checked = ResultsDocument.parse(doc);
  await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`);
}
