import { verify as cryptoVerify, createPublicKey, type KeyObject } from 'node:crypto';
import type { FindingReport, ImageReport, OnlineEvidence, OnlineImageReport, Report } from '../model/report.js';
import { RULE_SEVERITY } from '../model/rule-severity.js';
import { Budget, fallbackTag, isDigest, isLoopbackUrl, OnlineError, RegistryClient, stringRecord, type Credentials, type Descriptor, type Transport } from './registry.js';
import { attestationBundles, type GitHubApi } from './attestations.js';
import { parseCertificates, verifyNotationJws } from './notation.js';
import { GITHUB_ACTIONS_ISSUER, legacyKeylessBundle, verifyDsseBundle, verifyMessageBundle, type ExpectedIdentity, type Trust, type VerifyOutcome } from './sigstore.js';

/**
 * The online stage: for each pushed image, what its registry serves today and whether a signature of that digest
 * verifies and was made by this repository. Given the transport and every option by the entrypoint; returns the
 * report with `images[].online`, its findings and limits (the audit's suppression stage then recomputes the verdict).
 */
export interface OnlineOptions {
  /** `true`: a check that cannot run is a note; `required`: an error. */
  mode: 'true' | 'required';
  transport: Transport;
  /** The trusted root (--trusted-root); absent: keyless signatures are found but not verified, and the reason is said. */
  trust?: Trust;
  /** Why there is no trust root, when there is none. */
  noTrustReason?: string;
  /** Registry host → base URL (`ghcr.io` → `http://127.0.0.1:5000`). */
  endpoints?: Record<string, string>;
  /** The tag or digest to check, for every image, instead of the one the analysis resolved. */
  reference?: string;
  /** Public keys for key-based (cosign --key) signatures, PEM. */
  publicKeys?: Array<{ pem: string; source: string }>;
  credentials?: Record<string, Credentials>;
  /** The notation trust store: CA certificates (PEM) that notation signatures must chain to. */
  notationCertificates?: Array<{ pem: string; source: string }>;
  /** The GitHub REST API for artifact attestations (asked only for images the pipeline attests, when no signature verified). */
  githubApi?: GitHubApi;
  timeoutMs?: number;
  budgetMs?: number;
  maxRequestsPerImage?: number;
  maxReferrers?: number;
  maxManifestBytes?: number;
  maxBlobBytes?: number;
  now?: () => number;
}

export const BUNDLE_ARTIFACT_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const NOTATION_ARTIFACT = 'application/vnd.cncf.notary.signature';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIG_ANNOTATION = 'dev.cosignproject.cosign/signature';
const CERT_ANNOTATION = 'dev.sigstore.cosign/certificate';
const REKOR_ANNOTATION = 'dev.sigstore.cosign/bundle';

/** What the online stage does not check yet: one limit line, so the report never implies more than was done. */
export const NOT_CHECKED_FORMATS =
  'confirm-online: notation signatures are verified against the notation trust store given (JWS, notary.x509 scheme; not COSE or timestamped signing authorities); GitHub artifact attestations are asked for only for images the pipeline attests; Docker Content Trust, the admission view (would each covering policy accept it), Docker credential helpers, the GitHub Sigstore instance (private-repository attestations) and a TUF refresh of the public-good root are not checked yet';

export async function confirmOnline(report: Report, o: OnlineOptions): Promise<Report> {
  const now = o.now ?? Date.now;
  const overall = new Budget(Number.MAX_SAFE_INTEGER, o.budgetMs ?? 120_000, now);
  const keys = (o.publicKeys ?? []).flatMap((k) => {
    try {
      return [{ key: createPublicKey(k.pem), source: k.source }];
    } catch {
      return [];
    }
  });
  const findings: FindingReport[] = [];
  const images: ImageReport[] = [];
  for (const image of report.images) {
    const started = now();
    const budget = new Budget(o.maxRequestsPerImage ?? 40, Math.max(0, Math.min(overall.remainingMs(), o.budgetMs ?? 120_000)), now);
    let online: OnlineImageReport;
    try {
      online = await confirmImage(image, report.repository, o, budget, keys);
    } catch (err) {
      const reason = err instanceof OnlineError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      online = { reference: referenceFor(image, o.reference) ?? image.name, status: 'not-checked', reason, evidence: [], requests: 0, ms: 0 };
    }
    online.requests = budget.requests;
    online.ms = now() - started;
    images.push({ ...image, online });
    findings.push(...findingsFor({ ...image, online }, o.mode));
  }
  return { ...report, images, findings: [...report.findings, ...findings], limits: [...report.limits, NOT_CHECKED_FORMATS] };
}

