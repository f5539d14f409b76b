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
  /**
   * One deadline for the whole API phase (remote files and the changed-files listing), counted from the
   * client's creation: a hanging or slow API cannot stall the check. Past it, requests fail at once.
   */
  deadlineMs?: number;
}

/** Default overall deadline of the API phase. */
export const DEFAULT_API_DEADLINE_MS = 60_000;
/** A page of the changed-files listing larger than this is refused (git diff is used instead). */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; reason: string; rateLimited: boolean };

const MAX_PAGES = 30; // GitHub lists at most 3,000 files of a pull request (30 pages of 100).
const MAX_REMOTE_BYTES = 1024 * 1024;
const MAX_REMOTE_REQUESTS = 200;

/** A small REST client over fetch: auth headers, timeouts, bounded retries, rate-limit detection. */
export class GitHubApi {
  private readonly base: URL;
  private readonly fetchImpl: FetchLike;
  private readonly deadline: number;
  private readonly deadlineMs: number;
  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : options.apiUrl + '/');
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.deadlineMs = options.deadlineMs ?? DEFAULT_API_DEADLINE_MS;
    this.deadline = Date.now() + this.deadlineMs;
  }

  /** Milliseconds left before the API phase's deadline. */
  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** An abort signal for one request (or body read): its own timeout, cut short by the phase deadline. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.min(this.options.timeoutMs ?? 10_000, this.remainingMs())));
  }

  private deadlineReason(): string {
    return `GitHub API deadline (${Math.round(this.deadlineMs / 1000)} s for all requests) passed`;
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
      if (attempt > 0) await sleep(Math.min((this.options.retryDelayMs ?? 250) * attempt, Math.max(0, this.remainingMs())));
      if (this.remainingMs() <= 0) return { ok: false, reason: last ? `${this.deadlineReason()}; last: ${last}` : this.deadlineReason(), rateLimited: false };
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept,
            'x-github-api-version': '2022-11-28',
            'user-agent': 'image-signing-audit',
          },
          signal: this.signal(),
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
      const text = await readCapped(res, MAX_PAGE_BYTES);
      if (!text.ok) return { ok: false, reason: `listing pull request files: ${text.reason}`, rateLimited: false };
      let body: unknown;
      try {
        body = JSON.parse(text.text);
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
    if (api.remainingMs() <= 0) {
      stopped = true;
      failures.push(`GitHub API: deadline passed before ${owner}/${repo}/${path}@${ref} was read; it and the rest are not inspected`);
      return undefined;
    }
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
    const body = await readCapped(res, MAX_REMOTE_BYTES);
    if (!body.ok) {
      failures.push(`GitHub API: ${owner}/${repo}/${path}@${ref}: ${body.reason}`);
      return undefined;
    }
    return { text: body.text, source: 'GitHub API' };
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

/**
 * The body as text, at most `max` bytes (a chunked answer has no content-length to check first). A dropped
 * connection, a timeout or the phase deadline mid-body is a failure with its reason, never a partial text.
 */
export async function readCapped(res: Response, max: number): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > max) {
    await res.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `${length} bytes, over the ${max}-byte bound` };
  }
  if (!res.body) return { ok: true, text: '' };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: `over the ${max}-byte bound` };
      }
      chunks.push(value);
    }
  } catch (e) {
    return { ok: false, reason: `reading the response failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
