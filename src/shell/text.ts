import { findClosingBracket } from '../util/brackets.js';
import type { AnalysisBudget } from '../util/budget.js';
import { compileGlob, isUsable, SHELL_PATTERN } from '../util/glob.js';
/**
 * Text helpers for expanded shell words. Unknown parts stay as written (`$X`, `${X,,}`, `$(cmd)`, `${{ expr }}`);
 * these helpers keep such parts intact when splitting, case-mapping or slicing.
 */

/** Spans of unresolved parts: `${{ … }}`, `${ … }` and `$( … )` (balanced), `$NAME`, backquotes. */
export function unresolvedSpans(s: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      const end = matchBalanced(s, i + 1);
      spans.push([i, end]);
      i = end;
    } else if (ch === '$' && /[A-Za-z_0-9@*#?!$]/.test(s[i + 1] ?? '')) {
      let j = i + 2;
      if (/[A-Za-z_]/.test(s[i + 1]!)) while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      spans.push([i, j]);
      i = j;
    } else if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      const j = end < 0 ? s.length : end + 1;
      spans.push([i, j]);
      i = j;
    } else {
      i++;
    }
  }
  return spans;
}

/** Index after the bracket group opening at `open` (`(` or `{`), nesting-aware; the string end if unbalanced. */
/** End (exclusive) of the `$(…)` or `${…}` whose bracket is at `open`; the text's end when unbalanced. */
function matchBalanced(s: string, open: number): number {
  const close = findClosingBracket(s, open);
  return close < 0 ? s.length : close + 1;
}

export function hasUnresolved(s: string): boolean {
  return unresolvedSpans(s).length > 0 || /<[^>]+>/.test(s);
}

/** Splits on whitespace (unquoted expansion), never inside an unresolved part. */
export function splitFields(s: string): string[] {
  const spans = unresolvedSpans(s);
  const fields: string[] = [];
  let cur = '';
  let spanIdx = 0;
  for (let i = 0; i < s.length; i++) {
    while (spanIdx < spans.length && spans[spanIdx]![1] <= i) spanIdx++;
    const inside = spanIdx < spans.length && spans[spanIdx]![0] <= i && i < spans[spanIdx]![1];
    const c = s[i]!;
    if (!inside && /\s/.test(c)) {
      if (cur) fields.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur) fields.push(cur);
  return fields;
}

/** Applies `fn` to the literal stretches only (so `${{ env.X }}` is not lower-cased into a different expression). */
export function mapLiteralParts(s: string, fn: (lit: string) => string): string {
  const spans = unresolvedSpans(s);
  let out = '';
  let pos = 0;
  for (const [a, b] of spans) {
    out += fn(s.slice(pos, a)) + s.slice(a, b);
    pos = b;
  }
  return out + fn(s.slice(pos));
}

/**
 * Whether an image-reference-like text has a name that is produced wholly at run time (`$(cat refs)`,
 * `$(read ref)` from a loop over a file, xargs input): such a target cannot be named and is attributed by proximity.
 */
export function isWhollyDynamic(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  const spans = unresolvedSpans(t);
  const first = spans[0];
  if (!first || first[0] !== 0) return false;
  const head = t.slice(0, first[1]);
  if (!(head.startsWith('$(') || head.startsWith('`'))) return false;
  // What follows the substitution may only be a tag or digest part.
  const rest = t.slice(first[1]);
  return rest === '' || rest.startsWith('@') || /^:[^/]*$/.test(rest);
}

/**
 * `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}` on a known value, with the linear shell-pattern matcher. undefined when
 * the pattern cannot be evaluated (too long) or the budget ran out: the expansion is then unknown.
 */
export function removePattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%', budget?: AnalysisBudget): string | undefined {
  const glob = compileGlob(pattern, SHELL_PATTERN);
  if (!isUsable(glob)) return undefined;
  const greedy = op === '##' || op === '%%';
  if (op === '#' || op === '##') {
    const m = glob.prefixMatch(value, budget);
    if (m === undefined) return undefined;
    return m ? value.slice(greedy ? m.longest : m.shortest) : value;
  }
  const m = glob.suffixMatch(value, budget);
  if (m === undefined) return undefined;
  return m ? value.slice(0, value.length - (greedy ? m.longest : m.shortest)) : value;
}

/**
 * `${x/pat/rep}` and `${x//pat/rep}` (anchors `#` / `%` supported): the leftmost, longest match is replaced, as
 * bash does. undefined when the pattern cannot be evaluated or the budget ran out.
 */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean, budget?: AnalysisBudget): string | undefined {
  if (!pattern) return value;
  let src = pattern;
  let anchor = '';
  if (src.startsWith('#')) {
    anchor = '#';
    src = src.slice(1);
  } else if (src.startsWith('%')) {
    anchor = '%';
    src = src.slice(1);
  }
  const glob = compileGlob(src, SHELL_PATTERN);
  if (!isUsable(glob)) return undefined;
  if (anchor) {
    const m = anchor === '#' ? glob.prefixMatch(value, budget) : glob.suffixMatch(value, budget);
    if (m === undefined) return undefined;
    if (!m) return value;
    return anchor === '#' ? replacement + value.slice(m.longest) : value.slice(0, value.length - m.longest) + replacement;
  }
  let out = '';
  let from = 0;
  while (from <= value.length) {
    const m = glob.search(value, from, budget);
    if (m === undefined) return undefined;
    if (!m) break;
    if (m.end === m.start && value.length > 0) {
      // Only an empty value is replaced by an empty match (`${x/*/r}` with x empty); elsewhere look one character on.
      if (m.start >= value.length) break;
      out += value.slice(from, m.start + 1);
      from = m.start + 1;
      continue;
    }
    out += value.slice(from, m.start) + replacement;
    from = m.end;
    if (!all) break;
  }
  return out + value.slice(from);
}
