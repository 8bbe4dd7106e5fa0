// A YAML file kept as a Document with its line counter, so any field path can be mapped back
// to the line and column where it was written.

import { promises as fs, readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { EXIT, UserError } from '../../lib/index.js';
import type { PathSegment } from './describe.js';
import { formatPath } from './describe.js';

export interface SourceFile {
  /** The file name as the user gave it (used in messages). */
  file: string;
  doc: Document;
  lines: LineCounter;
  /** The plain data (`doc.toJS()`). */
  data: unknown;
}

/** A problem found in a file: where (as precisely as known) and what. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  path?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return p.path === undefined ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

export function problemsError(problems: readonly Problem[], what: string): UserError {
  const n = problems.length;
  // In reading order: file, then line, then column.
  const sorted = [...problems].sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) : a.file < b.file ? -1 : 1));
  return new UserError(`${what}: ${n} problem${n === 1 ? '' : 's'}`, EXIT.usage, sorted.map(formatProblem));
}

/** Parses YAML text; syntax errors come back as problems with their line and column. */
export function parseSource(file: string, text: string): { source?: SourceFile; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, message: `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
  });
  if (problems.length > 0) return { problems };
  return { source: { file, doc, lines, data: doc.toJS({ maxAliasCount: 1000 }) as unknown }, problems };
}

export async function readSource(file: string): Promise<{ source?: SourceFile; problems: Problem[] }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ file, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }] };
  }
  return parseSource(file, text);
}

export function readSourceSync(file: string): { source?: SourceFile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [{ file, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }] };
  }
  return parseSource(file, text);
}

function nodeAt(doc: Document, path: readonly PathSegment[]): Node | undefined {
  const node = doc.getIn(path, true) as Node | undefined;
  return node && typeof node === 'object' && 'range' in node ? node : undefined;
}

function keyNodeAt(doc: Document, path: readonly PathSegment[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : (doc.getIn(path.slice(0, -1), true) as unknown);
  if (!isMap(parent)) return undefined;
  const name = path[path.length - 1];
  const pair = (parent.items as Pair[]).find((p) => (isScalar(p.key) ? p.key.value : p.key) === name);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** Whether the file has something written at `path`. */
export function hasNode(source: SourceFile, path: readonly PathSegment[]): boolean {
  return path.length === 0 || nodeAt(source.doc, path) !== undefined || keyNodeAt(source.doc, path) !== undefined;
}

/**
 * The position of `path` in the file: the node itself, or (for an unknown key) the key, or the
 * nearest enclosing node that exists (a missing field is reported at its parent).
 */
export function locate(source: SourceFile, path: readonly PathSegment[], options: { atKey?: boolean; shownPath?: readonly PathSegment[] } = {}): Omit<Problem, 'message'> {
  const shown = formatPath(options.shownPath ?? path);
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const node = (options.atKey && n === path.length ? keyNodeAt(source.doc, prefix) : undefined) ?? (n === 0 ? (source.doc.contents as Node | null) ?? undefined : nodeAt(source.doc, prefix));
    const range = node?.range;
    if (range) {
      const pos = source.lines.linePos(range[0]);
      return { file: source.file, line: pos.line, column: pos.col, path: shown };
    }
  }
  return { file: source.file, path: shown };
}
