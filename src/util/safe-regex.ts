import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import type { AnalysisBudget } from './budget.js';

/**
 * Regular expressions written in the scanned tree (bash `[[ =~ ]]`, sed, awk -F, policy-controller and Kyverno
 * identity regexps) run on RE2 (re2js, pure JavaScript): matching is linear in the text, never a backtracking
 * search that `^(a+)+$` can stall for minutes. Go's regexp is RE2, so policy-controller's expressions mean exactly
 * what they mean in the cluster; POSIX expressions (bash, sed) run with leftmost-longest matching as POSIX says.
 *
 * What RE2 cannot evaluate — backreferences (`\1`), lookaround — and patterns over MAX_REGEX_LENGTH compile to
 * `{ unusable: reason }`: the caller's answer is unknown, never a guess and never a backtracking run. A match whose
 * estimated work (program size × text length) is over MAX_MATCH_COST is unknown too; smaller ones are charged to
 * the analysis budget, and once it is spent every answer is unknown.
 */

export const MAX_REGEX_LENGTH = 4096;
/** One match may cost at most this many budget units (a tenth of the default budget). */
export const MAX_MATCH_COST = 20_000_000;
const MAX_CACHED = 1024;

export interface RegexOptions {
  /** POSIX leftmost-longest matching (bash, sed); Go and JavaScript expressions are leftmost-first. */
  longest?: boolean;
  ignoreCase?: boolean;
}

export interface Unusable {
  unusable: string;
}

export class SafeRegex {
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  /** Units charged for running over `text` (RE2's program size times the text length). */
  private cost(text: string): number {
    return Math.max(1, this.re.programSize()) * (text.length + 1);
  }

  private affordable(text: string, budget: AnalysisBudget | undefined): boolean {
    const cost = this.cost(text);
    if (cost > MAX_MATCH_COST) return false;
    return budget ? budget.charge(cost) : true;
  }

  /** Whether the expression matches somewhere in text; undefined when the match is too costly or the budget is spent. */
  test(text: string, budget?: AnalysisBudget): boolean | undefined {
    if (!this.affordable(text, budget)) return undefined;
    return this.re.test(text);
  }

  /**
   * text with the first (or every) match replaced; the replacement is read like String.prototype.replace's
   * (`$1`, `$&`, `$$`). undefined when the match is too costly or the budget is spent.
   */
  replace(text: string, replacement: string, all: boolean, budget?: AnalysisBudget): string | undefined {
    if (!this.affordable(text, budget)) return undefined;
    const m = this.re.matcher(text);
    return all ? m.replaceAll(replacement) : m.replaceFirst(replacement);
  }

  /** text split around the matches, keeping empty fields (like String.prototype.split). */
  split(text: string, budget?: AnalysisBudget): string[] | undefined {
    if (!this.affordable(text, budget)) return undefined;
    return this.re.split(text, -1);
  }
}

export type CompiledRegex = SafeRegex | Unusable;

export function isUsableRegex(r: CompiledRegex): r is SafeRegex {
  return r instanceof SafeRegex;
}

const cache = new Map<string, CompiledRegex>();

/** Compiles (once per source and options) an expression for RE2; `{ unusable }` with the reason when it cannot be. */
export function compileRegex(source: string, options: RegexOptions = {}): CompiledRegex {
  if (source.length > MAX_REGEX_LENGTH) return { unusable: `the expression is ${source.length} characters long, more than ${MAX_REGEX_LENGTH}` };
  const key = `${options.longest ? 'L' : ''}${options.ignoreCase ? 'I' : ''}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = build(source, options);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/**
 * Where re2js is: the bundles ship it as a CommonJS file of its own beside them (scripts/build-config.mjs defines
 * the constant), unbundled code (the compiled tests) takes the package. It is required on the first expression
 * compiled, not at every start: most runs compile none, and its 180 KB are a tenth of the bundle.
 */
declare const __IMAGE_SIGNING_AUDIT_RE2__: string | undefined;
const RE2_MODULE = typeof __IMAGE_SIGNING_AUDIT_RE2__ === 'string' ? __IMAGE_SIGNING_AUDIT_RE2__ : 're2js';
let engine: typeof RE2JS | undefined;

function re2(): typeof RE2JS {
  // require, not import(): expressions are compiled from synchronous analysis code.
  engine ??= (createRequire(import.meta.url)(RE2_MODULE) as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

function build(source: string, options: RegexOptions): CompiledRegex {
  const feature = unsupportedFeature(source);
  if (feature) return { unusable: `the expression uses ${feature}, which a linear-time engine cannot evaluate` };
  const RE2 = re2();
  const flags = (options.longest ? RE2.LONGEST_MATCH : 0) | (options.ignoreCase ? RE2.CASE_INSENSITIVE : 0);
  try {
    return new SafeRegex(source, RE2.compile(source, flags));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { unusable: `the expression is not valid for RE2 (${message.replace(/^error parsing regexp: /, '')})` };
  }
}

/** Backreferences and lookaround, named so the reason says what is missing (RE2 would only say "invalid"). */
function unsupportedFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (!inClass && n !== undefined && n >= '1' && n <= '9') return `a backreference (\\${n})`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    } else if (c === '(' && source[i + 1] === '?' && /^[=!]|^<[=!]/.test(source.slice(i + 2, i + 4))) return 'lookaround';
  }
  return undefined;
}
