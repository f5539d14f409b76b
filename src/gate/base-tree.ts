import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { boundedReads, isPipelinePath, MAX_DEPTH, MAX_FILE_BYTES, MAX_FILES, normalizeRelPath, walkPriority, type BoundHit, type ReadResult, type RepoFile, type RepoReader } from '../discover/repo.js';
import type { TreeEntry } from './git.js';

/**
 * A read-only view of the base commit's tree, for the second analysis of `fail-on: new`. Nothing is checked out
 * and nothing from either tree runs: the listing is the base commit's tree (git ls-tree, or the REST API's trees
 * endpoint), and a file's content comes from
 *   - the checkout, when the checked-out commit has the same blob there and the file on disk still hashes to it
 *     (most files: a pull request changes few), or to it after the checkout's CRLF conversion;
 *   - else the blobs fetched before the analysis (what the base has differently), or one read on demand from the
 *     local object store.
 * Files on disk that git does not track (a second checkout of a GitOps repository, generated files) belong to the
 * environment, not to the change: the base sees them too. The bounds and refusal reasons are those of openRepo
 * (repo.ts), so an unchanged tree yields the same report.
 */
export interface BlobSource {
  /** Blob contents by id, fetched before the analysis. */
  prefetched: Map<string, Buffer>;
  /** One blob on demand (the local object store); absent when blobs come from the REST API. */
  readSync?(oid: string): Buffer | undefined;
}

export interface BaseTreeInput {
  /** The reader of the same directory in the checkout: its root names this tree too (cache keys, policy-root labels). */
  head: RepoReader;
  /** The base commit's regular files below this directory, paths relative to it. */
  entries: TreeEntry[];
  /** Blob ids of the checked-out commit below this directory (what is tracked, and which base files are unchanged). */
  headOids: Map<string, string>;
  blobs: BlobSource;
}

export interface BaseTreeReader extends RepoReader {
  /** Files the analysis read whose base content could not be had: a comparison over them is not trustworthy. */
  missing(): string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export function baseTreeReader(input: BaseTreeInput): BaseTreeReader {
  const limits: string[] = [];
  const byPath = new Map<string, TreeEntry>();
  let tooDeep = false;
  for (const e of input.entries) {
    const rel = normalizeRelPath(e.path);
    if (rel === undefined || rel === '' || rel !== e.path) continue;
    const dirs = rel.split('/').slice(0, -1);
    if (dirs.some((d) => SKIP_DIRS.has(d))) continue;
    if (dirs.length > MAX_DEPTH) {
      tooDeep = true;
      continue;
    }
    byPath.set(rel, e);
  }
  if (tooDeep) limits.push(`directory depth bound (${MAX_DEPTH}) hit in the base tree; deeper files not scanned`);
  // Files on disk that the checked-out commit does not track are the environment of both trees.
  const untracked = new Set(input.head.files.map((f) => f.path).filter((p) => !input.headOids.has(p) && !byPath.has(p)));
  let paths = [...byPath.keys(), ...untracked];
  const droppedPipeline: string[] = [];
  if (paths.length > MAX_FILES) {
    // The same priority as the walk: filler makes room for the pipeline.
    paths.sort((a, b) => walkPriority(a) - walkPriority(b) || (a < b ? -1 : 1));
    for (const p of paths.slice(MAX_FILES)) if ((isPipelinePath(p) || p.startsWith('.github/')) && droppedPipeline.length < 100) droppedPipeline.push(p);
    limits.push(`file count bound (${MAX_FILES}) hit; ${paths.length - MAX_FILES} files not listed (filler first, pipeline files last)`);
    paths = paths.slice(0, MAX_FILES);
    const kept = new Set(paths);
    for (const p of [...byPath.keys()]) if (!kept.has(p)) byPath.delete(p);
    for (const p of [...untracked]) if (!kept.has(p)) untracked.delete(p);
  }
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: RepoFile[] = paths.map((path) => ({ path, size: -1 }));

  const missing: string[] = [];

  const contentOf = (rel: string, entry: TreeEntry): Buffer | undefined => {
    const pre = input.blobs.prefetched.get(entry.oid);
    if (pre) return pre;
    if (input.headOids.get(rel) === entry.oid) {
      const disk = readCheckoutFile(input.head.root, rel, entry.size);
      if (disk && (blobId(disk, entry.oid) === entry.oid || (disk.includes(0x0d) && blobId(stripCr(disk), entry.oid) === entry.oid))) return disk;
    }
    return input.blobs.readSync?.(entry.oid);
  };

  const readEntry = (rel: string, entry: TreeEntry): ReadResult => {
    if (entry.size > MAX_FILE_BYTES) return { ok: false, reason: `file is ${entry.size} bytes, over the ${MAX_FILE_BYTES}-byte bound; not read` };
    const bytes = contentOf(rel, entry);
    if (!bytes) {
      missing.push(rel);
      return { ok: false, reason: 'the base commit’s content of this file could not be read' };
    }
    if (bytes.subarray(0, Math.min(bytes.length, 8192)).includes(0)) return { ok: false, reason: 'binary file (NUL byte); not read' };
    return { ok: true, text: bytes.toString('utf8') };
  };

  const reads = boundedReads((rel, options) => {
    const entry = byPath.get(rel);
    return entry ? readEntry(rel, entry) : untracked.has(rel) ? input.head.read(rel, options) : { ok: false, reason: 'no such file' };
  });

  return {
    root: input.head.root,
    files,
    limits,
    has: (path) => {
      const rel = normalizeRelPath(path);
      return rel !== undefined && (byPath.has(rel) || untracked.has(rel));
    },
    read: reads.read,
    boundHits: (): BoundHit[] => [
      ...reads.refusedHits(),
      ...droppedPipeline.map((path) => ({ path, reason: `not listed: the file count bound (${MAX_FILES}) was reached`, pipeline: true })),
    ],
    missing: () => [...missing],
  };
}

/** The file's bytes when it is a regular file of the checkout (not through a symbolic link) of about the expected size. */
function readCheckoutFile(root: string, rel: string, expected: number): Buffer | undefined {
  const abs = join(root, rel);
  try {
    if (realpathSync(abs) !== abs) return undefined;
    const st = lstatSync(abs);
    // CRLF conversion can at most double the size; anything else is another file.
    if (!st.isFile() || st.size > Math.min(MAX_FILE_BYTES, expected * 2 + 1)) return undefined;
    const buf = Buffer.alloc(st.size);
    const fd = openSync(abs, 'r');
    try {
      let off = 0;
      while (off < st.size) {
        const n = readSync(fd, buf, off, st.size - off, off);
        if (n <= 0) break;
        off += n;
      }
      return off === st.size ? buf : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** git's object id of a blob with this content, in the hash the id is written in (SHA-1: 40 hex digits, SHA-256: 64). */
export function blobId(content: Buffer, like: string): string {
  const h = createHash(like.length === 64 ? 'sha256' : 'sha1');
  h.update(`blob ${content.length}\0`);
  h.update(content);
  return h.digest('hex');
}

function stripCr(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}