type Partial0 = Omit<OnlineImageReport, 'requests' | 'ms'> & { requests?: number; ms?: number };

async function confirmImage(image: ImageReport, repository: string | undefined, o: OnlineOptions, budget: Budget, keys: Array<{ key: KeyObject; source: string }>): Promise<OnlineImageReport> {
  const notChecked = (reference: string, reason: string): OnlineImageReport => ({ reference, status: 'not-checked', reason, evidence: [], requests: 0, ms: 0 });
  const parsed = splitName(image.name);
  if (!parsed) return notChecked(image.name, 'the image name is not fully resolved, so there is no registry to ask');
  if (!repository) return notChecked(image.name, 'the repository (owner/name) is not known, so the signer identity cannot be checked');
  const endpoint = endpointFor(parsed.host, o.endpoints);
  if ('error' in endpoint) return notChecked(image.name, endpoint.error);
  const client = new RegistryClient({
    transport: o.transport,
    host: parsed.host,
    endpoint: endpoint.url,
    budget,
    timeoutMs: o.timeoutMs ?? 10_000,
    maxManifestBytes: o.maxManifestBytes ?? 4 * 1024 * 1024,
    maxBlobBytes: o.maxBlobBytes ?? 4 * 1024 * 1024,
    ...(o.credentials?.[parsed.host] ? { credentials: o.credentials[parsed.host]! } : {}),
  });
  const name = parsed.path;
  // The reference: the user's, else the literal tag the analysis resolved, else the newest release tag listed.
  let reference = referenceFor(image, o.reference);
  let chosen = '';
  if (!reference) {
    reference = newestSemverTag(await client.tags(name));
    if (!reference) return notChecked(image.name, 'no literal tag was resolved for the image and the registry lists no semantic-version tag: give confirm-reference (--confirm-reference) to say which tag or digest to check');
    chosen = 'the newest semantic-version tag the registry lists';
  }
  const shown = isDigest(reference) ? `${image.name}@${reference}` : `${image.name}:${reference}`;
  // Resolve once: HEAD for the digest, then the manifest by digest (its bytes are hashed and compared).
  const digest = isDigest(reference) ? reference : await client.resolve(name, reference);
  await client.manifest(name, digest);
  const expected = expectedIdentity(image, repository);
  const evidence: OnlineEvidence[] = [];
  const result: Partial0 = { reference: shown, digest, status: 'missing', evidence };

  // 1. Sigstore bundles as OCI referrers (the API, else the fallback tag); each referrer's own manifest is read,
  //    because cosign marks fallback-index entries with the empty artifact type.
  const refs = await client.referrers(name, digest);
  const where = (d: Descriptor): string => `referrer ${d.digest} (${refs.via === 'api' ? 'referrers API' : `fallback tag ${fallbackTag(digest)}`})`;
  for (const d of refs.descriptors.slice(0, o.maxReferrers ?? 16)) {
    const m = await client.manifestOrMissing(name, d.digest);
    if (!m) {
      evidence.push({ format: 'sigstore-bundle', location: where(d), result: 'invalid', detail: 'the referrer is listed but its manifest is not in the registry' });
      continue;
    }
    const config = m.json['config'] as { mediaType?: unknown } | undefined;
    const artifactType = typeof m.json['artifactType'] === 'string' ? m.json['artifactType'] : typeof config?.mediaType === 'string' ? config.mediaType : '';
    const subject = m.json['subject'] as { digest?: unknown } | undefined;
    if (artifactType.startsWith(BUNDLE_ARTIFACT_PREFIX)) {
      if (subject?.digest !== digest) {
        evidence.push({ format: 'sigstore-bundle', location: where(d), result: 'wrong-subject', detail: `the referrer's subject is ${typeof subject?.digest === 'string' ? subject.digest.slice(0, 80) : 'missing'}` });
        continue;
      }
      const layer = firstLayer(m.json);
      if (!layer) {
        evidence.push({ format: 'sigstore-bundle', location: where(d), result: 'invalid', detail: 'the bundle manifest has no layer' });
        continue;
      }
      const bytes = await client.blob(name, layer.digest);
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        evidence.push({ format: 'sigstore-bundle', location: where(d), result: 'invalid', detail: 'the bundle layer is not JSON' });
        continue;
      }
      if (!o.trust) {
        evidence.push({ format: 'sigstore-bundle', location: where(d), result: 'not-checked', detail: o.noTrustReason ?? 'no trusted root' });
        continue;
      }
      evidence.push(toEvidence('sigstore-bundle', where(d), verifyDsseBundle(json, digest, o.trust, expected)));
    } else if (artifactType === NOTATION_ARTIFACT) {
      evidence.push(await notationEvidence(client, name, where(d), m.json, digest, o));
    }
  }

  // 2. cosign 2's legacy signature tag, unless a signature already verified (each GET of a manifest may count
  //    against a pull limit).
  if (!evidence.some((e) => e.result === 'verified' && e.kind === 'signature')) {
    const tag = `${fallbackTag(digest)}.sig`;
    const sig = await client.manifestOrMissing(name, tag);
    if (sig) {
      const layers = Array.isArray(sig.json['layers']) ? (sig.json['layers'] as unknown[]) : [];
      for (const raw of layers.slice(0, o.maxReferrers ?? 16)) {
        const layer = raw as { mediaType?: unknown; digest?: unknown; annotations?: unknown };
        if (layer.mediaType !== SIMPLE_SIGNING || typeof layer.digest !== 'string') continue;
        evidence.push(await legacyEvidence(client, name, `tag ${tag}`, layer.digest, stringRecord(layer.annotations), digest, o, expected, keys));
      }
    }
  }

  // 3. GitHub artifact attestations for the digest, when the pipeline attests (actions/attest*) and no signature
  //    verified. A failing API is a note on the result, not a verdict on the registry's signatures.
  const apiNotes: string[] = [];
  const attests = image.methods.some((m) => m === 'attestation' || m === 'cosign-attest');
  if (o.githubApi && attests && !evidence.some((e) => e.result === 'verified' && e.kind === 'signature')) {
    try {
      const found = await attestationBundles(o.transport, o.githubApi, repository, digest, { budget, timeoutMs: o.timeoutMs ?? 10_000, maxBytes: o.maxBlobBytes ?? 4 * 1024 * 1024, max: o.maxReferrers ?? 16 });
      for (const a of found) {
        if (!o.trust) evidence.push({ format: 'github-attestation', location: a.via, result: 'not-checked', detail: o.noTrustReason ?? 'no trusted root' });
        else evidence.push(toEvidence('github-attestation', a.via, verifyDsseBundle(a.bundle, digest, o.trust, expected)));
      }
    } catch (err) {
      if (!(err instanceof OnlineError)) throw err;
      apiNotes.push(`GitHub attestations not checked: ${err.message}`);
    }
  }

  result.status = statusOf(evidence);
  const notes = [...(chosen ? [`checked ${chosen}`] : []), ...client.notes, ...apiNotes];
  if (notes.length > 0) result.reason = notes.join('; ');
  return { ...result, requests: 0, ms: 0 };
}

