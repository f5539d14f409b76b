import { execFileSync, spawn } from 'node:child_process';
import { resolveGit } from '../action/git-path.js';

/**
 * The few git commands the base-commit comparison needs, all reading objects (rev-parse, ls-tree, cat-file) except
 * one `fetch` of a single commit. git is found by absolute path outside the checkout (git-path.ts), never a bare
 * `git`; options that run programs configured in the repository (fsmonitor, hooks, ext:: transports) are off, no
 * prompt can wait for input, and a partial clone never fetches a missing object behind our back.
 */
export type GitResult = { ok: true; stdout: Buffer } | { ok: false; reason: string };

/** A file of a commit's tree: a regular blob (symbolic links and submodules are not files of the scan). */
export interface TreeEntry {
  path: string;
  oid: string;
  size: number;
}

const SAFETY = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'protocol.ext.allow=never', '-c', 'fetch.recurseSubmodules=false'];
const DEFAULT_TIMEOUT_MS = 60_000;
/** Bound on a tree listing (about 500,000 paths). */
const MAX_LISTING_BYTES = 64 * 1024 * 1024;

export class Git {
  private constructor(
    readonly file: string,
    readonly cwd: string,
  ) {}

  /** git for commands run in `cwd`; `workspace` is the checkout no program may come from. */
  static locate(cwd: string, workspace: string, path = process.env['PATH']): Git | { error: string } {
    const found = resolveGit({ workspace, ...(path !== undefined ? { path } : {}) });
    return found.ok ? new Git(found.file, cwd) : { error: found.reason };
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_NO_LAZY_FETCH: '1' };
  }

  run(args: string[], options: { input?: string; maxBytes?: number; timeoutMs?: number } = {}): Promise<GitResult> {
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    return new Promise((resolve) => {
      let child;
      try {
        child = spawn(this.file, [...SAFETY, ...args], { cwd: this.cwd, env: this.env(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        resolve({ ok: false, reason: `git could not be started: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let over = false;
      let settled = false;
      const finish = (r: GitResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ ok: false, reason: `git ${args[0]} did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s` });
      }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      child.stdout.on('data', (d: Buffer) => {
        size += d.length;
        if (size > maxBytes) {
          if (!over) {
            over = true;
            child.kill('SIGKILL');
            finish({ ok: false, reason: `git ${args[0]} printed more than ${maxBytes} bytes` });
          }
          return;
        }
        chunks.push(d);
      });
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 2000) stderr += d.toString('utf8');
      });
      child.on('error', (e) => finish({ ok: false, reason: `git could not be run: ${e.message}` }));
      child.on('close', (code) => {
        if (code === 0) finish({ ok: true, stdout: Buffer.concat(chunks) });
        else finish({ ok: false, reason: `git ${args[0]} failed: ${firstLine(stderr) || `exit status ${code}`}` });
      });
      child.stdin.on('error', () => undefined);
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    });
  }

  runSync(args: string[], maxBytes: number, timeoutMs = 15_000): GitResult {
    try {
      const stdout = execFileSync(this.file, [...SAFETY, ...args], { cwd: this.cwd, env: this.env(), maxBuffer: maxBytes, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      return { ok: true, stdout };
    } catch (e) {
      const err = e as { stderr?: Buffer; message?: string };
      return { ok: false, reason: `git ${args[0]} failed: ${firstLine(err.stderr?.toString('utf8') ?? '') || firstLine(err.message ?? '')}` };
    }
  }

  /** Where `cwd` sits inside its repository's work tree (`sub/dir/`, or '' at the top). */
  async prefix(): Promise<{ ok: true; prefix: string } | { ok: false; reason: string }> {
    const r = await this.run(['rev-parse', '--show-prefix'], { maxBytes: 64 * 1024 });
    if (!r.ok) return r;
    return { ok: true, prefix: r.stdout.toString('utf8').replace(/\r?\n$/, '') };
  }

  /** The commit id a ref or object id names, if this repository has that commit (isSafeRef keeps it from reading as an option). */
  async commit(ref: string): Promise<{ ok: true; sha: string } | { ok: false; reason: string }> {
    if (!isSafeRef(ref)) return { ok: false, reason: `'${ref.slice(0, 80)}' is not a usable git ref` };
    const r = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { maxBytes: 4096 });
    if (!r.ok) return { ok: false, reason: `commit ${ref.slice(0, 80)} is not in the local repository` };
    const sha = r.stdout.toString('utf8').trim();
    return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha) ? { ok: true, sha } : { ok: false, reason: `git rev-parse answered '${sha.slice(0, 80)}'` };
  }

  /** Every regular file of a commit's tree, with its blob id and size. */
  async listTree(commit: string): Promise<{ ok: true; entries: TreeEntry[] } | { ok: false; reason: string }> {
    const r = await this.run(['ls-tree', '-r', '-z', '-l', '--full-tree', commit], { maxBytes: MAX_LISTING_BYTES });
    if (!r.ok) return r;
    return { ok: true, entries: parseLsTree(r.stdout.toString('utf8')) };
  }

  /** Blob contents by id, in one `cat-file --batch`; stops (and says so) past `maxBytes` of content. */
  async readBlobs(oids: string[], maxBytes: number): Promise<{ ok: true; blobs: Map<string, Buffer> } | { ok: false; reason: string }> {
    const ids = oids.filter((o) => /^[0-9a-f]{40,64}$/.test(o));
    if (ids.length === 0) return { ok: true, blobs: new Map() };
    const r = await this.run(['cat-file', '--batch'], { input: ids.join('\n') + '\n', maxBytes: maxBytes + ids.length * 100 });
    if (!r.ok) return r;
    return parseBatch(r.stdout);
  }

  /** One blob, synchronously (for the rare file the checkout holds with other content than its commit). */
  readBlobSync(oid: string, maxBytes: number): Buffer | undefined {
    if (!/^[0-9a-f]{40,64}$/.test(oid)) return undefined;
    const r = this.runSync(['cat-file', 'blob', oid], maxBytes + 1);
    return r.ok ? r.stdout : undefined;
  }

  /** `git fetch --depth=1 origin <sha>`: just that commit, with the credentials the checkout kept (if any). */
  fetchCommit(sha: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GitResult> {
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha)) return Promise.resolve({ ok: false, reason: 'not a full commit id' });
    return this.run(['fetch', '--quiet', '--depth=1', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', 'origin', sha], { maxBytes: 1024 * 1024, timeoutMs });
  }
}

/** `<mode> <type> <oid> <size>\t<path>\0` records; only regular files (100644, 100755). */
export function parseLsTree(text: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const record of text.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const m = /^(\d{6}) (\w+) ([0-9a-f]{40,64}) +(\d+|-)$/.exec(record.slice(0, tab));
    if (!m || m[2] !== 'blob' || (m[1] !== '100644' && m[1] !== '100755')) continue;
    out.push({ path: record.slice(tab + 1), oid: m[3]!, size: Number(m[4]) });
  }
  return out;
}

/** `<oid> blob <size>\n<content>\n` answers of `cat-file --batch` (`<oid> missing` for absent objects). */
export function parseBatch(buf: Buffer): { ok: true; blobs: Map<string, Buffer> } | { ok: false; reason: string } {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) return { ok: false, reason: 'git cat-file answer is cut short' };
    const header = buf.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
    if (!m) {
      if (/ missing$| ambiguous$/.test(header)) continue;
      return { ok: false, reason: `unexpected git cat-file answer '${header.slice(0, 80)}'` };
    }
    const size = Number(m[3]);
    if (at + size > buf.length) return { ok: false, reason: 'git cat-file answer is cut short' };
    if (m[2] === 'blob') blobs.set(m[1]!, buf.subarray(at, at + size));
    at += size + 1;
  }
  return { ok: true, blobs };
}

/** A ref the CLI may hand to rev-parse: no option look-alike, no control characters, bounded. */
export function isSafeRef(ref: string): boolean {
  return ref.length > 0 && ref.length <= 256 && !ref.startsWith('-') && !/[\0-\x20\x7f]/.test(ref);
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}
