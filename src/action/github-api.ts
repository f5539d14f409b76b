import type { RemoteFetcher, RemoteFile } from '../engine/options.js';

/** The subset of `fetch` the client uses, so tests can hand in node's own fetch against a local server. */
export type FetchLike = (url: string, init: { headers: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

export interface ApiClientOptions {
  /** GITHUB_API_URL (https://api.github.com, or a GHES /api/v3 URL). */
  apiUrl: string;
  token: string;
  fetch?: FetchLike;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries for 5xx and network errors (rate limits are never retried: waiting out a reset would stall the check). */
  retries?: number;
  retryDelayMs?: number;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; reason: string; rateLimited: boolean };

const MAX_PAGES = 30; // GitHub lists at most 3,000 files of a pull request (30 pages of 100).
const MAX_REMOTE_BYTES = 1024 * 1024;
const MAX_REMOTE_REQUESTS = 200;

/** A small REST client over fetch: auth headers, timeouts, bounded retries, rate-limit detection. */
export class GitHubApi {
  private readonly base: URL;
  private readonly fetchImpl: FetchLike;
  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : options.apiUrl + '/');
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
  }

  url(path: string): string {
    return new URL(path.replace(/^\/+/, ''), this.base).toString();
  }

  /** GET with retries; the caller decides what a non-2xx status means. */
  async get(url: string, accept = 'application/vnd.github+json'): Promise<ApiResult<Response>> {
    // The token only ever goes to the configured API host: a Link header cannot redirect it elsewhere.
    if (new URL(url).origin !== this.base.origin) return { ok: false, reason: `refusing to send the token to ${new URL(url).origin}`, rateLimited: false };
    const retries = this.options.retries ?? 2;
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.options.retryDelayMs ?? 250) * attempt);
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept,
            'x-github-api-version': '2022-11-28',
            'user-agent': 'image-signing-audit',
          },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
      } catch (e) {
        last = `request failed: ${e instanceof Error ? e.message : String(e)}`;
        continue;
      }
      if (isRateLimited(res)) {
        await res.body?.cancel();
        const reset = res.headers.get('x-ratelimit-reset');
        const when = reset && /^\d+$/.test(reset) ? ` until ${new Date(Number(reset) * 1000).toISOString()}` : '';
        return { ok: false, reason: `GitHub API rate limit reached (HTTP ${res.status})${when}`, rateLimited: true };
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        last = `GitHub API answered HTTP ${res.status}`;
        continue;
      }
      return { ok: true, value: res };
    }
    return { ok: false, reason: `${last} (after ${retries + 1} attempts)`, rateLimited: false };
  }

  /** Files a pull request changes, following `Link: rel="next"` pages. */
  async listPullRequestFiles(repository: string, pullNumber: number): Promise<ApiResult<string[]>> {
    const files: string[] = [];
    let next: string | undefined = this.url(`repos/${repository}/pulls/${pullNumber}/files?per_page=100`);
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const got = await this.get(next);
      if (!got.ok) return got;
      const res = got.value;
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `listing pull request files: HTTP ${res.status}`, rateLimited: false };
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return { ok: false, reason: 'listing pull request files: response is not JSON', rateLimited: false };
      }
      if (!Array.isArray(body)) return { ok: false, reason: 'listing pull request files: unexpected response shape', rateLimited: false };
      for (const entry of body) {
        if (entry && typeof entry === 'object' && typeof (entry as { filename?: unknown }).filename === 'string') files.push((entry as { filename: string }).filename);
      }
      next = nextLink(res.headers.get('link'));
    }
    return { ok: true, value: files };
  }
}

export function isRateLimited(res: Response): boolean {
  if (res.status === 429) return true;
  return res.status === 403 && (res.headers.get('x-ratelimit-remaining') === '0' || res.headers.has('retry-after'));
}

/** The `rel="next"` URL of an RFC 8288 Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel="?next"?/.test(m[2]!)) return m[1];
  }
  return undefined;
}

/**
 * Reads remote reusable workflows and actions through the contents API. Bounded in requests and size; after
 * a rate limit it stops asking. Never throws: failures are collected for the report's limits.
 */
export function createApiRemoteFetcher(api: GitHubApi): RemoteFetcher {
  const failures: string[] = [];
  const cache = new Map<string, Promise<RemoteFile | undefined>>();
  let requests = 0;
  let stopped = false;
  const fetchOne = async (owner: string, repo: string, ref: string, path: string): Promise<RemoteFile | undefined> => {
    if (stopped) return undefined;
    if (requests++ >= MAX_REMOTE_REQUESTS) {
      stopped = true;
      failures.push(`GitHub API: more than ${MAX_REMOTE_REQUESTS} remote files requested; the rest are not inspected`);
      return undefined;
    }
    const seg = (s: string): string => s.split('/').map(encodeURIComponent).join('/');
    const got = await api.get(api.url(`repos/${seg(owner)}/${seg(repo)}/contents/${seg(path)}?ref=${encodeURIComponent(ref)}`), 'application/vnd.github.raw+json');
    if (!got.ok) {
      if (got.rateLimited) stopped = true;
      failures.push(`GitHub API: ${owner}/${repo}/${path}@${ref}: ${got.reason}`);
      return undefined;
    }
    const res = got.value;
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      failures.push(`GitHub API: ${owner}/${repo}/${path}@${ref}: HTTP ${res.status}`);
      return undefined;
    }
    const length = Number(res.headers.get('content-length') ?? '0');
    if (length > MAX_REMOTE_BYTES) {
      await res.body?.cancel();
      failures.push(`GitHub API: ${owner}/${repo}/${path}@${ref}: ${length} bytes, over the ${MAX_REMOTE_BYTES}-byte bound`);
      return undefined;
    }
    const text = await res.text();
    if (text.length > MAX_REMOTE_BYTES) return undefined;
    return { text, source: 'GitHub API' };
  };
  return {
    failures,
    readFile(owner, repo, ref, path) {
      const key = `${owner}/${repo}@${ref}:${path}`;
      let p = cache.get(key);
      if (!p) {
        p = fetchOne(owner, repo, ref, path).catch((e: unknown) => {
          failures.push(`GitHub API: ${key}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        });
        cache.set(key, p);
      }
      return p;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
