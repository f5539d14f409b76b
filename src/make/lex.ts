import type { RepoReader } from '../discover/repo.js';

/** One logical makefile line: a physical line plus the backslash-continued lines that follow it. */
export interface LogicalLine {
  /** 1-based line of the first physical line. */
  line: number;
  /** The physical lines as written (each continued one still ends with its backslash). */
  parts: string[];
}

export type LexResult = { ok: true; lines: LogicalLine[] } | { ok: false; reason: string };

/** Splits makefile text into logical lines. Which joining rule applies (recipe or not) is decided by the reader. */
export function lexMakefile(text: string, firstLine = 1): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    const parts = [physical[i]];
    while (endsWithContinuation(physical[i]) && i + 1 < physical.length) {
      i++;
      parts.push(physical[i]);
    }
    lines.push({ line: firstLine + start, parts });
  }
  // A trailing newline leaves one empty line that is not part of the file.
  if (lines.length > 0 && lines[lines.length - 1].parts.length === 1 && lines[lines.length - 1].parts[0] === '') lines.pop();
  return lines;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/**
 * A non-recipe logical line as make reads it: each backslash-newline and the blanks around it become one space.
 */
export function joinNormal(parts: string[]): string {
  if (parts.length === 1) return parts[0];
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i];
    if (i > 0) p = p.replace(/^[ \t]+/, '');
    if (i < parts.length - 1) {
      p = p.slice(0, -1).replace(/[ \t]+$/, '');
      out += p + ' ';
    } else {
      out += p;
    }
  }
  return out;
}

/**
 * A recipe line as make hands it to the shell: backslash-newlines are kept (the shell removes them), and one
 * leading recipe prefix (tab) of each continuation line is dropped.
 */
export function joinRecipe(parts: string[], prefix: string): string {
  return parts.map((p, i) => (i > 0 && p.startsWith(prefix) ? p.slice(prefix.length) : p)).join('\n');
}

/** Parsed makefiles, per tree and path: the same Makefile is read by many `make` invocations in one scan. */
const cache = new WeakMap<RepoReader, Map<string, LexResult>>();

export function readMakefile(repo: RepoReader, path: string): LexResult {
  let perRepo = cache.get(repo);
  if (!perRepo) {
    perRepo = new Map();
    cache.set(repo, perRepo);
  }
  const hit = perRepo.get(path);
  if (hit) return hit;
  const read = repo.read(path);
  const result: LexResult = read.ok ? { ok: true, lines: lexMakefile(read.text) } : { ok: false, reason: read.reason };
  perRepo.set(path, result);
  return result;
}
