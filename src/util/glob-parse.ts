/**
 * The glob parser of src/util/glob.ts: a pattern in one of the syntaxes becomes a small tree of character tests,
 * `*` loops, alternatives (braces) and repetitions (globstar segments), which glob.ts compiles to an automaton.
 * Nothing here runs a regular expression on the pattern's text except fixed, linear ones.
 */

/** `{1..N}` ranges are expanded; more items than this make the pattern unusable. */
const MAX_RANGE_ITEMS = 1000;

export interface GlobSyntax {
  /** A name for messages and the compile cache. */
  name: string;
  /**
   * Whether the length bound (MAX_GLOB_LENGTH) and the program bound apply. Patterns the tree writes as text are
   * bounded; shell patterns are not: they are values the interpreter built (as long as the value-length cap), and
   * their matching is charged step by step to the run's budget.
   */
  bounded: boolean;
  /** `*` and `?` match `/` too (shell patterns, Kyverno images) or stop at it (paths, policy-controller). */
  starCrossesSlash: boolean;
  /**
   * How `**` reads when `*` stops at `/`: `segment` (picomatch: a whole `**` path segment matches any number of
   * segments, elsewhere it is `*`), `anywhere` (policy-controller: every `**` crosses `/`), `none` (`**` is `*`).
   */
  globstar: 'segment' | 'anywhere' | 'none';
  /** `[abc]`, `[!a-z]`, `[^…]`, `[[:alpha:]]`. */
  classes: boolean;
  /** `{a,b}` alternatives and `{1..3}` ranges. */
  braces: boolean;
  /** `\x` is a literal x. */
  escapes: boolean;
  /** Letters match either case (image names). */
  ignoreCase: boolean;
  /**
   * picomatch's reading: a leading `!` negates, a leading `./` is dropped, a `*` that is a whole path segment needs
   * at least one character, extglobs (`+(…)`, `@(…)`, …) are not supported here (the pattern is unusable).
   */
  picomatch: boolean;
}

// ---- character tests -------------------------------------------------------------------------------------------

const SLASH = 0x2f;

export type CharTest =
  | { k: 'lit'; c: number }
  | { k: 'any' }
  | { k: 'notSlash' }
  /** `ranges` holds [lo, hi] pairs; `named` holds POSIX class names. */
  | { k: 'set'; negated: boolean; ranges: number[]; named: string[] };

const ANY: CharTest = { k: 'any' };
const NOT_SLASH: CharTest = { k: 'notSlash' };

