import { createHash } from 'node:crypto';

/**
 * A read-only OCI distribution client: the bearer-token flow, manifests by tag or digest, the referrers API with
 * its tag-schema fallback, and blobs. Everything it reads is bounded (size checked before and while buffering,
 * a timeout per request, a request count and a deadline shared by the whole online stage) and digest-verified.
 * The network is the `transport` the entrypoint gives (a fetch-like function): this module opens nothing itself.
 */

/** The subset of fetch the client uses. `redirect: 'manual'` so a redirect never carries the Authorization header. */
export type Transport = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal; redirect: 'manual' }) => Promise<Response>;

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;
const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

export class OnlineError extends Error {
  constructor(
    message: string,
    /** `unavailable`: network, timeout, 5xx, budget — the check could not run. `protocol`: the registry served something wrong. */
    readonly kind: 'unavailable' | 'protocol' | 'auth',
  ) {
    super(message);
  }
}

/** Shared by every request of one online run: a request count and a wall-clock deadline. */
export class Budget {
  requests = 0;
  readonly deadline: number;
  constructor(
    readonly maxRequests: number,
    budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + budgetMs;
  }
  take(): void {
    if (this.requests >= this.maxRequests) throw new OnlineError(`request budget of ${this.maxRequests} used up`, 'unavailable');
    if (this.now() >= this.deadline) throw new OnlineError('overall time budget used up', 'unavailable');
    this.requests++;
  }
  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }
}

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  transport: Transport;
  /** The registry host as the image names it (`ghcr.io`); credentials go only to token realms on its domain. */
  host: string;
  /** Where to send requests for that host: `https://ghcr.io`, or a configured endpoint (`http://127.0.0.1:5000`). */
  endpoint: string;
  budget: Budget;
  timeoutMs: number;
  maxManifestBytes: number;
  maxBlobBytes: number;
  credentials?: Credentials;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  json: Record<string, unknown>;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

