import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';

/** Files larger than this are not read: pipeline and policy files are small, and the scanned tree is untrusted. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Directory walk bounds (untrusted trees can be arbitrarily large or deep). */
export const MAX_FILES = 200_000;
export const MAX_DEPTH = 40;
/** Directory entries the walk looks at in all, listed or not: the bound on the walk's own time. */
export const MAX_ENTRIES = 1_000_000;

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * Pipeline files by name: what the pipeline reader looks for on its own (workflows, actions, Makefiles, release and
 * bake configurations). A bound that keeps one of them from being read fails the check (src/discover/bounds.ts).
 */
const PIPELINE_NAME = [
  /^\.github\/workflows\/[^/]+$/i,
  /(^|\/)action\.ya?ml$/i,
  /(^|\/)(GNUmakefile|makefile|Makefile)$|\.mk$/,
  /(^|\/)\.?goreleaser(\.[\w-]+)?\.ya?ml$/i,
  /(^|\/)docker-bake(\.[\w-]+)?\.(hcl|json)$/i,
  /(^|\/)\.ko\.ya?ml$/i,
  // Other CI systems' pipeline files (src/ci/): GitLab CI, Google Cloud Build configs (src/ci/cloudbuild/config.ts).
  /^\.gitlab-ci\.ya?ml$/,
  /(^|\/)([\w.-]*[._-])?cloudbuild([._-][\w.-]*)?\.(ya?ml|json)$/i,
  // CI systems without a reader yet (src/ci/unread/systems.ts): scanned by name, and failing closed when unread.
  /(^|\/)(Jenkinsfile([._-][\w.-]*)?|[\w.-]+\.jenkinsfile)$/i,
  /(^|\/)\.tekton\/.+\.ya?ml$/i,
  /^\.circleci\/[^/]+\.ya?ml$/i,
  /(^|\/)azure-pipelines?([._-][\w.-]*)?\.ya?ml$|(^|\/)\.azure-pipelines\/.+\.ya?ml$/i,
  /^\.buildkite\/.+\.ya?ml$|^buildkite\.ya?ml$/i,
  /^\.drone\.(ya?ml|jsonnet|star)$|^\.woodpecker(\.ya?ml|\/.+\.ya?ml)$/i,
  /(^|\/)bitbucket-pipelines\.ya?ml$/i,
];

export function isPipelinePath(path: string): boolean {
  return PIPELINE_NAME.some((re) => re.test(path));
}

/**
 * Walk priority: `.github/` first, then pipeline files and scripts, then manifests, then everything else. When the
 * file-count bound is reached, files of a later class make room for earlier ones, so filler (200,000 empty files
 * in a folder that sorts before `.github`) cannot push a workflow, a script or a policy out of the listing.
 */
export function walkPriority(path: string): 0 | 1 | 2 | 3 {
  if (path.startsWith('.github/')) return 0;
  if (isPipelinePath(path) || /\.(sh|bash|ps1|py|mk)$/i.test(path) || /(^|\/)(Taskfile|Dockerfile|Containerfile)[^/]*$/i.test(path)) return 1;
  if (/\.(ya?ml|json|hcl|tf|jsonnet|cue)$/i.test(path)) return 2;
  return 3;
}

export interface RepoFile {
  /** Repository-relative, forward slashes. */
  path: string;
  size: number;
}

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

export interface ReadOptions {
  /**
   * The read is part of a scan over every file of some kind (private keys, every YAML file for policies), not a
   * file the pipeline names. A bound that refuses a scanned file is only a `limits` line unless the file is a
   * pipeline file by name; any other refused read fails closed.
   */
  scan?: boolean;
}

/** A file a bound kept from being read or listed. */
export interface BoundHit {
  path: string;
  reason: string;
  /** Read by name (not by a scan), or a pipeline file by name, or under `.github/`. */
  pipeline: boolean;
}

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
  read(path: string, options?: ReadOptions): ReadResult;
  /** Files bounds kept from being read or listed, and folders the walk stopped at (optional for stand-ins). */
  boundHits?(): BoundHit[];
}

/** How many not-listed pipeline files are remembered by name (the rest are counted). */
const MAX_REMEMBERED_DROPS = 100;

