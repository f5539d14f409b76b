import { join } from 'node:path';
import { confineDir } from '../../discover/confine.js';
import { normalizeRelPath, openRepo, type ReadResult, type RepoFile, type RepoReader } from '../../discover/repo.js';
import type { RemoteFetcher } from '../../engine/options.js';

export interface RemoteFileResult {
  text: string;
  /** The tree the file lives in, for following scripts and local paths inside it. */
  repo: RepoReader;
  /** Display path: `owner/repo/path@ref`. */
  display: string;
}

/**
 * Remote reusable workflows and actions (`uses: owner/repo/path@ref`): read from a directory of checkouts laid out
 * `<dir>/<owner>/<repo>/`, else through the fetcher (GitHub API) when one is given. Never from the network otherwise.
 */
export class RemoteSource {
  private readonly checkouts = new Map<string, RepoReader | null>();
  private readonly fetched = new Map<string, Map<string, string>>();
  /** Checkouts refused because a path component leaves the checkouts directory (reported as limits). */
  private readonly notes: string[] = [];

  constructor(
    private readonly checkoutsDir: string | undefined,
    private readonly fetcher: RemoteFetcher | undefined,
  ) {}

  get available(): boolean {
    return this.checkoutsDir !== undefined || this.fetcher !== undefined;
  }

  get failures(): string[] {
    return [...this.notes, ...(this.fetcher?.failures ?? [])];
  }

  /**
   * Why files of `owner/repo@ref` could not be read, when an API fault or a refused checkout is the cause (not
   * absence): the reason a not-inspected finding should give.
   */
  unreadReason(owner: string, repo: string, ref: string): string | undefined {
    const key = `${owner}/${repo}/`;
    const fault = this.failures.find((f) => (f.includes(key) && f.includes(`@${ref}`)) || /deadline|rate limit/.test(f) || f.includes(`${owner}/${repo}'`));
    return fault;
  }

  private checkout(owner: string, repo: string): RepoReader | null {
    const key = `${owner}/${repo}`.toLowerCase();
    if (this.checkouts.has(key)) return this.checkouts.get(key)!;
    let reader: RepoReader | null = null;
    const name = (s: string): boolean => /^[\w.-]+$/.test(s) && s !== '.' && s !== '..';
    if (this.checkoutsDir && name(owner) && name(repo)) {
      // DIR/<owner>/<repo> (and every component on the way) must resolve inside DIR: a symlinked owner or
      // repository folder in a checkouts directory is refused, never followed.
      const dir = confineDir(join(this.checkoutsDir, owner, repo), [this.checkoutsDir], 'remote checkout');
      if (dir.ok) reader = openRepo(dir.path);
      else if (!/does not exist|is not a directory/.test(dir.reason)) this.notes.push(dir.reason);
    }
    this.checkouts.set(key, reader);
    return reader;
  }

  /** The remote checkouts only (no API): for readers that run synchronously (goreleaser `includes: from_url`). */
  readCheckoutFile(owner: string, repo: string, ref: string, path: string): { text: string; display: string } | { error: string } {
    const rel = normalizeRelPath(path);
    const display = `${owner}/${repo}/${path}@${ref}`;
    if (rel === undefined) return { error: `${display}: path leaves the repository` };
    const local = this.checkout(owner, repo);
    if (!local) return { error: `${display}: no remote checkout of ${owner}/${repo}` };
    const r = local.read(rel);
    return r.ok ? { text: r.text, display } : { error: `${display}: ${r.reason} in the remote checkout` };
  }

  async readFile(owner: string, repo: string, ref: string, path: string): Promise<RemoteFileResult | { error: string }> {
    const rel = normalizeRelPath(path);
    const display = `${owner}/${repo}/${path}@${ref}`;
    if (rel === undefined) return { error: `${display}: path leaves the repository` };
    const local = this.checkout(owner, repo);
    if (local) {
      const r = local.read(rel);
      if (r.ok) return { text: r.text, repo: local, display };
      if (!this.fetcher) return { error: `${display}: ${r.reason} in the remote checkout` };
    }
    if (this.fetcher) {
      const got = await this.fetcher.readFile(owner, repo, ref, rel);
      if (got) {
        const key = `${owner}/${repo}@${ref}`;
        const files = this.fetched.get(key) ?? new Map<string, string>();
        files.set(rel, got.text);
        this.fetched.set(key, files);
        return { text: got.text, repo: virtualRepo(`${owner}/${repo}@${ref}`, files), display };
      }
      // An API fault is not evidence: say what failed, so the part is reported not inspected with the reason.
      const fault = this.fetcher.failures.find((f) => f.includes(`${owner}/${repo}/${rel}@${ref}`) || /deadline|rate limit/.test(f));
      return { error: `${display}: ${fault ? fault.replace(`GitHub API: ${owner}/${repo}/${rel}@${ref}: `, 'GitHub API: ') : 'not available through the GitHub API'}` };
    }
    return { error: `${display}: no remote checkout and no GitHub token given` };
  }
}

/** A RepoReader over files fetched through the API (scripts it references are not available). */
function virtualRepo(name: string, files: Map<string, string>): RepoReader {
  const list: RepoFile[] = [...files.keys()].map((p) => ({ path: p, size: files.get(p)!.length }));
  return {
    root: `remote:${name}`,
    files: list,
    limits: [],
    has: (p) => files.has(p),
    read: (p): ReadResult => {
      const t = files.get(p);
      return t === undefined ? { ok: false, reason: 'not fetched from the remote repository' } : { ok: true, text: t };
    },
  };
}

/** Parses `owner/repo[/path]@ref`. */
export function parseUses(uses: string): { owner: string; repo: string; path: string; ref: string } | undefined {
  const m = /^([\w.-]+)\/([\w.-]+)((?:\/[^@]+)?)@(.+)$/.exec(uses.trim());
  if (!m) return undefined;
  return { owner: m[1]!, repo: m[2]!, path: (m[3] ?? '').replace(/^\//, ''), ref: m[4]! };
}