function namedClass(name: string, c: number): boolean {
  const ch = String.fromCharCode(c);
  switch (name) {
    case 'alpha':
      return /[A-Za-z]/.test(ch);
    case 'digit':
      return c >= 0x30 && c <= 0x39;
    case 'alnum':
      return /[A-Za-z0-9]/.test(ch);
    case 'upper':
      return c >= 0x41 && c <= 0x5a;
    case 'lower':
      return c >= 0x61 && c <= 0x7a;
    case 'space':
      return /[ \t\n\r\f\v]/.test(ch);
    case 'blank':
      return c === 0x20 || c === 0x09;
    case 'punct':
      return /[!-/:-@[-`{-~]/.test(ch);
    case 'xdigit':
      return /[0-9A-Fa-f]/.test(ch);
    case 'word':
      return /\w/.test(ch);
    case 'cntrl':
      return c < 0x20 || c === 0x7f;
    // ASCII, as every other class here (the C locale's reading, which the shell matcher has always had).
    case 'print':
      return c >= 0x20 && c <= 0x7e;
    case 'graph':
      return c > 0x20 && c <= 0x7e;
    default:
      return false;
  }
}

const POSIX_CLASSES = new Set(['alpha', 'digit', 'alnum', 'upper', 'lower', 'space', 'blank', 'punct', 'xdigit', 'word', 'cntrl', 'print', 'graph']);

function inSet(t: Extract<CharTest, { k: 'set' }>, c: number): boolean {
  for (let i = 0; i < t.ranges.length; i += 2) if (c >= t.ranges[i]! && c <= t.ranges[i + 1]!) return true;
  for (const n of t.named) if (namedClass(n, c)) return true;
  return false;
}

export function testChar(t: CharTest, c: number, ignoreCase: boolean): boolean {
  switch (t.k) {
    case 'lit':
      return t.c === c;
    case 'any':
      return true;
    case 'notSlash':
      return c !== SLASH;
    case 'set': {
      // The text is lower-cased when case is ignored: a set written in upper case still matches.
      const hit = inSet(t, c) || (ignoreCase && c >= 0x61 && c <= 0x7a && inSet(t, c - 0x20));
      return hit !== t.negated;
    }
  }
}

// ---- syntax tree -----------------------------------------------------------------------------------------------

export type Node =
  | { t: 'char'; test: CharTest }
  /** Zero (or, with min 1, one) or more characters passing `test`. */
  | { t: 'star'; test: CharTest; min: 0 | 1 }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  /** Zero or more repetitions. */
  | { t: 'repeat'; item: Node }
  | { t: 'opt'; item: Node };

/** Thrown by the parser (and the compiler) for a pattern that cannot be matched; the message says why. */
export class Unusable extends Error {}

function lit(c: number): Node {
  return { t: 'char', test: { k: 'lit', c } };
}

function literalText(s: string): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < s.length; i++) out.push(lit(s.charCodeAt(i)));
  return out;
}

/** Parses a glob into a tree; throws Unusable for what the matcher does not support. */
export class Parser {
  constructor(
    private readonly src: string,
    private readonly syntax: GlobSyntax,
  ) {}

  /** Parses src[from, to) — the whole pattern or one brace alternative. */
  sequence(from: number, to: number): Node {
    const s = this.src;
    const syn = this.syntax;
    const items: Node[] = [];
    const oneChar = syn.starCrossesSlash ? ANY : NOT_SLASH;
    for (let i = from; i < to; i++) {
      const ch = s[i]!;
      const atSegmentStart = i === from ? this.boundaryBefore(from) : s[i - 1] === '/';
      if (syn.picomatch && /[+@!?*]/.test(ch) && s[i + 1] === '(') throw new Unusable(`the extended glob ${ch}(…) is not supported`);
      if (ch === '*') {
        let j = i;
        while (j + 1 < to && s[j + 1] === '*') j++;
        // picomatch reads only exactly `**` as a globstar (`***` is `*`); policy-controller any run of two or more.
        const double = syn.globstar === 'segment' ? j === i + 1 : j > i;
        const segmentEnds = j + 1 === to ? this.boundaryAfter(to) : s[j + 1] === '/';
        if (!syn.starCrossesSlash && double && syn.globstar === 'anywhere') items.push({ t: 'star', test: ANY, min: 0 });
        else if (!syn.starCrossesSlash && double && syn.globstar === 'segment' && atSegmentStart && segmentEnds) {
          if (j + 1 < to) {
            // `**/`: any number of whole segments, each with its slash.
            items.push({ t: 'repeat', item: { t: 'seq', items: [{ t: 'star', test: NOT_SLASH, min: 1 }, lit(SLASH)] } });
            j++;
          } else if (items.length > 0 && isSlash(items[items.length - 1]!)) {
            // `x/**` also matches `x` itself.
            items.pop();
            items.push({ t: 'opt', item: { t: 'seq', items: [lit(SLASH), { t: 'star', test: ANY, min: 0 }] } });
          } else items.push({ t: 'star', test: ANY, min: 0 });
        } else {
          const min = syn.picomatch && atSegmentStart && segmentEnds ? 1 : 0;
          items.push({ t: 'star', test: oneChar, min });
        }
        i = j;
      } else if (ch === '?') items.push({ t: 'char', test: oneChar });
      else if (ch === '[' && syn.classes) {
        const parsed = this.charClass(i, to);
        if (parsed) {
          items.push({ t: 'char', test: parsed.test });
          i = parsed.end;
        } else items.push(lit(ch.charCodeAt(0)));
      } else if (ch === '{' && syn.braces) {
        const parsed = this.braces(i, to);
        if (parsed) {
          items.push(parsed.node);
          i = parsed.end;
        } else items.push(lit(ch.charCodeAt(0)));
      } else if (ch === '\\' && syn.escapes && i + 1 < to) {
        items.push(lit(s.charCodeAt(++i)));
      } else items.push(lit(this.fold(s.charCodeAt(i))));
    }
    return { t: 'seq', items };
  }

  private fold(c: number): number {
    return this.syntax.ignoreCase && c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }

  /** Whether the text before `at` ends a path segment (start of pattern, or a `/` before a brace). */
  private boundaryBefore(at: number): boolean {
    if (at === 0) return true;
    const prev = this.src[at - 1];
    if (prev === '/') return true;
    if (prev === '{' || prev === ',') return this.boundaryBefore(this.braceStart(at - 1));
    return false;
  }

  private boundaryAfter(at: number): boolean {
    if (at >= this.src.length) return true;
    const next = this.src[at];
    return next === '/' || ((next === '}' || next === ',') && this.syntax.braces && this.boundaryAfter(this.braceEnd(at) + 1));
  }

  /** The `{` that opens the brace group containing position `at` (a `{` or `,`), for segment boundaries. */
  private braceStart(at: number): number {
    let depth = 0;
    for (let i = at; i >= 0; i--) {
      const ch = this.src[i];
      if (ch === '}') depth++;
      else if (ch === '{') {
        if (depth === 0) return i;
        depth--;
      }
    }
    return 0;
  }

  private braceEnd(at: number): number {
    let depth = 0;
    for (let i = at; i < this.src.length; i++) {
      const ch = this.src[i];
      if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0) return i;
        depth--;
      }
    }
    return this.src.length;
  }

  /** `[…]` from `at`; undefined when it does not close (then `[` is literal). */
  private charClass(at: number, to: number): { test: CharTest; end: number } | undefined {
    const s = this.src;
    let i = at + 1;
    let negated = false;
    if (s[i] === '!' || s[i] === '^') {
      negated = true;
      i++;
    }
    const ranges: number[] = [];
    const named: string[] = [];
    let first = true;
    for (; i < to; i++) {
      const ch = s[i]!;
      if (ch === ']' && !first) return { test: { k: 'set', negated, ranges, named }, end: i };
      first = false;
      if (ch === '[' && s[i + 1] === ':') {
        const close = s.indexOf(':]', i + 2);
        const name = close > 0 && close < to ? s.slice(i + 2, close) : '';
        if (POSIX_CLASSES.has(name)) {
          named.push(name);
          i = close + 1;
          continue;
        }
      }
      let lo = s.charCodeAt(i);
      if (ch === '\\' && this.syntax.escapes && i + 1 < to) lo = s.charCodeAt(++i);
      let hi = lo;
      if (s[i + 1] === '-' && i + 2 < to && s[i + 2] !== ']') {
        hi = s.charCodeAt(i + 2);
        if (s[i + 2] === '\\' && this.syntax.escapes && i + 3 < to) hi = s.charCodeAt(++i + 2);
        i += 2;
      }
      if (hi >= lo) ranges.push(lo, hi);
    }
    return undefined;
  }

  /** `{a,b}` or `{1..3}` from `at`; undefined when the braces are literal (no comma, no range, no close). */
  private braces(at: number, to: number): { node: Node; end: number } | undefined {
    const s = this.src;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = at + 1; i < to; i++) {
      const ch = s[i];
      if (ch === '\\' && this.syntax.escapes) i++;
      else if (ch === '{') depth++;
      else if (ch === '}') {
        if (depth === 0) {
          close = i;
          break;
        }
        depth--;
      } else if (ch === ',' && depth === 0) commas.push(i);
    }
    if (close < 0) return undefined;
    if (commas.length === 0) {
      const range = this.range(s.slice(at + 1, close));
      return range ? { node: range, end: close } : undefined;
    }
    const bounds = [at, ...commas, close];
    const items: Node[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) items.push(this.sequence(bounds[k]! + 1, bounds[k + 1]!));
    return { node: { t: 'alt', items }, end: close };
  }

  private range(body: string): Node | undefined {
    const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
    if (!m) return undefined;
    const numeric = /\d/.test(m[1]!);
    if (numeric !== /\d/.test(m[2]!)) return undefined;
    const a = numeric ? Number(m[1]) : m[1]!.charCodeAt(0);
    const b = numeric ? Number(m[2]) : m[2]!.charCodeAt(0);
    const step = Math.abs(Number(m[3] ?? 1)) || 1;
    if (Math.abs(b - a) / step + 1 > MAX_RANGE_ITEMS) throw new Unusable(`the range {${body}} has more than ${MAX_RANGE_ITEMS} items`);
    const items: Node[] = [];
    const width = numeric && /^-?0\d/.test(m[1]!) ? m[1]!.replace('-', '').length : 0;
    for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) {
      const text = numeric ? (v < 0 ? '-' : '') + String(Math.abs(v)).padStart(width, '0') : String.fromCharCode(v);
      items.push({ t: 'seq', items: literalText(text).map((n) => (n.t === 'char' && n.test.k === 'lit' ? lit(this.fold(n.test.c)) : n)) });
    }
    return { t: 'alt', items };
  }
}

function isSlash(n: Node): boolean {
  return n.t === 'char' && n.test.k === 'lit' && n.test.c === SLASH;
}

export function reverse(n: Node): Node {
  switch (n.t) {
    case 'seq':
      return { t: 'seq', items: n.items.map(reverse).reverse() };
    case 'alt':
      return { t: 'alt', items: n.items.map(reverse) };
    case 'repeat':
      return { t: 'repeat', item: reverse(n.item) };
    case 'opt':
      return { t: 'opt', item: reverse(n.item) };
    default:
      return n;
  }
}

/** The literal characters every match starts with (a cheap first check). */
export function literalPrefix(n: Node): string {
  if (n.t !== 'seq') return '';
  let out = '';
  for (const item of n.items) {
    if (item.t !== 'char' || item.test.k !== 'lit') break;
    out += String.fromCharCode(item.test.c);
  }
  return out;
}

export function literalOnly(n: Node): string | undefined {
  if (n.t !== 'seq') return undefined;
  const p = literalPrefix(n);
  return p.length === n.items.length ? p : undefined;
}