async function legacyEvidence(
  client: RegistryClient,
  name: string,
  location: string,
  layerDigest: string,
  annotations: Record<string, string>,
  digest: string,
  o: OnlineOptions,
  expected: ExpectedIdentity,
  keys: Array<{ key: KeyObject; source: string }>,
): Promise<OnlineEvidence> {
  const payload = await client.blob(name, layerDigest, 64 * 1024);
  let subject: unknown;
  try {
    subject = (JSON.parse(payload.toString('utf8')) as { critical?: { image?: { 'docker-manifest-digest'?: unknown } } }).critical?.image?.['docker-manifest-digest'];
  } catch {
    return { format: 'cosign-legacy', location, result: 'invalid', detail: 'the simple-signing payload is not JSON' };
  }
  if (subject !== digest) return { format: 'cosign-legacy', location, result: 'wrong-subject', kind: 'signature', detail: `the payload signs ${typeof subject === 'string' ? subject.slice(0, 80) : 'no digest'}, not ${digest}` };
  const signature = annotations[SIG_ANNOTATION];
  if (!signature) return { format: 'cosign-legacy', location, result: 'invalid', detail: 'the layer has no signature annotation' };
  const certificate = annotations[CERT_ANNOTATION];
  if (certificate) {
    if (!o.trust) return { format: 'cosign-legacy', location, result: 'not-checked', kind: 'signature', detail: o.noTrustReason ?? 'no trusted root' };
    const rekor = annotations[REKOR_ANNOTATION];
    if (!rekor) return { format: 'cosign-legacy', location, result: 'invalid', kind: 'signature', detail: 'keyless signature without a Rekor bundle annotation: no transparency-log proof' };
    let bundle: unknown;
    try {
      bundle = legacyKeylessBundle({ payload, signatureB64: signature, certificatePem: certificate, rekorBundle: rekor });
    } catch (err) {
      return { format: 'cosign-legacy', location, result: 'invalid', kind: 'signature', detail: err instanceof Error ? err.message : 'unreadable annotations' };
    }
    return toEvidence('cosign-legacy', location, verifyMessageBundle(bundle, payload, o.trust, expected));
  }
  // Key-based: one signature over the payload, checked against each key given.
  if (keys.length === 0) return { format: 'cosign-legacy', location, result: 'not-checked', kind: 'signature', detail: 'key-based signature; no public key was given to verify it with (a KMS key cannot be fetched)' };
  const sig = Buffer.from(signature, 'base64');
  const match = keys.find((k) => {
    try {
      return cryptoVerify('sha256', payload, k.key, sig);
    } catch {
      return false;
    }
  });
  return match
    ? { format: 'cosign-legacy', location, result: 'verified', kind: 'signature', detail: `key-based signature verified with ${match.source}` }
    : { format: 'cosign-legacy', location, result: 'invalid', kind: 'signature', detail: `key-based signature does not verify with ${keys.map((k) => k.source).join(', ')}` };
}

