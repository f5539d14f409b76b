import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MAX_FILE_BYTES, openRepo, walkPriority, type RepoReader } from '../discover/repo.js';
import { baseTreeReader, type BaseTreeReader } from './base-tree.js';
import type { Git, TreeEntry } from './git.js';

/**
 * Where the base commit's tree comes from, in order: the local object store; `git fetch --depth=1 origin <sha>`
 * (the Action, where the checkout kept credentials or the repository is public); the REST API (the Action, with a
 * token). Each source lists the commit's files and reads blobs; only the blobs the base has differently from the
 * checkout are read at all.
 */
export interface TreeSource {
  name: 'git' | 'git-fetch' | 'api';
  /** The commit's regular files, paths from the repository's top. */
  listTree(): Promise<{ ok: true; entries: TreeEntry[] } | { ok: false; reason: string }>;
  /** Blobs by id; may return fewer than asked (bounds), never throws. */
  readBlobs(oids: string[], maxBytes: number): Promise<Map<string, Buffer>>;
  readSync?(oid: string): Buffer | undefined;
  /** At most this many blobs are read ahead (requests are costly through the API). */
  maxBlobs?: number;
}

export interface BaselineInput {
  /** The scanned directory (absolute). */
  root: string;
  /** The checkout's reader over `root`. */
  head: RepoReader;
  /** git with its working directory at `root`. */
  git: Git;
  /** The base commit: a full object id (the Action) or a ref (the CLI). */
  commit: string;
  /** The Action may fetch the commit from origin when it is missing. */
  fetchMissing?: boolean;
  /** The REST API source, tried last (the Action with a token). */
  api?: (sha: string) => TreeSource;
  /** Why there is no API source, for the notes (the Action without a token). */
  noApi?: string;
  /** policy-paths roots (absolute): those inside `root` and tracked by git are read at the base commit too. */
  policyPaths?: string[];
}

export type Baseline =
  | { ok: true; commit: string; source: TreeSource['name']; reader: BaseTreeReader; policyRepos: RepoReader[]; missing: () => string[]; notes: string[] }
  | { ok: false; reason: string; notes: string[] };

/** Bytes of differing blobs read ahead; past it, blobs are read when the analysis asks (local git) or not at all. */
const MAX_PREFETCH_BYTES = 128 * 1024 * 1024;

export async function loadBaseline(input: BaselineInput): Promise<Baseline> {
  const notes: string[] = [];
  const prefix = await input.git.prefix();
  if (!prefix.ok) return { ok: false, reason: `the checkout is not a git work tree git can read (${prefix.reason})`, notes };
  const headTree = await input.git.listTree('HEAD');
  if (!headTree.ok) return { ok: false, reason: `the checked-out commit could not be listed (${headTree.reason})`, notes };

  let source: TreeSource | undefined;
  let commit = input.commit;
  const local = await input.git.commit(input.commit);
  if (local.ok) {
    commit = local.sha;
    source = gitSource(input.git, commit, 'git');
  } else {
    notes.push(`base commit ${short(input.commit)} is not in the checkout (${local.reason})`);
    if (input.fetchMissing) {
      const fetched = await input.git.fetchCommit(input.commit);
      const again = fetched.ok ? await input.git.commit(input.commit) : undefined;
      if (again?.ok) {
        commit = again.sha;
        source = gitSource(input.git, commit, 'git-fetch');
        notes.push(`fetched base commit ${short(commit)} from origin (git fetch --depth=1)`);
      } else notes.push(`git fetch --depth=1 origin ${short(input.commit)} did not bring it: ${fetched.ok ? 'the commit is still missing' : fetched.reason}`);
    }
    if (!source && input.api) source = input.api(input.commit);
    else if (!source && input.noApi) notes.push(input.noApi);
  }
  if (!source) return { ok: false, reason: notes.join('; ') || `base commit ${short(input.commit)} is not available`, notes };

  const listed = await source.listTree();
  if (!listed.ok) {
    notes.push(`${source.name === 'api' ? 'REST API' : 'git'}: ${listed.reason}`);
    return { ok: false, reason: notes.join('; '), notes };
  }
  const under = (entries: TreeEntry[], dir: string): TreeEntry[] => (dir ? entries.filter((e) => e.path.startsWith(dir)).map((e) => ({ ...e, path: e.path.slice(dir.length) })) : entries);
  const baseEntries = under(listed.entries, prefix.prefix);
  const headEntries = under(headTree.entries, prefix.prefix);
  const headOids = new Map(headEntries.map((e) => [e.path, e.oid]));

  // Read ahead what the base has differently: pipeline files first, within the bounds.
  const differing = baseEntries.filter((e) => e.size <= MAX_FILE_BYTES && headOids.get(e.path) !== e.oid).sort((a, b) => walkPriority(a.path) - walkPriority(b.path) || (a.path < b.path ? -1 : 1));
  const wanted: string[] = [];
  let bytes = 0;
  for (const e of differing) {
    if (source.maxBlobs !== undefined && wanted.length >= source.maxBlobs) break;
    if (bytes + e.size > MAX_PREFETCH_BYTES) break;
    bytes += e.size;
    wanted.push(e.oid);
  }
  const prefetched = await source.readBlobs([...new Set(wanted)], bytes);
  const blobs = { prefetched, ...(source.readSync ? { readSync: source.readSync } : {}) };
  const readers: BaseTreeReader[] = [];
  const reader = baseTreeReader({ head: input.head, entries: baseEntries, headOids, blobs });
  readers.push(reader);

  // policy-paths inside the scanned tree that git tracks are part of the change; others (a second checkout) are not.
  const realRoot = realOrSelf(input.root);
  const policyRepos = (input.policyPaths ?? []).map((p) => {
    const rel = relative(realRoot, realOrSelf(p));
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return openRepo(p);
    const dir = rel.split(sep).join('/') + '/';
    if (!baseEntries.some((e) => e.path.startsWith(dir)) && !headEntries.some((e) => e.path.startsWith(dir))) return openRepo(p);
    const sub = baseTreeReader({ head: openRepo(p), entries: under(baseEntries, dir), headOids: new Map(under(headEntries, dir).map((e) => [e.path, e.oid])), blobs });
    readers.push(sub);
    return sub;
  });
  return { ok: true, commit, source: source.name, reader, policyRepos, missing: () => readers.flatMap((r) => r.missing()), notes };
}

/** Blobs read one by one on demand (each is a git process): past this many, the rest count as missing. */
const MAX_SYNC_READS = 2000;

function gitSource(git: Git, commit: string, name: 'git' | 'git-fetch'): TreeSource {
  let syncReads = 0;
  return {
    name,
    listTree: () => git.listTree(commit),
    async readBlobs(oids, maxBytes) {
      const r = await git.readBlobs(oids, maxBytes);
      return r.ok ? r.blobs : new Map();
    },
    readSync: (oid) => (syncReads++ < MAX_SYNC_READS ? git.readBlobSync(oid, MAX_FILE_BYTES) : undefined),
  };
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha.slice(0, 80);
}
