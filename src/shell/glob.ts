/**
 * Shell patterns (`*`, `?`, `[…]`, backslash escapes) as used by `${x#pat}`, `${x%%pat}`, `${x/pat/rep}` and
 * `[[ $x == pat ]]`, matched by simulating the pattern's automaton over the text: every step advances the set of
 * pattern positions still alive, so a match costs at most (text length × pattern length) steps, never the
 * exponential backtracking a regular expression built from the pattern can take (`${A%%*x}` on a 256 KB value
 * tried every suffix with a fresh RegExp each: 38 s). Steps are charged to a meter; when it refuses, the match is
 * undecided (undefined) and the caller treats the result as unknown.
 *
 * Characters are UTF-16 code units, as before. Quoting is not tracked: `*`, `?` and `[…]` always match as patterns.
 */

type Token = { k: 'char'; code: number } | { k: 'any' } | { k: 'star' } | { k: 'set'; negated: boolean; test: (code: number) => boolean };

export interface Glob {
  tokens: Token[];
  /** The pattern's text when it has no special characters: matched with plain string operations. */
  literal: string | undefined;
  /** The tokens in reverse order (suffix matching walks the text backwards), made on demand. */
  reversed?: Token[];
}

/** Answers false when the budget refuses more steps. */
export type Meter = (steps: number) => boolean;

