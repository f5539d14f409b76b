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

/**
 * Whether the text has a template part: what `/\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*|\{\{[^}]*\}\}|<[^>]*>/`
 * finds, decided in one pass. That regular expression rescans the rest of the line from every `${`, `$(`, `{{` or
 * `<` without a closer, quadratic on a long line of them (30,000 `${X` took seconds).
 */
export function hasUnresolvedPart(text: string): boolean {
  // `$NAME`
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) if (isNameStart(text.charCodeAt(i + 1))) return true;
  // `${…}` (and `${{…}}`): a `${` with any `}` after it; `$(…)`: a `$(` with any `)` after it; `<…>` likewise.
  const dollarBrace = text.indexOf('${');
  if (dollarBrace >= 0 && text.lastIndexOf('}') > dollarBrace) return true;
  const dollarParen = text.indexOf('$(');
  if (dollarParen >= 0 && text.lastIndexOf(')') > dollarParen) return true;
  const lt = text.indexOf('<');
  if (lt >= 0 && text.lastIndexOf('>') > lt) return true;
  // `{{…}}`: the first `}` after a `{{` is followed by another. The first `}` after a later `{{` is the same one
  // until that `{{` passes it, so it is looked up again only then.
  let close = -1;
  for (let i = text.indexOf('{{'); i >= 0; i = text.indexOf('{{', i + 1)) {
    if (close < i + 2) {
      close = text.indexOf('}', i + 2);
      if (close < 0) return false;
    }
    if (text.charCodeAt(close + 1) === 0x7d) return true;
  }
  return false;
}

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** The text without trailing slashes (`/\/+$/` rescans every run of slashes that does not end the text). */
function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return end === s.length ? s : s.slice(0, end);
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
  let n = trimTrailingSlashes(name.trim());
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

/**
 * Spans of template parts (`${{ … }}`, `{{ … }}`, `${…}`, `$(…)`), nested brackets included, in order. Linear: once
 * no `}}` follows some position, none follows any later one, so a line of unclosed `${{` is not rescanned.
 */
function templateSpans(s: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let noCloseFrom = Infinity;
  const closeAfter = (from: number): number => {
    if (from >= noCloseFrom) return -1;
    const at = s.indexOf('}}', from);
    if (at < 0) noCloseFrom = from;
    return at;
  };
  for (let i = 0; i < s.length; i++) {
    let end = -1;
    if (s.startsWith('${{', i)) {
      const close = closeAfter(i + 3);
      end = close < 0 ? -1 : close + 2;
    } else if (s.startsWith('{{', i)) {
      const close = closeAfter(i + 2);
      end = close < 0 ? -1 : close + 2;
    } else if (s[i] === '$' && (s[i + 1] === '{' || s[i + 1] === '(')) {
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
  let k = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) {
    while (k < spans.length && spans[k]![1] <= i) k++;
    if (k >= spans.length || i < spans[k]![0]) return i;
  }
  return -1;
}

function findLastOutsideTemplates(s: string, ch: string): number {
  const spans = templateSpans(s);
  let k = spans.length - 1;
  for (let i = s.lastIndexOf(ch); i >= 0; i = i > 0 ? s.lastIndexOf(ch, i - 1) : -1) {
    while (k >= 0 && spans[k]![0] > i) k--;
    if (k < 0 || i >= spans[k]![1]) return i;
  }
  return -1;
}
