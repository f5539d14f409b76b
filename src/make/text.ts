import { findClosingBracket } from '../util/brackets.js';
/**
 * Text helpers shared by the Makefile reader: make's notion of words, parenthesis matching that skips variable
 * references, and the marker that tracks text make cannot know statically.
 */

/**
 * Wraps text whose value is only known at run time (`$(shell …)`, unresolved CI values). Private-use code point:
 * it never occurs in real makefiles, survives word splitting, and is stripped from everything handed back.
 */
export const UNKNOWN_MARK = '\uE000';

export function markUnknown(text: string): string {
  return UNKNOWN_MARK + text + UNKNOWN_MARK;
}

export function isUnknown(text: string): boolean {
  return text.includes(UNKNOWN_MARK);
}

export function stripMarks(text: string): string {
  return text.includes(UNKNOWN_MARK) ? text.split(UNKNOWN_MARK).join('') : text;
}

/** Values from the CI environment that are still templates (`${{ … }}`, `$VAR`) are unknown to make's conditionals. */
export function looksUnresolved(value: string): boolean {
  return /\$\{\{|\$\{?[A-Za-z_]|\$\(/.test(value);
}

/**
 * make splits words on blanks and newlines. A marked run-time span (`$(shell …)`) stays one word, so word
 * functions (`firstword`, `filter`, `sort`) never cut it apart.
 */
export function words(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (!trimmed.includes(UNKNOWN_MARK)) return trimmed.split(/\s+/);
  const out: string[] = [];
  let current = '';
  let inside = false;
  for (const ch of trimmed) {
    if (ch === UNKNOWN_MARK) inside = !inside;
    if (!inside && /\s/.test(ch)) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/**
 * Index of the parenthesis that closes the one at `open` (`(` or `{`), counting only that kind as make does;
 * -1 when unterminated.
 */
/** Index of the bracket closing the `(`/`{` at `open`, or -1. */
export const findClose = findClosingBracket;

/** Index just past a `$(…)`/`${…}` reference starting at `i` (text[i] === '$'), or i + 1 / i + 2 for `$x`/`$$`. */
export function skipReference(text: string, i: number): number {
  const next = text[i + 1];
  if (next === '(' || next === '{') {
    const close = findClose(text, i + 1);
    return close < 0 ? text.length : close + 1;
  }
  return Math.min(text.length, i + 2);
}

/**
 * Splits function arguments on top-level commas. After `max - 1` splits the rest (commas included) is the last
 * argument, as make does (`$(subst a,b,x,y)` replaces in "x,y"). max 0 means unlimited.
 */
export function splitArgs(text: string, max: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0 && (max === 0 || args.length < max - 1)) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

/** Index where a comment starts in a makefile (non-recipe) line: `#` outside variable references, not `\#`; -1 if none. */
export function findCommentStart(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$') {
      i = skipReference(text, i) - 1;
    } else if (ch === '\\' && text[i + 1] === '#') {
      i++;
    } else if (ch === '#') {
      return i;
    }
  }
  return -1;
}

export function stripComment(text: string): string {
  const at = findCommentStart(text);
  const kept = at >= 0 ? text.slice(0, at) : text;
  return kept.includes('\\#') ? kept.replace(/\\#/g, '#') : kept;
}

/** First index of `ch` outside variable references, -1 if none. */
export function findTopLevel(text: string, ch: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$') i = skipReference(text, i) - 1;
    else if (c === ch) return i;
  }
  return -1;
}

/** make's `%` pattern: the first unescaped `%` is the wildcard. */
export interface Pattern {
  prefix: string;
  suffix: string;
  hasPercent: boolean;
}

export function parsePattern(pattern: string): Pattern {
  const at = pattern.indexOf('%');
  if (at < 0) return { prefix: pattern, suffix: '', hasPercent: false };
  return { prefix: pattern.slice(0, at), suffix: pattern.slice(at + 1), hasPercent: true };
}

/** The stem when `word` matches `pattern`, undefined otherwise (a pattern without `%` must match exactly; stem ''). */
export function matchPattern(pattern: Pattern, word: string): string | undefined {
  if (!pattern.hasPercent) return word === pattern.prefix ? '' : undefined;
  if (word.length < pattern.prefix.length + pattern.suffix.length) return undefined;
  if (!word.startsWith(pattern.prefix) || !word.endsWith(pattern.suffix)) return undefined;
  return word.slice(pattern.prefix.length, word.length - pattern.suffix.length);
}

export function substitutePattern(pattern: Pattern, stem: string): string {
  return pattern.hasPercent ? pattern.prefix + stem + pattern.suffix : pattern.prefix;
}

/** `$(patsubst from,to,text)`, word by word (the caller joins them within the value cap). */
export function patsubstWords(from: string, to: string, text: string): string[] {
  const p = parsePattern(from);
  const r = parsePattern(to);
  return words(text).map((w) => {
    const stem = matchPattern(p, w);
    if (stem === undefined) return w;
    return p.hasPercent ? substitutePattern(r, stem) : to;
  });
}
