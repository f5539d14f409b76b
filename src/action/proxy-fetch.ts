import { fetch as undiciFetch, ProxyAgent } from 'undici';
import type { FetchLike } from './github-api.js';

/**
 * A fetch for the REST client that goes through an HTTP(S) proxy (a self-hosted runner behind a corporate proxy).
 * Node's own fetch ignores HTTPS_PROXY unless the process was started with NODE_USE_ENV_PROXY, which the runner does
 * not set; @actions/github's Octokit solves this with undici's ProxyAgent, and so does this, without Octokit: the
 * entrypoint decides *whether* to proxy with @actions/http-client's getProxyUrl (the runner's rules: HTTPS_PROXY or
 * HTTP_PROXY by scheme, NO_PROXY, loopback never proxied) and hands the URL here. Both packages are already in the
 * bundle through @actions/core, so this costs no extra code at start-up.
 *
 * Credentials in the proxy URL (`http://user:pass@proxy:3128`) become a Basic Proxy-Authorization header. The
 * token for the API stays in the request headers, inside the CONNECT tunnel.
 */
export function fetchThroughProxy(proxyUrl: string): FetchLike {
  const url = new URL(proxyUrl);
  const token = url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  url.username = '';
  url.password = '';
  const dispatcher = new ProxyAgent({ uri: url.href, ...(token ? { token } : {}) });
  // undici's Response is the WHATWG Response the client reads (status, headers, body stream), typed separately.
  return (target, init) => undiciFetch(target, { ...init, dispatcher }) as unknown as Promise<Response>;
}