async function notationEvidence(client: RegistryClient, name: string, location: string, manifest: Record<string, unknown>, digest: string, o: OnlineOptions): Promise<OnlineEvidence> {
  const subject = manifest['subject'] as { digest?: unknown } | undefined;
  if (subject?.digest !== digest) return { format: 'notation', location, result: 'wrong-subject', kind: 'signature', detail: `the referrer's subject is ${typeof subject?.digest === 'string' ? subject.digest.slice(0, 80) : 'missing'}` };
  const layers = Array.isArray(manifest['layers']) ? (manifest['layers'] as Array<{ mediaType?: unknown; digest?: unknown }>) : [];
  const layer = layers[0];
  if (!layer || typeof layer.digest !== 'string') return { format: 'notation', location, result: 'invalid', kind: 'signature', detail: 'the notation signature manifest has no layer' };
  if (layer.mediaType !== 'application/jose+json') return { format: 'notation', location, result: 'not-checked', kind: 'signature', detail: `notation envelope ${String(layer.mediaType).slice(0, 60)} is not verified (only JWS)` };
  const roots = (o.notationCertificates ?? []).flatMap((c) => {
    try {
      return parseCertificates(c.pem);
    } catch {
      return [];
    }
  });
  if (roots.length === 0) return { format: 'notation', location, result: 'not-checked', kind: 'signature', detail: 'notation signature found; no notation trust store was given (--notation-cert / notation-certificates)' };
  const v = verifyNotationJws(await client.blob(name, layer.digest, 256 * 1024), digest, roots);
  return { format: 'notation', location, result: v.result, kind: 'signature', detail: v.detail, ...(v.result === 'verified' ? { identity: { san: v.subject } } : {}) };
}

function toEvidence(format: OnlineEvidence['format'], location: string, v: VerifyOutcome): OnlineEvidence {
  switch (v.result) {
    case 'verified':
      return { format, location, result: 'verified', kind: v.kind, detail: v.kind === 'signature' ? 'signature verified' : `attestation verified (${v.predicateType ?? 'unknown predicate'})`, identity: v.identity };
    case 'identity-mismatch':
      return { format, location, result: 'identity-mismatch', kind: v.kind, detail: v.detail, identity: v.identity };
    default:
      return { format, location, result: v.result, detail: v.detail };
  }
}

export function statusOf(evidence: OnlineEvidence[]): OnlineImageReport['status'] {
  if (evidence.some((e) => e.result === 'verified' && e.kind === 'signature')) return 'confirmed';
  if (evidence.some((e) => e.result === 'verified')) return 'attested-only';
  if (evidence.some((e) => e.result === 'identity-mismatch' || e.result === 'wrong-subject' || e.result === 'invalid')) return 'invalid';
  if (evidence.some((e) => e.result === 'not-checked')) return 'not-checked';
  return 'missing';
}

