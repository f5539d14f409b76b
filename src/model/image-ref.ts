import { findClosingBracket } from '../util/brackets.js';
import type { ImageRef } from './pipeline.js';

/** Registries that exist only for the duration of a job or on the runner itself. */
export const EPHEMERAL_REGISTRY_PATTERNS: RegExp[] = [
  /^localhost(:\d+)?$/i,
  /^127\.\d+\.\d+\.\d+(:\d+)?$/,
  /^\[::1\](:\d+)?$/,
  /^0\.0\.0\.0(:\d+)?$/,
  /^kind-registry(:\d+)?$/i,
  /^registry\.local(:\d+)?$/i,
  // RFC 6761: `.localhost` names resolve to the loopback interface (k3d's `registry.localhost`).
  /^([a-z0-9-]+\.)*localhost(:\d+)?$/i,
  /^ko\.local$/i,
  /^kind\.local$/i,
  // ttl.sh: anonymous registry whose images expire within 24 hours, used for throwaway test images.
  /^ttl\.sh$/i,
];

const UNRESOLVED = /\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|<[^>]*>/;

export function hasUnresolvedPart(text: string): boolean {
  return UNRESOLVED.test(text);
}

/**
 * Splits an image reference into name, tag and digest, and normalizes the name the way the registry client
 * would: a first component without a dot, colon or `localhost` is a Docker Hub path.
 * Template parts (`${{ … }}`, `$VAR`, `{{ .Tag }}`) are kept as written; colons inside them are not tag separators.
 */
export function parseImageRef(input: string): ImageRef {
  const raw = input.trim();
  let rest = raw;
  let digest: string | undefined;
  const at = findOutsideTemplates(rest, '@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = findLastOutsideTemplates(rest, '/');
  const colon = findLastOutsideTemplates(rest, ':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const name = normalizeImageName(rest);
  return { raw, name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), resolved: !hasUnresolvedPart(name) };
}

export function normalizeImageName(name: string): string {
  let n = name.trim().replace(/\/+$/, '');
  if (!n) return n;
  const firstSlash = findOutsideTemplates(n, '/');
  const first = firstSlash >= 0 ? n.slice(0, firstSlash) : n;
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || hasUnresolvedPart(first);
  if (!looksLikeHost) {
    n = firstSlash >= 0 ? `docker.io/${n}` : `docker.io/library/${n}`;
  } else if (/^(index\.)?docker\.io$/i.test(first) || /^registry-1\.docker\.io$/i.test(first)) {
    n = firstSlash >= 0 ? `docker.io/${n.slice(firstSlash + 1)}` : n;
    if (!n.slice('docker.io/'.length).includes('/')) n = `docker.io/library/${n.slice('docker.io/'.length)}`;
  }
  // Registry hosts are case-insensitive; repository paths must be lowercase to be valid, so compare lowercased.
  return hasUnresolvedPart(n) ? n : n.toLowerCase();
}

export function registryOf(name: string): string {
  const i = name.indexOf('/');
  return i >= 0 ? name.slice(0, i) : name;
}

/**
 * Whether `name` lives in a registry that vanishes with the job: the built-in hosts, or one of `extra` (a service
 * container's name, configured hosts). Hosts compare case-insensitively, with or without their port.
 */
export function isEphemeralRegistry(name: string, extra: string[] = []): boolean {
  if (isPerRunRegistryHost(registryOf(name))) return true;
  const host = registryOf(name).toLowerCase();
  const bare = host.replace(/:\d+$/, '');
  if (EPHEMERAL_REGISTRY_PATTERNS.some((re) => re.test(host) || re.test(bare))) return true;
  return extra.some((e) => {
    const el = e.toLowerCase();
    return el === host || el === bare || el.replace(/:\d+$/, '') === bare;
  });
}

/**
 * A registry host named afresh on every run — `myacr$(openssl rand -hex 2).azurecr.io`, `reg-$RANDOM.example`,
 * `ci${{ github.run_id }}.azurecr.io` — can only be one the run creates (and tears down) itself: no real registry
 * has a random name. Only the host part counts; a random tag or repository path says nothing about the registry.
 */
const PER_RUN_HOST_PARTS: RegExp[] = [
  /\$\(\s*openssl\s+rand\b/i,
  /\$\(\s*uuidgen\b/i,
  /\$\{?RANDOM\b/,
  /\$\{?GITHUB_RUN_ID\b/,
  /\$\{\{\s*github\.run_id\s*\}\}/i,
];

export function isPerRunRegistryHost(host: string): boolean {
  return PER_RUN_HOST_PARTS.some((re) => re.test(host));
}

/** Whether a digest part names a content digest (literal or symbolic) rather than being empty. */
export function isDigestReference(ref: ImageRef): boolean {
  return ref.digest !== undefined && ref.digest.length > 0;
}

/** Spans of template parts (`${{ … }}`, `{{ … }}`, `${…}`, `$(…)`), nested brackets included. */
function templateSpans(s: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < s.length; i++) {
    let end = -1;
    if (s.startsWith('${{', i)) end = s.indexOf('}}', i + 3) + 2;
    else if (s.startsWith('{{', i)) end = s.indexOf('}}', i + 2) + 2;
    else if (s[i] === '$' && (s[i + 1] === '{' || s[i + 1] === '(')) {
      const close = findClosingBracket(s, i + 1);
      end = close < 0 ? s.length : close + 1;
    }
    if (end > i) {
      spans.push([i, end]);
      i = end - 1;
    }
  }
  return spans;
}

function findOutsideTemplates(s: string, ch: string): number {
  const spans = templateSpans(s);
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ch && !spans.some(([a, b]) => i >= a && i < b)) return i;
  }
  return -1;
}

function findLastOutsideTemplates(s: string, ch: string): number {
  const spans = templateSpans(s);
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ch && !spans.some(([a, b]) => i >= a && i < b)) return i;
  }
  return -1;
}