export function openRepo(root: string): RepoReader {
  const realRoot = realpathSync(root);
  const limits: string[] = [];
  const classes: string[][] = [[], [], [], []];
  let total = 0;
  let visited = 0;
  let dropped = 0;
  let truncated = false;
  const droppedPipeline: string[] = [];
  const walkStops: BoundHit[] = [];
  const noteDropped = (path: string): void => {
    dropped++;
    if ((isPipelinePath(path) || path.startsWith('.github/')) && droppedPipeline.length < MAX_REMEMBERED_DROPS) droppedPipeline.push(path);
  };
  const add = (path: string): void => {
    const c = walkPriority(path);
    if (total < MAX_FILES) {
      classes[c]!.push(path);
      total++;
      return;
    }
    truncated = true;
    for (let k = 3; k > c; k--) {
      const evicted = classes[k]!.pop();
      if (evicted !== undefined) {
        noteDropped(evicted);
        classes[c]!.push(path);
        return;
      }
    }
    noteDropped(path);
  };
  const walk = (dir: string, rel: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      truncated = true;
      limits.push(`directory depth bound (${MAX_DEPTH}) hit at ${rel}; deeper files not scanned`);
      walkStops.push({ path: rel, reason: `directory depth bound (${MAX_DEPTH}) hit; files below it are not listed`, pipeline: rel.startsWith('.github/') });
      return;
    }
    if (visited > MAX_ENTRIES) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // The pipeline's home first: bounds that run out later cannot reach it.
    if (depth === 0) entries.sort((a, b) => Number(b.name === '.github') - Number(a.name === '.github'));
    for (const entry of entries) {
      if (++visited > MAX_ENTRIES) {
        truncated = true;
        limits.push(`directory entry bound (${MAX_ENTRIES}) hit at ${rel || '.'}; the rest of the tree is not listed`);
        walkStops.push({ path: rel || '.', reason: `the walk stopped after ${MAX_ENTRIES} directory entries; pipeline files in the rest of the tree may not be listed`, pipeline: true });
        return;
      }
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      // Dirent reports the link itself, so symbolic links (in or out of the tree) are skipped, never followed.
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), childRel, depth + 1);
      } else if (entry.isFile()) {
        add(childRel);
      }
    }
  };
  walk(realRoot, '', 0);
  if (dropped > 0) limits.push(`file count bound (${MAX_FILES}) hit; ${dropped} files not listed (filler first, pipeline files last)`);
  const files: RepoFile[] = classes.flat().map((path) => ({ path, size: -1 }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const index = new Set(files.map((f) => f.path));
  const unlistedCache = new Map<string, boolean>();
  const reads = boundedReads((rel) => readBounded(realRoot, rel, index.has(rel)));

  // After a walk bound, a file the pipeline names may exist without being listed: look it up on disk (symlink-free).
  const existsUnlisted = (rel: string): boolean => {
    if (!truncated || rel === '' || rel.split('/').some((s) => SKIP_DIRS.has(s))) return false;
    let hit = unlistedCache.get(rel);
    if (hit === undefined) {
      const abs = join(realRoot, rel);
      try {
        hit = realpathSync(abs) === abs && statSync(abs).isFile();
      } catch {
        hit = false;
      }
      unlistedCache.set(rel, hit);
    }
    return hit;
  };

  return {
    root: realRoot,
    files,
    limits,
    has: (path) => {
      const rel = normalizeRelPath(path);
      return rel !== undefined && (index.has(rel) || existsUnlisted(rel));
    },
    read: reads.read,
    boundHits: () => [
      ...reads.refusedHits(),
      ...droppedPipeline.map((path) => ({ path, reason: `not listed: the file count bound (${MAX_FILES}) was reached`, pipeline: true })),
      ...walkStops,
    ],
  };
}

/** Reasons readBounded gives when a bound (not absence) keeps a file from being read. */
const BOUND_REASON = /over the \d+-byte bound|binary file/;

/**
 * `read` for a RepoReader over `readUncached`: each path normalised and read once (cached), and every file a bound
 * kept from being read remembered for `boundHits` — as a pipeline file when a pipeline reader asked for it or it
 * lies where pipelines live. Shared by the checkout reader and the base-commit reader (src/gate/base-tree.ts).
 */
export function boundedReads(readUncached: (rel: string, options?: ReadOptions) => ReadResult): { read: (path: string, options?: ReadOptions) => ReadResult; refusedHits: () => BoundHit[] } {
  const cache = new Map<string, ReadResult>();
  const refused = new Map<string, { reason: string; pipeline: boolean }>();
  return {
    read(path, options) {
      const rel = normalizeRelPath(path);
      if (rel === undefined) return { ok: false, reason: 'path leaves the repository' };
      let result = cache.get(rel);
      if (!result) {
        result = readUncached(rel, options);
        cache.set(rel, result);
      }
      if (!result.ok && BOUND_REASON.test(result.reason)) {
        const pipeline = !options?.scan || isPipelinePath(rel) || rel.startsWith('.github/');
        const prev = refused.get(rel);
        refused.set(rel, { reason: result.reason, pipeline: pipeline || (prev?.pipeline ?? false) });
      }
      return result;
    },
    refusedHits: () => [...refused].map(([path, r]) => ({ path, reason: r.reason, pipeline: r.pipeline })),
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
