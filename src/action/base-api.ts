import type { TreeSource } from '../gate/baseline.js';
import type { TreeEntry } from '../gate/git.js';
import { readCapped, type GitHubApi } from './github-api.js';

/** A recursive tree listing larger than this is refused (the base is then not compared). */
const MAX_TREE_BYTES = 64 * 1024 * 1024;
/** Blobs read through the API for one base commit: what the base has differently, pipeline files first. */
const MAX_BLOB_REQUESTS = 300;
const MAX_BLOB_BYTES = 1024 * 1024;

/**
 * The base commit's tree through the REST API (git trees, recursive) and its differing blobs (git blobs, raw):
 * the last source of `fail-on: new`, for a shallow checkout whose base commit cannot be fetched. Same client,
 * timeouts and phase deadline as the rest of the API work; failures are reasons, never exceptions.
 */
export function apiTreeSource(api: GitHubApi, repository: string, sha: string): TreeSource {
  const repo = repository.split('/').map(encodeURIComponent).join('/');
  return {
    name: 'api',
    maxBlobs: MAX_BLOB_REQUESTS,
    async listTree() {
      const got = await api.get(api.url(`repos/${repo}/git/trees/${encodeURIComponent(sha)}?recursive=1`));
      if (!got.ok) return { ok: false, reason: `listing the base tree: ${got.reason}` };
      const res = got.value;
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `listing the base tree: HTTP ${res.status}` };
      }
      const text = await readCapped(res, MAX_TREE_BYTES);
      if (!text.ok) return { ok: false, reason: `listing the base tree: ${text.reason}` };
      let body: unknown;
      try {
        body = JSON.parse(text.text);
      } catch {
        return { ok: false, reason: 'listing the base tree: the answer is not JSON' };
      }
      const b = body as { tree?: unknown; truncated?: unknown };
      if (!b || typeof b !== 'object' || !Array.isArray(b.tree)) return { ok: false, reason: 'listing the base tree: unexpected answer' };
      // A truncated listing would make files look deleted in the base.
      if (b.truncated === true) return { ok: false, reason: 'the REST API truncated the base tree listing' };
      const entries: TreeEntry[] = [];
      for (const e of b.tree as unknown[]) {
        if (!e || typeof e !== 'object') continue;
        const { path, mode, type, sha: oid, size } = e as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; size?: unknown };
        if (type !== 'blob' || (mode !== '100644' && mode !== '100755') || typeof path !== 'string' || typeof oid !== 'string' || !/^[0-9a-f]{40,64}$/.test(oid)) continue;
        entries.push({ path, oid, size: typeof size === 'number' && size >= 0 ? size : 0 });
      }
      return { ok: true, entries };
    },
    async readBlobs(oids) {
      const out = new Map<string, Buffer>();
      for (const oid of oids.slice(0, MAX_BLOB_REQUESTS)) {
        if (api.remainingMs() <= 0) break;
        const got = await api.get(api.url(`repos/${repo}/git/blobs/${oid}`), 'application/vnd.github.raw+json');
        if (!got.ok) {
          if (got.rateLimited) break;
          continue;
        }
        const res = got.value;
        if (!res.ok) {
          await res.body?.cancel();
          continue;
        }
        const body = await readCapped(res, MAX_BLOB_BYTES);
        if (body.ok) out.set(oid, Buffer.from(body.text, 'utf8'));
      }
      return out;
    },
  };
}
