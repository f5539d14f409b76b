import { hasUnresolvedPart } from '../model/image-ref.js';
import type { AnalysisBudget } from '../util/budget.js';
import { compileGlob, IMAGE_SEGMENT_GLOB, IMAGE_WILDCARD, isUsable, type Glob } from '../util/glob.js';
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
 *
 * Matching is the linear glob matcher (src/util/glob.ts), never a regular expression built from the pattern. A
 * pattern it cannot evaluate (over its length bound) or a match the budget stopped gives `unusable`: the pattern
 * is not known to match, and each caller takes the side that does not claim coverage.
 */

export interface PatternMatch {
  matches: boolean;
  note?: string;
  /** Set when the pattern could not be evaluated (then `matches` is false): why. */
  unusable?: string;
}

interface CompiledPattern {
  name: Glob | { unusable: string };
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

function compile(raw: string, dialect: PatternDialect): CompiledPattern {
  const key = `${dialect}\u0000${raw}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { name, tag } = splitPatternReference(raw);
  const norm = dialect === 'all' ? '**' : normalizePatternName(name);
  const segmentBound = dialect === 'sigstore' || dialect === 'binauthz';
  const compiled: CompiledPattern = { name: compileGlob(norm, segmentBound ? IMAGE_SEGMENT_GLOB : IMAGE_WILDCARD), ...(tag !== undefined ? { tag } : {}) };
  if (cache.size >= 4096) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Why a pattern cannot be evaluated at all (before any image is compared), or undefined when it can. */
export function patternProblem(pattern: ImagePattern): string | undefined {
  if (pattern.raw.includes('HELM_TEMPLATE_VALUE')) return undefined;
  const c = compile(pattern.raw, pattern.dialect).name;
  return isUsable(c) ? undefined : c.unusable;
}

export function matchImage(pattern: ImagePattern, imageName: string, budget?: AnalysisBudget): PatternMatch {
  if (pattern.raw.includes('HELM_TEMPLATE_VALUE')) return { matches: false };
  const c = compile(pattern.raw, pattern.dialect);
  if (!isUsable(c.name)) return { matches: false, unusable: c.name.unusable };
  const m = c.name.matches(imageName, budget);
  if (m === undefined) {
    budget?.stopped('image pattern matching', pattern.location);
    return { matches: false, unusable: 'the analysis budget ran out before the pattern was compared' };
  }
  if (!m) return { matches: false };
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