export function sha256Digest(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

/** The referrers tag schema (distribution-spec): `sha256:<hex>` → `sha256-<hex>`. */
export function fallbackTag(digest: string): string {
  return digest.replace(':', '-');
}

/** The last two labels of a host name: the domain a token realm must share with the registry to receive credentials. */
function domainOf(host: string): string {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (/^[\d.]+$/.test(name) || name.startsWith('[')) return name;
  return name.split('.').slice(-2).join('.');
}

export function isLoopbackUrl(url: URL): boolean {
  const h = url.hostname.toLowerCase();
  return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[1]!))) out[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return out;
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  /** Notes about the auth flow (credentials withheld from a foreign realm, …), for the evidence. */
  readonly notes: string[] = [];

  constructor(private readonly o: RegistryClientOptions) {}

  /** HEAD the manifest (Docker Hub does not count HEADs against the pull limit); GET when no digest header comes back. */
  async resolve(name: string, reference: string): Promise<string> {
    const res = await this.send(name, `/v2/${name}/manifests/${encodeURIComponent(reference)}`, 'HEAD', { Accept: MANIFEST_ACCEPT });
    if (res.status === 404) throw new OnlineError(`${name}:${reference} not found in the registry`, 'protocol');
    if (!res.ok) throw statusError(res, `HEAD manifest ${reference}`);
    const digest = res.headers.get('docker-content-digest');
    if (digest && isDigest(digest)) return digest;
    return (await this.manifest(name, reference)).digest;
  }

  /** GET a manifest, bounded; its digest is computed from the bytes and must equal the digest asked for or announced. */
  async manifest(name: string, reference: string): Promise<Manifest> {
    const m = await this.manifestOrMissing(name, reference);
    if (!m) throw new OnlineError(`manifest ${reference} of ${name} not found`, 'protocol');
    return m;
  }

  async manifestOrMissing(name: string, reference: string): Promise<Manifest | undefined> {
    const res = await this.send(name, `/v2/${name}/manifests/${encodeURIComponent(reference)}`, 'GET', { Accept: MANIFEST_ACCEPT });
    if (res.status === 404) {
      await drain(res);
      return undefined;
    }
    if (!res.ok) throw statusError(res, `GET manifest ${reference}`);
    const bytes = await readBounded(res, this.o.maxManifestBytes, `manifest ${reference}`);
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && digest !== reference) throw new OnlineError(`manifest ${reference} has digest ${digest}`, 'protocol');
    const announced = res.headers.get('docker-content-digest');
    if (announced && isDigest(announced) && announced !== digest) throw new OnlineError(`manifest ${reference}: announced digest ${announced}, computed ${digest}`, 'protocol');
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new OnlineError(`manifest ${reference} is not JSON`, 'protocol');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new OnlineError(`manifest ${reference} is not a JSON object`, 'protocol');
    const obj = json as Record<string, unknown>;
    const mediaType = typeof obj['mediaType'] === 'string' ? obj['mediaType'] : (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { digest, mediaType, bytes, json: obj };
  }

  /**
   * The referrers of `digest`: the referrers API when the registry has it, else the fallback index at tag
   * `sha256-<hex>` (an empty list when neither exists). `via` says which one answered.
   */
  async referrers(name: string, digest: string): Promise<{ via: 'api' | 'fallback-tag' | 'none'; descriptors: Descriptor[] }> {
    const res = await this.send(name, `/v2/${name}/referrers/${digest}`, 'GET', { Accept: MEDIA.ociIndex });
    if (res.ok && (res.headers.get('content-type') ?? '').startsWith(MEDIA.ociIndex)) {
      const bytes = await readBounded(res, this.o.maxManifestBytes, `referrers of ${digest}`);
      return { via: 'api', descriptors: descriptorsOf(parseJsonObject(bytes, 'referrers index')['manifests']) };
    }
    if (res.status >= 500) throw statusError(res, 'GET referrers');
    await drain(res);
    const index = await this.manifestOrMissing(name, fallbackTag(digest));
    if (!index) return { via: 'none', descriptors: [] };
    return { via: 'fallback-tag', descriptors: descriptorsOf(index.json['manifests']) };
  }

  /** The repository's tags (the first page of up to 1,000, bounded like a manifest). */
  async tags(name: string): Promise<string[]> {
    const res = await this.send(name, `/v2/${name}/tags/list?n=1000`, 'GET', { Accept: 'application/json' });
    if (res.status === 404) {
      await drain(res);
      return [];
    }
    if (!res.ok) throw statusError(res, 'GET tags/list');
    const tags = parseJsonObject(await readBounded(res, this.o.maxManifestBytes, 'tag list'), 'tag list')['tags'];
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string').slice(0, 1000) : [];
  }

  /** GET a blob, bounded and digest-checked. A redirect (to object storage) is followed once, without credentials. */
  async blob(name: string, digest: string, maxBytes = this.o.maxBlobBytes): Promise<Buffer> {
    if (!isDigest(digest)) throw new OnlineError(`blob digest ${digest.slice(0, 80)} is not sha256`, 'protocol');
    let res = await this.send(name, `/v2/${name}/blobs/${digest}`, 'GET', {});
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      const location = new URL(res.headers.get('location')!, this.o.endpoint);
      await drain(res);
      if (location.protocol !== 'https:' && !(location.protocol === 'http:' && isLoopbackUrl(location))) throw new OnlineError(`blob redirect to ${location.protocol} refused`, 'protocol');
      res = await this.fetchOnce(location.toString(), 'GET', {});
    }
    if (!res.ok) throw statusError(res, `GET blob ${digest}`);
    const bytes = await readBounded(res, Math.min(maxBytes, this.o.maxBlobBytes), `blob ${digest}`);
    if (sha256Digest(bytes) !== digest) throw new OnlineError(`blob ${digest} does not match its digest`, 'protocol');
    return bytes;
  }

  /** One request with the token flow: on a 401 Bearer challenge, get a token for this repository's pull scope and retry once. */
  private async send(name: string, path: string, method: string, headers: Record<string, string>): Promise<Response> {
    const url = new URL(path, this.o.endpoint).toString();
    const scope = `repository:${name}:pull`;
    const cached = this.tokens.get(scope);
    const res = await this.fetchOnce(url, method, cached ? { ...headers, Authorization: `Bearer ${cached}` } : headers);
    if (res.status !== 401) return res;
    const challenge = parseBearerChallenge(res.headers.get('www-authenticate') ?? '');
    await drain(res);
    if (!challenge?.['realm']) throw new OnlineError(`${method} ${path}: 401 without a Bearer challenge`, 'auth');
    const token = await this.token(challenge, scope);
    this.tokens.set(scope, token);
    const again = await this.fetchOnce(url, method, { ...headers, Authorization: `Bearer ${token}` });
    if (again.status === 401 || again.status === 403) {
      await drain(again);
      throw new OnlineError(`${method} ${path}: ${again.status} with a token (${this.o.credentials ? 'credentials refused' : 'anonymous pull refused'})`, 'auth');
    }
    return again;
  }

  private async token(challenge: Record<string, string>, scope: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(challenge['realm']!);
    } catch {
      throw new OnlineError('token realm is not a URL', 'auth');
    }
    const endpoint = new URL(this.o.endpoint);
    const loopback = isLoopbackUrl(endpoint) && isLoopbackUrl(realm);
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && loopback)) throw new OnlineError(`token realm ${realm.origin} is not https`, 'auth');
    // The image's own scope, not the challenge's (GHCR's challenge carries a placeholder).
    realm.searchParams.set('scope', scope);
    if (challenge['service']) realm.searchParams.set('service', challenge['service']);
    const headers: Record<string, string> = {};
    if (this.o.credentials) {
      // Over https to the registry's own domain; plain http only between a loopback endpoint and a loopback realm
      // (the same rule as for endpoints: nothing leaves the machine).
      const sameDomain = (realm.protocol === 'https:' && (domainOf(realm.host) === domainOf(this.o.host) || domainOf(realm.host) === domainOf(endpoint.host))) || (loopback && realm.hostname === endpoint.hostname);
      if (sameDomain) headers['Authorization'] = 'Basic ' + Buffer.from(`${this.o.credentials.username}:${this.o.credentials.password}`).toString('base64');
      else this.notes.push(`credentials withheld from token realm ${realm.host} (not https on the registry's own domain ${domainOf(this.o.host)})`);
    }
    const res = await this.fetchOnce(realm.toString(), 'GET', headers);
    if (!res.ok) {
      await drain(res);
      throw new OnlineError(`token request to ${realm.host}: HTTP ${res.status}`, res.status >= 500 ? 'unavailable' : 'auth');
    }
    const body = parseJsonObject(await readBounded(res, 64 * 1024, 'token response'), 'token response');
    const token = typeof body['token'] === 'string' ? body['token'] : typeof body['access_token'] === 'string' ? body['access_token'] : undefined;
    if (!token) throw new OnlineError('token response has no token', 'auth');
    return token;
  }

  private async fetchOnce(url: string, method: string, headers: Record<string, string>): Promise<Response> {
    this.o.budget.take();
    const ms = Math.min(this.o.timeoutMs, this.o.budget.remainingMs());
    const signal = AbortSignal.timeout(Math.max(1, ms));
    try {
      const res = await this.o.transport(url, { method, headers, signal, redirect: 'manual' });
      return withSignal(res, signal);
    } catch (err) {
      throw new OnlineError(`${method} ${new URL(url).pathname}: ${signal.aborted ? `no answer within ${ms} ms` : errorText(err)}`, 'unavailable');
    }
  }
}

