import { findClosingBracket } from '../util/brackets.js';
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

/** A shell glob (as used in `${x#pat}`, `${x/pat/rep}`, `case`) as a regular expression source. */
export function globToRegexSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function removePattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  const src = globToRegexSource(pattern);
  const greedy = op === '##' || op === '%%';
  if (op === '#' || op === '##') {
    // Shortest prefix: try lengths ascending; longest: descending.
    const lengths = [...Array(value.length + 1).keys()];
    for (const n of greedy ? lengths.reverse() : lengths) {
      if (new RegExp(`^(?:${src})$`).test(value.slice(0, n))) return value.slice(n);
    }
    return value;
  }
  const lengths = [...Array(value.length + 1).keys()];
  for (const n of greedy ? lengths : lengths.reverse()) {
    if (new RegExp(`^(?:${src})$`).test(value.slice(n))) return value.slice(0, n);
  }
  return value;
}

/** `${x/pat/rep}` and `${x//pat/rep}` (anchors `#` / `%` supported). */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  if (!pattern) return value;
  let src = pattern;
  let anchor = '';
  if (src.startsWith('#')) {
    anchor = '^';
    src = src.slice(1);
  } else if (src.startsWith('%')) {
    anchor = '$';
    src = src.slice(1);
  }
  const body = globToRegexSource(src);
  const re = new RegExp(anchor === '^' ? `^${body}` : anchor === '$' ? `${body}$` : body, all && !anchor ? 'g' : '');
  return value.replace(re, () => replacement);
}
