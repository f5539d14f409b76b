import { hasUnresolvedPart } from '../model/image-ref.js';
import type { ImagePattern, PatternDialect } from './model.js';

/**
 * Image pattern matching with each engine's own wildcard rules, against a normalized image name
 * (`docker.io/library/nginx`, `ghcr.io/o/r`):
 * - Kyverno (imageReferences, skipImageReferences), Connaisseur, Portieris, Kubewarden: `*` matches any run of
 *   characters including `/`, `?` one character.
 * - Sigstore policy-controller globs and Binary Authorization name patterns: `*` stays inside one path segment,
 *   `**` crosses segments.
 * A pattern's tag or digest part (`:*`, `:v1`, `@sha256:…`) is split off: a wildcard tag covers every tag; a
 * literal one covers only some pushes, which is said in a note.
 */

export interface PatternMatch {
  matches: boolean;
  note?: string;
}

interface CompiledPattern {
  name: RegExp;
  tag?: string;
}

const cache = new Map<string, CompiledPattern>();

export function splitPatternReference(raw: string): { name: string; tag?: string } {
  let rest = raw.trim();
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    tag = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  // A colon in the first segment followed by digits is a registry port (`localhost:5000/x`), not a tag.
  if (colon > slash && !(slash < 0 && /^\d+$/.test(rest.slice(colon + 1)))) {
    tag = tag ?? rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag !== undefined ? { tag } : {}) };
}

/** Adds the implicit Docker Hub registry the way the engines do; wildcard-led patterns stay as written. */
export function normalizePatternName(name: string): string {
  let n = name.replace(/\/+$/, '');
  if (!n || n.startsWith('*') || n.startsWith('?')) return n;
  const slash = n.indexOf('/');
  const first = slash >= 0 ? n.slice(0, slash) : n;
  if (/^(index\.)?docker\.io$/i.test(first) || /^registry-1\.docker\.io$/i.test(first)) {
    n = 'docker.io' + (slash >= 0 ? n.slice(slash) : '');
    if (slash >= 0 && !n.slice('docker.io/'.length).includes('/') && !/[*?]/.test(n.slice('docker.io/'.length))) n = `docker.io/library/${n.slice('docker.io/'.length)}`;
    return n.toLowerCase();
  }
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || /[*?]/.test(first);
  if (looksLikeHost) return n.toLowerCase();
  return (slash >= 0 ? `docker.io/${n}` : `docker.io/library/${n}`).toLowerCase();
}

function escapeRegex(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function compile(raw: string, dialect: PatternDialect): CompiledPattern {
  const key = `${dialect}\u0000${raw}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { name, tag } = splitPatternReference(raw);
  const norm = dialect === 'all' ? '**' : normalizePatternName(name);
  const segmentBound = dialect === 'sigstore' || dialect === 'binauthz';
  let re = '';
  for (let i = 0; i < norm.length; i++) {
    const ch = norm[i] ?? '';
    if (ch === '*') {
      if (norm[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += segmentBound ? '[^/]*' : '.*';
    } else if (ch === '?') re += segmentBound ? '[^/]' : '.';
    else re += escapeRegex(ch);
  }
  const compiled: CompiledPattern = { name: new RegExp(`^${re}$`, 'i'), ...(tag !== undefined ? { tag } : {}) };
  cache.set(key, compiled);
  return compiled;
}

export function matchImage(pattern: ImagePattern, imageName: string): PatternMatch {
  if (pattern.raw.includes('HELM_TEMPLATE_VALUE')) return { matches: false };
  const c = compile(pattern.raw, pattern.dialect);
  if (!c.name.test(imageName)) return { matches: false };
  if (c.tag !== undefined && !/^[*?]+$/.test(c.tag) && c.tag !== '') {
    return { matches: true, note: `pattern ${pattern.raw} covers only the tags or digests matching \`${c.tag}\`` };
  }
  if (hasUnresolvedPart(imageName)) return { matches: true, note: `image name ${imageName} is not fully resolved; the match is on the part written` };
  return { matches: true };
}

/** How specific a pattern is, for engines where the most specific rule wins (Connaisseur): literal characters first. */
export function patternSpecificity(raw: string): number {
  const literal = raw.replace(/[*?]/g, '').length;
  const wildcards = (raw.match(/[*?]/g) ?? []).length;
  return literal * 100 - wildcards;
}