/** The body read below also stops at the request's deadline. */
function withSignal(res: Response, signal: AbortSignal): Response {
  (res as Response & { isaSignal?: AbortSignal }).isaSignal = signal;
  return res;
}

function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ').slice(0, 200) || 'request failed';
}

function statusError(res: Response, what: string): OnlineError {
  void drain(res);
  return new OnlineError(`${what}: HTTP ${res.status}`, res.status >= 500 || res.status === 429 ? 'unavailable' : 'protocol');
}

async function drain(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // nothing to do
  }
}

/** Reads a body up to `max` bytes: a Content-Length over it is refused before reading, a longer stream is cut off. */
export async function readBounded(res: Response, max: number, what: string): Promise<Buffer> {
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && length > max) {
    await drain(res);
    throw new OnlineError(`${what} is ${length} bytes, over the ${max}-byte bound`, 'protocol');
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  const signal = (res as Response & { isaSignal?: AbortSignal }).isaSignal;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel();
        throw new OnlineError(`${what} is over the ${max}-byte bound`, 'protocol');
      }
      chunks.push(Buffer.from(value));
    }
  } catch (err) {
    if (err instanceof OnlineError) throw err;
    throw new OnlineError(`${what}: ${signal?.aborted ? 'timed out while reading' : errorText(err)}`, 'unavailable');
  }
  return Buffer.concat(chunks);
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OnlineError(`${what} is not a JSON object`, 'protocol');
}

export function descriptorsOf(value: unknown): Descriptor[] {
  if (!Array.isArray(value)) return [];
  const out: Descriptor[] = [];
  for (const d of value) {
    if (!d || typeof d !== 'object') continue;
    const o = d as Record<string, unknown>;
    if (typeof o['digest'] !== 'string' || !isDigest(o['digest'])) continue;
    out.push({
      mediaType: typeof o['mediaType'] === 'string' ? o['mediaType'] : '',
      digest: o['digest'],
      size: typeof o['size'] === 'number' ? o['size'] : -1,
      ...(typeof o['artifactType'] === 'string' ? { artifactType: o['artifactType'] } : {}),
      ...(o['annotations'] && typeof o['annotations'] === 'object' ? { annotations: stringRecord(o['annotations']) } : {}),
    });
  }
  return out;
}

export function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
