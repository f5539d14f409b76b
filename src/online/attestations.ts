import { snappyDecompress } from './snappy.js';
import { Budget, isLoopbackUrl, OnlineError, readBounded, type Transport } from './registry.js';

/**
 * GitHub artifact attestations for a digest: `GET /repos/{owner}/{repo}/attestations/sha256:<hex>`. Each entry holds
 * its Sigstore bundle inline, or (since 2026-07) `bundle: null` and a pre-signed `bundle_url` serving snappy-
 * compressed JSON, which is fetched WITHOUT the token (it is storage, not the API).
 */
export interface GitHubApi {
  /** https://api.github.com (GITHUB_API_URL); plain http only for loopback. */
  url: string;
  token?: string;
}

export async function attestationBundles(
  transport: Transport,
  api: GitHubApi,
  repository: string,
  digest: string,
  o: { budget: Budget; timeoutMs: number; maxBytes: number; max: number },
): Promise<Array<{ bundle: unknown; via: string }>> {
  const base = new URL(api.url);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackUrl(base))) throw new OnlineError('the GitHub API URL must be https', 'protocol');
  const url = new URL(`${base.pathname.replace(/\/$/, '')}/repos/${repository}/attestations/${digest}`, base);
  url.searchParams.set('per_page', String(o.max));
  const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };
  if (api.token) headers['Authorization'] = `Bearer ${api.token}`;
  const res = await once(transport, url.toString(), headers, o);
  if (res.status === 404) {
    await res.body?.cancel();
    return [];
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new OnlineError(`GitHub attestations API: HTTP ${res.status}`, res.status >= 500 || res.status === 403 || res.status === 429 ? 'unavailable' : 'protocol');
  }
  let body: { attestations?: Array<{ bundle?: unknown; bundle_url?: unknown }> };
  try {
    body = JSON.parse((await readBounded(res, o.maxBytes, 'attestations response')).toString('utf8')) as typeof body;
  } catch (err) {
    if (err instanceof OnlineError) throw err;
    throw new OnlineError('the attestations response is not JSON', 'protocol');
  }
  const out: Array<{ bundle: unknown; via: string }> = [];
  for (const a of (Array.isArray(body.attestations) ? body.attestations : []).slice(0, o.max)) {
    if (a?.bundle && typeof a.bundle === 'object') {
      out.push({ bundle: a.bundle, via: 'GitHub attestations API (inline bundle)' });
    } else if (typeof a?.bundle_url === 'string') {
      let u: URL;
      try {
        u = new URL(a.bundle_url);
      } catch {
        continue;
      }
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackUrl(u))) continue;
      // No token: the URL is pre-signed storage.
      const r = await once(transport, u.toString(), {}, o);
      if (!r.ok) {
        await r.body?.cancel();
        throw new OnlineError(`attestation bundle_url: HTTP ${r.status}`, r.status >= 500 ? 'unavailable' : 'protocol');
      }
      const compressed = await readBounded(r, o.maxBytes, 'attestation bundle');
      let json: unknown;
      try {
        json = JSON.parse(snappyDecompress(compressed, o.maxBytes).toString('utf8'));
      } catch (err) {
        throw new OnlineError(`attestation bundle_url: ${err instanceof Error ? err.message : 'unreadable'}`, 'protocol');
      }
      out.push({ bundle: json, via: `GitHub attestations API (bundle_url ${u.host})` });
    }
  }
  return out;
}

async function once(transport: Transport, url: string, headers: Record<string, string>, o: { budget: Budget; timeoutMs: number }): Promise<Response> {
  o.budget.take();
  const ms = Math.max(1, Math.min(o.timeoutMs, o.budget.remainingMs()));
  const signal = AbortSignal.timeout(ms);
  try {
    return await transport(url, { method: 'GET', headers, signal, redirect: 'manual' });
  } catch {
    throw new OnlineError(`GET ${new URL(url).pathname}: ${signal.aborted ? `no answer within ${ms} ms` : 'request failed'}`, 'unavailable');
  }
}