/** The findings for one image's online result. Located at the static signature (what the registry contradicts), else the push. */
export function findingsFor(image: ImageReport, mode: OnlineOptions['mode']): FindingReport[] {
  const online = image.online;
  if (!online) return [];
  const at = image.signatures[0] ?? image.pushes[0];
  const loc = at ? { file: at.file, line: at.line } : { file: '.', line: 1 };
  const ref = `${online.reference}${online.digest && !online.reference.includes('@') ? ` (${online.digest})` : ''}`;
  if (online.status === 'not-checked') {
    const detail = online.reason ?? online.evidence.find((e) => e.result === 'not-checked')?.detail ?? 'not checked';
    return [{ rule: 'online-check-failed', severity: mode === 'required' ? 'error' : RULE_SEVERITY['online-check-failed']!, message: `${image.name}: the registry could not be asked whether ${ref} is signed: ${detail}.`, ...loc, image: image.name }];
  }
  const mismatch = online.evidence.filter((e) => e.result === 'identity-mismatch');
  const signedStatically = image.signed && image.methods.some((m) => m !== 'attestation' && m !== 'cosign-attest');
  const out: FindingReport[] = [];
  if (mismatch.length > 0 && online.status !== 'confirmed') {
    out.push({ rule: 'signature-identity-mismatch', severity: RULE_SEVERITY['signature-identity-mismatch']!, message: `${image.name}: ${ref} carries a signature that verifies but not as this repository's: ${mismatch[0]!.detail}.`, ...loc, image: image.name });
  } else if (image.signed && (online.status === 'missing' || online.status === 'invalid' || (online.status === 'attested-only' && signedStatically))) {
    const why = online.status === 'missing' ? 'no signature was found for it' : online.status === 'attested-only' ? 'only attestations verify, no signature' : `no signature verifies: ${online.evidence.find((e) => e.result !== 'verified')?.detail ?? 'invalid'}`;
    out.push({ rule: 'signature-not-in-registry', severity: RULE_SEVERITY['signature-not-in-registry']!, message: `${image.name}: the pipeline signs it, but the registry serves ${ref} and ${why}.`, ...loc, image: image.name });
  }
  return out;
}

/** `ghcr.io/acme/api` → host and repository path; undefined for a name with unresolved parts. */
export function splitName(name: string): { host: string; path: string } | undefined {
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/.test(name)) return undefined;
  const slash = name.indexOf('/');
  const host = name.slice(0, slash);
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return undefined;
  return { host, path: name.slice(slash + 1) };
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SEMVER = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/;

/** The highest `[v]MAJOR.MINOR.PATCH` tag (pre-releases and other tags are not releases). */
export function newestSemverTag(tags: string[]): string | undefined {
  let best: { tag: string; v: number[] } | undefined;
  for (const tag of tags) {
    const m = SEMVER.exec(tag);
    if (!m) continue;
    const v = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!best || v[0]! > best.v[0]! || (v[0] === best.v[0] && (v[1]! > best.v[1]! || (v[1] === best.v[1] && v[2]! > best.v[2]!)))) best = { tag, v };
  }
  return best?.tag;
}

/** The reference to check: the user's, else the first literal tag the analysis resolved (`latest` last). */
export function referenceFor(image: ImageReport, given: string | undefined): string | undefined {
  if (given) return given;
  const tags = (image.tags ?? []).filter((t) => TAG.test(t));
  return tags.find((t) => t !== 'latest') ?? tags[0];
}

export function endpointFor(host: string, endpoints: Record<string, string> | undefined): { url: string } | { error: string } {
  const given = endpoints?.[host];
  if (!given) return { url: host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}` };
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return { error: `registry endpoint for ${host} is not a URL` };
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url))) return { url: url.origin };
  return { error: `registry endpoint for ${host} must be https (plain http only for loopback)` };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The identity the static analysis expects: GitHub Actions' issuer, this repository as the source repository, and
 * the workflows that sign the image (`.github/workflows/<file>` signature locations) as the SAN, any ref. A
 * signature made in a script or composite action runs under the calling workflow, which the report does not name:
 * then any workflow of this repository, said in the description.
 */
export function expectedIdentity(image: ImageReport, repository: string): ExpectedIdentity {
  const base = `https://github.com/${repository}`;
  const files = [...new Set(image.signatures.map((s) => s.file).filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f)))].sort();
  const wf = files.length > 0 ? `(?:${files.map(escapeRegExp).join('|')})` : `\\.github\\/workflows\\/[^/@]+`;
  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    san: new RegExp(`^${escapeRegExp(base)}\\/${wf}@refs\\/[^\\s]+$`),
    sanDescription: files.length > 0 ? files.map((f) => `${base}/${f}@<ref>`).join(' or ') : `${base}/.github/workflows/<any>@<ref> (the signing step is not in a workflow file)`,
    sourceRepository: base,
  };
}

function firstLayer(json: Record<string, unknown>): { digest: string } | undefined {
  const layers = json['layers'];
  if (!Array.isArray(layers) || layers.length === 0) return undefined;
  const l = layers[0] as { digest?: unknown };
  return typeof l?.digest === 'string' && isDigest(l.digest) ? { digest: l.digest } : undefined;
}