const POSIX_CLASSES: Record<string, RegExp> = {
  alnum: /[A-Za-z0-9]/,
  alpha: /[A-Za-z]/,
  blank: /[ \t]/,
  cntrl: /[\x00-\x1f\x7f]/, // eslint-disable-line no-control-regex
  digit: /[0-9]/,
  graph: /[!-~]/,
  lower: /[a-z]/,
  print: /[ -~]/,
  punct: /[!-/:-@[-`{-~]/,
  space: /[ \t\n\r\f\v]/,
  upper: /[A-Z]/,
  word: /[A-Za-z0-9_]/,
  xdigit: /[0-9A-Fa-f]/,
};

export function compileGlob(pattern: string): Glob {
  const tokens: Token[] = [];
  let special = false;
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      tokens.push({ k: 'char', code: next.charCodeAt(0) });
      literal += next;
    } else if (c === '*') {
      special = true;
      // `**` is one star: merging keeps the automaton small.
      if (tokens[tokens.length - 1]?.k !== 'star') tokens.push({ k: 'star' });
    } else if (c === '?') {
      special = true;
      tokens.push({ k: 'any' });
    } else if (c === '[') {
      const set = parseBracket(pattern, i);
      if (set) {
        special = true;
        tokens.push(set.token);
        i = set.end;
      } else {
        tokens.push({ k: 'char', code: 0x5b });
        literal += c;
      }
    } else {
      tokens.push({ k: 'char', code: c.charCodeAt(0) });
      literal += c;
    }
  }
  return { tokens, literal: special ? undefined : literal };
}

/** `[…]` at `open`: negation (`!`/`^`), a leading `]`, ranges, `[:class:]`, escapes; undefined when unclosed. */
function parseBracket(p: string, open: number): { token: Token; end: number } | undefined {
  let i = open + 1;
  const negated = p[i] === '!' || p[i] === '^';
  if (negated) i++;
  const ranges: number[] = [];
  const classes: RegExp[] = [];
  let first = true;
  for (; i < p.length; i++) {
    const c = p[i]!;
    if (c === ']' && !first) {
      const test = (code: number): boolean => {
        for (let r = 0; r < ranges.length; r += 2) if (code >= ranges[r]! && code <= ranges[r + 1]!) return true;
        if (classes.length) {
          const ch = String.fromCharCode(code);
          for (const re of classes) if (re.test(ch)) return true;
        }
        return false;
      };
      return { token: { k: 'set', negated, test }, end: i };
    }
    first = false;
    if (c === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      const re = close > 0 ? POSIX_CLASSES[p.slice(i + 2, close)] : undefined;
      if (re) {
        classes.push(re);
        i = close + 1;
        continue;
      }
    }
    let lo = c.charCodeAt(0);
    if (c === '\\' && i + 1 < p.length) lo = p.charCodeAt(++i);
    let hi = lo;
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      i += 2;
      hi = p[i] === '\\' && i + 1 < p.length ? p.charCodeAt(++i) : p.charCodeAt(i);
    }
    if (hi >= lo) ranges.push(lo, hi);
  }
  return undefined;
}

function matchesToken(t: Token, code: number): boolean {
  switch (t.k) {
    case 'char':
      return t.code === code;
    case 'any':
      return true;
    case 'set':
      return t.test(code) !== t.negated;
    case 'star':
      return false;
  }
}

/** Charges in chunks so the meter stays off the per-character path. */
const CHUNK = 4096;

class Steps {
  private pending = 0;
  constructor(private readonly meter: Meter) {}
  add(n: number): boolean {
    this.pending += n;
    if (this.pending < CHUNK) return true;
    const n2 = this.pending;
    this.pending = 0;
    return this.meter(n2);
  }
  flush(): boolean {
    const n = this.pending;
    this.pending = 0;
    return n === 0 || this.meter(n);
  }
}

/**
 * The length of the shortest or longest stretch of `text` that the tokens match, starting at `from` and walking in
 * `dir` (backwards for suffixes, with the tokens reversed); -1 when none matches, undefined when the meter refused.
 */
function anchoredRun(tokens: Token[], text: string, from: number, dir: 1 | -1, shortest: boolean, steps: Steps): number | undefined {
  const m = tokens.length;
  const stamp = new Int32Array(m + 1);
  let gen = 1;
  let accepting = false;
  const add = (list: number[], j: number): void => {
    for (;;) {
      if (stamp[j] === gen) return;
      stamp[j] = gen;
      list.push(j);
      if (j === m) {
        accepting = true;
        return;
      }
      if (tokens[j]!.k !== 'star') return;
      j++;
    }
  };
  let cur: number[] = [];
  add(cur, 0);
  let best = -1;
  const stop = dir > 0 ? text.length : -1;
  for (let pos = from, consumed = 0; ; pos += dir, consumed++) {
    if (accepting) {
      best = consumed;
      if (shortest) break;
    }
    if (pos === stop || cur.length === 0) break;
    if (!steps.add(cur.length)) return undefined;
    const code = text.charCodeAt(pos);
    const next: number[] = [];
    gen++;
    accepting = false;
    for (const j of cur) {
      if (j === m) continue;
      const t = tokens[j]!;
      if (t.k === 'star') add(next, j);
      else if (matchesToken(t, code)) add(next, j + 1);
    }
    cur = next;
  }
  return steps.flush() ? best : undefined;
}

/**
 * The leftmost match at or after `from`, and the longest one starting there (bash's rule for `${x/pat/rep}`): one
 * pass that starts a thread at every position until a match is found, keeping per pattern position only the
 * earliest start. Null when nothing matches, undefined when the meter refused.
 */
function searchRun(tokens: Token[], text: string, from: number, steps: Steps): [number, number] | null | undefined {
  const m = tokens.length;
  const stamp = new Int32Array(m + 1);
  const startOf = new Int32Array(m + 1);
  let gen = 1;
  const add = (list: number[], j: number, start: number): void => {
    for (;;) {
      if (stamp[j] === gen) {
        if (startOf[j]! <= start) return;
        startOf[j] = start; // already listed: an earlier start wins
      } else {
        stamp[j] = gen;
        startOf[j] = start;
        list.push(j);
      }
      if (j === m || tokens[j]!.k !== 'star') return;
      j++;
    }
  };
  let cur: number[] = [];
  let bestStart = -1;
  let bestEnd = -1;
  for (let pos = from; ; pos++) {
    if (bestStart < 0) add(cur, 0, pos);
    if (stamp[m] === gen) {
      const s = startOf[m]!;
      if (bestStart < 0 || s < bestStart) [bestStart, bestEnd] = [s, pos];
      else if (s === bestStart) bestEnd = pos;
    }
    if (pos === text.length) break;
    if (!steps.add(cur.length + 1)) return undefined;
    const code = text.charCodeAt(pos);
    const next: number[] = [];
    gen++;
    for (const j of cur) {
      if (j === m) continue;
      const s = startOf[j]!;
      if (bestStart >= 0 && s > bestStart) continue; // cannot be the leftmost match any more
      const t = tokens[j]!;
      if (t.k === 'star') add(next, j, s);
      else if (matchesToken(t, code)) add(next, j + 1, s);
    }
    cur = next;
    if (cur.length === 0 && bestStart >= 0) break;
  }
  if (!steps.flush()) return undefined;
  return bestStart < 0 ? null : [bestStart, bestEnd];
}

function reversedTokens(g: Glob): Token[] {
  return (g.reversed ??= [...g.tokens].reverse());
}

/** Whether the whole of `text` matches (`[[ $x == pat ]]`, `case`). */
export function globMatches(g: Glob, text: string, meter: Meter): boolean | undefined {
  if (g.literal !== undefined) return text === g.literal;
  const n = anchoredRun(g.tokens, text, 0, 1, false, new Steps(meter));
  return n === undefined ? undefined : n === text.length;
}

/** Length of the shortest (`#`) or longest (`##`) matching prefix; -1 when none. */
export function globPrefix(g: Glob, text: string, longest: boolean, meter: Meter): number | undefined {
  if (g.literal !== undefined) return text.startsWith(g.literal) ? g.literal.length : -1;
  return anchoredRun(g.tokens, text, 0, 1, !longest, new Steps(meter));
}

/** Length of the shortest (`%`) or longest (`%%`) matching suffix; -1 when none. */
export function globSuffix(g: Glob, text: string, longest: boolean, meter: Meter): number | undefined {
  if (g.literal !== undefined) return text.endsWith(g.literal) ? g.literal.length : -1;
  return anchoredRun(reversedTokens(g), text, text.length - 1, -1, !longest, new Steps(meter));
}

/** The leftmost-longest match at or after `from` as [start, end); null when none. */
export function globSearch(g: Glob, text: string, from: number, meter: Meter): [number, number] | null | undefined {
  if (g.literal !== undefined) {
    const at = text.indexOf(g.literal, from);
    // Charge what the search actually passed over, not the rest of the text: `${x//a/}` searches once per match,
    // and charging the remainder each time made a linear replacement cost quadratic units.
    if (!meter((at < 0 ? text.length - from : at - from) + g.literal.length)) return undefined;
    return at < 0 ? null : [at, at + g.literal.length];
  }
  return searchRun(g.tokens, text, from, new Steps(meter));
}

/**
 * Whether the pattern matches a text of which only the start and the end are known (`v$(git describe)`, anything
 * may stand between them, nothing too): true when it matches whatever stands there, false when no text that starts
 * and ends so matches, undefined when that depends on the unknown part (or the meter refused).
 */
export function globMatchesPartly(g: Glob, prefix: string, suffix: string, meter: Meter): boolean | undefined {
  const t = g.tokens;
  const first = t.findIndex((x) => x.k === 'star');
  if (first >= 0) {
    let last = t.length - 1;
    while (t[last]!.k !== 'star') last--;
    const tail = t.length - 1 - last;
    // `head*tail` with only stars between: the star takes the unknown part, so head and tail decide.
    if (
      t.slice(first, last + 1).every((x) => x.k === 'star') &&
      first <= prefix.length &&
      tail <= suffix.length &&
      t.slice(0, first).every((x, i) => matchesToken(x, prefix.charCodeAt(i))) &&
      t.slice(last + 1).every((x, i) => matchesToken(x, suffix.charCodeAt(suffix.length - tail + i)))
    )
      return true;
  }
  const steps = new Steps(meter);
  const head = survives(t, prefix, 0, 1, steps);
  if (head === undefined) return undefined;
  if (!head) return false;
  const end = survives(reversedTokens(g), suffix, suffix.length - 1, -1, steps);
  if (end === undefined || !steps.flush()) return undefined;
  return end ? undefined : false;
}

/** Whether some way of matching the tokens is still alive after the whole of `text` (walked in `dir` from `from`). */
function survives(tokens: Token[], text: string, from: number, dir: 1 | -1, steps: Steps): boolean | undefined {
  const m = tokens.length;
  const stamp = new Int32Array(m + 1);
  let gen = 1;
  const add = (list: number[], j: number): void => {
    for (;;) {
      if (stamp[j] === gen) return;
      stamp[j] = gen;
      list.push(j);
      if (j === m || tokens[j]!.k !== 'star') return;
      j++;
    }
  };
  let cur: number[] = [];
  add(cur, 0);
  for (let pos = from, n = 0; n < text.length; pos += dir, n++) {
    if (cur.length === 0) return false;
    if (!steps.add(cur.length)) return undefined;
    const code = text.charCodeAt(pos);
    const next: number[] = [];
    gen++;
    for (const j of cur) {
      if (j === m) continue;
      const tk = tokens[j]!;
      if (tk.k === 'star') add(next, j);
      else if (matchesToken(tk, code)) add(next, j + 1);
    }
    cur = next;
  }
  return cur.length > 0;
}
