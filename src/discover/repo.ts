import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';

/** Files larger than this are not read: pipeline and policy files are small, and the scanned tree is untrusted. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Directory walk bounds (untrusted trees can be arbitrarily large or deep). */
export const MAX_FILES = 200_000;
export const MAX_DEPTH = 40;

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface RepoFile {
  /** Repository-relative, forward slashes. */
  path: string;
  size: number;
}

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Read-only view of a checked-out tree that never leaves it: symbolic links are neither listed nor followed,
 * files are read with a size cap, and binary files are refused. Nothing from the tree is executed or imported.
 */
export interface RepoReader {
  readonly root: string;
  /** Every regular file below the root (symlinks and VCS folders excluded), sorted by path. */
  readonly files: RepoFile[];
  readonly limits: string[];
  has(path: string): boolean;
  read(path: string): ReadResult;
}

export function openRepo(root: string): RepoReader {
  const realRoot = realpathSync(root);
  const limits: string[] = [];
  const files: RepoFile[] = [];
  const walk = (dir: string, rel: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      limits.push(`directory depth bound (${MAX_DEPTH}) hit at ${rel}; deeper files not scanned`);
      return;
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.length >= MAX_FILES) {
        if (!limits.some((l) => l.startsWith('file count bound'))) limits.push(`file count bound (${MAX_FILES}) hit; remaining files not scanned`);
        return;
      }
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      // Dirent reports the link itself, so symbolic links (in or out of the tree) are skipped, never followed.
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), childRel, depth + 1);
      } else if (entry.isFile()) {
        files.push({ path: childRel, size: -1 });
      }
    }
  };
  walk(realRoot, '', 0);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const index = new Set(files.map((f) => f.path));
  const cache = new Map<string, ReadResult>();

  return {
    root: realRoot,
    files,
    limits,
    has: (path) => index.has(normalizeRelPath(path) ?? ''),
    read(path) {
      const rel = normalizeRelPath(path);
      if (rel === undefined) return { ok: false, reason: 'path leaves the repository' };
      const cached = cache.get(rel);
      if (cached) return cached;
      const result = readBounded(realRoot, rel, index.has(rel));
      cache.set(rel, result);
      return result;
    },
  };
}

/** Resolves `a/./b/../c` to `a/c`; undefined when the path climbs out of the root or is absolute. */
export function normalizeRelPath(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return undefined;
  const norm = posix.normalize(path.replace(/\\/g, '/'));
  if (norm === '..' || norm.startsWith('../')) return undefined;
  return norm === '.' ? '' : norm.replace(/^\.\//, '').replace(/\/$/, '');
}

function readBounded(realRoot: string, rel: string, listed: boolean): ReadResult {
  const abs = join(realRoot, rel);
  if (!listed) {
    // Not in the walk: either absent or reached through a symlink. Confirm it stays inside the tree.
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return { ok: false, reason: 'no such file' };
    }
    if (real !== abs) return { ok: false, reason: 'path goes through a symbolic link; not followed' };
  }
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) return { ok: false, reason: 'not a regular file' };
    size = st.size;
  } catch {
    return { ok: false, reason: 'no such file' };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, reason: `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte bound; not read` };
  const buf = Buffer.alloc(size);
  const fd = openSync(abs, 'r');
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n <= 0) break;
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  if (buf.subarray(0, Math.min(buf.length, 8192)).includes(0)) return { ok: false, reason: 'binary file (NUL byte); not read' };
  return { ok: true, text: buf.toString('utf8') };
}

export function toPosix(p: string): string {
  return p.split(sep).join('/');
}
