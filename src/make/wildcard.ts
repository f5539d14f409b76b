import { posix } from 'node:path';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import { compileGlob, isUsable, MAKE_WILDCARD } from '../util/glob.js';

interface TreeIndex {
  files: Set<string>;
  dirs: Set<string>;
  /** Directory ('' is the root) → names of the files and directories in it, sorted. */
  children: Map<string, string[]>;
  results: Map<string, string[]>;
}

/** Directory set and glob results per tree, so `$(wildcard …)` in a much-included .mk file is computed once. */
const indexes = new WeakMap<RepoReader, TreeIndex>();

function indexOf(repo: RepoReader): TreeIndex {
  let idx = indexes.get(repo);
  if (idx) return idx;
  const files = new Set<string>();
  const dirs = new Set<string>(['']);
  for (const f of repo.files) {
    files.add(f.path);
    for (let i = f.path.indexOf('/'); i >= 0; i = f.path.indexOf('/', i + 1)) dirs.add(f.path.slice(0, i));
  }
  const children = new Map<string, string[]>();
  for (const p of [...files, ...dirs]) {
    if (!p) continue;
    const slash = p.lastIndexOf('/');
    const parent = slash >= 0 ? p.slice(0, slash) : '';
    const list = children.get(parent) ?? [];
    list.push(p.slice(slash + 1));
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort();
  idx = { files, dirs, children, results: new Map() };
  indexes.set(repo, idx);
  return idx;
}

/**
 * make's `$(wildcard …)` over the tree's file list (never the real file system): existing files and directories
 * matching each glob, relative to the make directory, sorted per pattern.
 */
export function wildcard(repo: RepoReader, dir: string, patterns: string[]): string[] {
  const idx = indexOf(repo);
  const out: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('/')) continue;
    const full = normalizeRelPath(posix.join(dir || '.', pattern));
    if (full === undefined || full === '') continue;
    const key = full;
    let hits = idx.results.get(key);
    if (!hits) {
      if (!/[*?[]/.test(full)) {
        hits = idx.files.has(full) || idx.dirs.has(full) ? [full] : [];
      } else {
        hits = globSegments(idx, full.split('/'));
      }
      idx.results.set(key, hits);
    }
    for (const h of hits) out.push(relativeTo(dir, h));
  }
  return out;
}

/** Matches a glob one path segment at a time, listing only the directories it can reach. */
function globSegments(idx: TreeIndex, segments: string[]): string[] {
  let current = [''];
  for (const segment of segments) {
    const next: string[] = [];
    const wild = /[*?[]/.test(segment);
    // The linear glob matcher (src/util/glob.ts): a pathological segment costs at most its length times the
    // name's. A run of `*` is one `*`; a segment still longer than the matcher's bound needs more characters than a
    // file name has (255), so it matches nothing.
    const glob = wild ? compileGlob(segment.replace(/\*{2,}/g, '*'), MAKE_WILDCARD) : undefined;
    if (glob && !isUsable(glob)) return [];
    for (const base of current) {
      if (!glob) {
        const p = base ? `${base}/${segment}` : segment;
        if (idx.files.has(p) || idx.dirs.has(p)) next.push(p);
        continue;
      }
      for (const name of idx.children.get(base) ?? []) {
        // As in the shell, a wildcard does not match a leading dot.
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (glob.matches(name) === true) next.push(base ? `${base}/${name}` : name);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.sort();
}

export function relativeTo(dir: string, path: string): string {
  if (!dir) return path;
  if (path.startsWith(dir + '/')) return path.slice(dir.length + 1);
  return posix.relative(dir, path) || '.';
}

/** Whether a repository-relative path names an existing file or directory of the tree. */
export function exists(repo: RepoReader, path: string): boolean {
  const idx = indexOf(repo);
  return idx.files.has(path) || idx.dirs.has(path);
}
