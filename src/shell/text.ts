import { findClosingBracket } from '../util/brackets.js';
import { compileShellPattern, type GlobMeter } from '../util/glob.js';
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
  return unresolvedSpans(s).length > 0 || hasAngleHole(s);
}

/**
 * A `<placeholder>` part (`/<[^>]+>/`), found in one pass: that regular expression rescans the rest of the text
 * from every `<`, quadratic on a long line of them.
 */
export function hasAngleHole(s: string): boolean {
  let open = -1;
  for (let i = s.indexOf('<'); i >= 0 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3c) {
      if (open < 0) open = i;
    } else if (c === 0x3e) {
      if (open >= 0 && i > open + 1) return true;
      open = -1;
    }
  }
  return false;
}

/** Splits on whitespace (unquoted expansion), never inside an unresolved part. One pass of slices. */
export function splitFields(s: string): string[] {
  const spans = unresolvedSpans(s);
  const fields: string[] = [];
  let start = -1; // where the current field began
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (k < spans.length && i >= spans[k]![0]) {
      // An unresolved part belongs to the field it is in, whatever it holds.
      if (start < 0) start = i;
      i = spans[k]![1] - 1;
      k++;
    } else if (isSpace(s.charCodeAt(i))) {
      if (start >= 0) fields.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) fields.push(s.slice(start));
  return fields;
}

/** What `/\s/` matches, by code: the ASCII blanks directly, anything else through the regular expression. */
export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(String.fromCharCode(c));
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

/** `${x#pat}`, `${x##pat}`, `${x%pat}`, `${x%%pat}`; undefined when the meter refused the matching steps. */
export function removePattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%', meter: GlobMeter): string | undefined {
  const g = compileShellPattern(pattern);
  const longest = op === '##' || op === '%%';
  if (op === '#' || op === '##') {
    const n = g.prefixMatch(value, longest, meter);
    return n === undefined ? undefined : n === null ? value : value.slice(n);
  }
  const n = g.suffixMatch(value, longest, meter);
  return n === undefined ? undefined : n === null ? value : value.slice(0, value.length - n);
}

/**
 * `${x/pat/rep}` and `${x//pat/rep}` (anchors `#` / `%` supported): the leftmost-longest match is replaced, as bash
 * does. Undefined when the meter refused, or when the result would be longer than `maxLength`.
 */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean, meter: GlobMeter, maxLength: number): string | undefined {
  if (!pattern) return value;
  const fits = (s: string): string | undefined => (s.length <= maxLength ? s : undefined);
  if (pattern.startsWith('#')) {
    const n = compileShellPattern(pattern.slice(1)).prefixMatch(value, true, meter);
    return n === undefined ? undefined : n === null ? value : fits(replacement + value.slice(n));
  }
  if (pattern.startsWith('%')) {
    const n = compileShellPattern(pattern.slice(1)).suffixMatch(value, true, meter);
    return n === undefined ? undefined : n === null ? value : fits(value.slice(0, value.length - n) + replacement);
  }
  const g = compileShellPattern(pattern);
  // As bash's pat_subst: an empty value that the pattern matches is the replacement; otherwise matches are
  // replaced while text remains (a zero-length match inserts the replacement and copies one character).
  if (value === '') {
    const m = g.search(value, 0, meter);
    return m === undefined ? undefined : m === null ? value : fits(replacement);
  }
  const pieces: string[] = [];
  let length = 0;
  let pos = 0;
  while (pos < value.length) {
    const m = g.search(value, pos, meter);
    if (m === undefined) return undefined;
    if (m === null) break;
    const { start, end } = m;
    length += start - pos + replacement.length;
    if (length > maxLength) return undefined;
    pieces.push(value.slice(pos, start), replacement);
    if (end === start) {
      if (start < value.length) pieces.push(value[start]!);
      length++;
      pos = start + 1;
    } else pos = end;
    if (!all) break;
  }
  if (pos < value.length) pieces.push(value.slice(pos));
  return fits(pieces.join(''));
}
