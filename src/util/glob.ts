import { literalOnly, literalPrefix, Parser, reverse, testChar, Unusable, type CharTest, type GlobSyntax, type Node } from './glob-parse.js';

/**
 * One glob matcher for every pattern the scanned tree or its configuration writes (shell `case`/`==`/`${x#pat}`
 * patterns, make `$(wildcard)`, admission image patterns, keyless identity globs, configuration ignore and image
 * globs, bake `--set` targets). Patterns are compiled to a small automaton and matched by simulating it (a set of
 * live states per input character), never by a backtracking regular expression: the work is at most
 * (program size × text length), so `*a*a*a…b` against a long name costs what it reads, and every step can be
 * charged to the run's analysis budget.
 *
 * A pattern that cannot be evaluated (longer than MAX_GLOB_LENGTH, a feature the matcher does not have) compiles to
 * `{ unusable: reason }`; each caller decides what that means for its domain (an exclude that does not exclude, a
 * policy pattern that covers nothing, a shell branch that is undecided).
 */

/** Longer patterns are unusable: no real glob comes near, and the bound keeps compiling and matching small. */
export const MAX_GLOB_LENGTH = 4096;
/** Automaton size bound (brace alternatives and ranges multiply instructions). */
const MAX_PROGRAM = 32_768;
/** Steps between budget charges. */
const CHARGE_EVERY = 4096;

export type { GlobSyntax } from './glob-parse.js';

/** Shell pattern matching (`[[ x == p ]]`, `case`, `${x#p}`, `${x/p/r}`): `*`, `?`, `[…]`, `\x`; `/` is an ordinary character. */
export const SHELL_PATTERN: GlobSyntax = { name: 'shell', bounded: false, starCrossesSlash: true, globstar: 'none', classes: true, braces: false, escapes: true, ignoreCase: false, picomatch: false };
/** One path segment of make's `$(wildcard …)`: `*`, `?`, `[…]`; a backslash is literal, as the matcher has always read it. */
export const MAKE_WILDCARD: GlobSyntax = { name: 'make', bounded: true, starCrossesSlash: false, globstar: 'none', classes: true, braces: false, escapes: false, ignoreCase: false, picomatch: false };
/**
 * Configuration globs (ignore path/image, exclude-images, require-images) and bake `--set` targets: picomatch's
 * syntax with `dot: true` (what these callers used). Two readings differ from picomatch, both on purpose: `[!…]`
 * negates as in every shell (picomatch reads `!` as a member), and a trailing `/` in the text is not ignored.
 */
export const PATH_GLOB: GlobSyntax = { name: 'path', bounded: true, starCrossesSlash: false, globstar: 'segment', classes: true, braces: true, escapes: true, ignoreCase: false, picomatch: true };
/** Kyverno, Connaisseur, Portieris, Kubewarden image patterns: `*` any run of characters including `/`, `?` one character. */
export const IMAGE_WILDCARD: GlobSyntax = { name: 'image', bounded: true, starCrossesSlash: true, globstar: 'none', classes: false, braces: false, escapes: false, ignoreCase: true, picomatch: false };
/** policy-controller and Binary Authorization image globs: `*` and `?` stay in one segment, `**` crosses segments. */
export const IMAGE_SEGMENT_GLOB: GlobSyntax = { name: 'image-segment', bounded: true, starCrossesSlash: false, globstar: 'anywhere', classes: false, braces: false, escapes: false, ignoreCase: true, picomatch: false };
/** Keyless identity and CI ref globs: `*` any run of characters, `?` one; everything else literal, case kept. */
export const IDENTITY_GLOB: GlobSyntax = { name: 'identity', bounded: true, starCrossesSlash: true, globstar: 'none', classes: false, braces: false, escapes: false, ignoreCase: false, picomatch: false };

// ---- automaton -------------------------------------------------------------------------------------------------

const CHAR = 0;
/** Consumes a character passing its test and stays (a `*` loop); without consuming, continues at pc + 1. */
const STAR = 1;
const SPLIT = 2;
const JMP = 3;
const MATCH = 4;

class Program {
  readonly op: number[] = [];
  /** Whether MAX_PROGRAM applies (GlobSyntax.bounded). */
  constructor(private readonly bounded: boolean) {}

  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly tests: Array<CharTest | undefined> = [];

  emit(op: number, x = 0, y = 0, test?: CharTest): number {
    if (this.bounded && this.op.length >= MAX_PROGRAM) throw new Unusable('the pattern is too complex');
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    this.tests.push(test);
    return this.op.length - 1;
  }

  compile(n: Node): void {
    switch (n.t) {
      case 'char':
        this.emit(CHAR, 0, 0, n.test);
        return;
      case 'star':
        if (n.min === 1) this.emit(CHAR, 0, 0, n.test);
        this.emit(STAR, 0, 0, n.test);
        return;
      case 'seq':
        for (const item of n.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.items.forEach((item, k) => {
          if (k === n.items.length - 1) {
            this.compile(item);
            return;
          }
          const split = this.emit(SPLIT);
          this.x[split] = split + 1;
          this.compile(item);
          jumps.push(this.emit(JMP));
          this.y[split] = this.op.length;
        });
        for (const j of jumps) this.x[j] = this.op.length;
        return;
      }
      case 'repeat': {
        const split = this.emit(SPLIT);
        this.x[split] = split + 1;
        this.compile(n.item);
        this.emit(JMP, split);
        this.y[split] = this.op.length;
        return;
      }
      case 'opt': {
        const split = this.emit(SPLIT);
        this.x[split] = split + 1;
        this.compile(n.item);
        this.y[split] = this.op.length;
        return;
      }
    }
  }
}

/** Steps taken by every glob simulation in this process (tests read it to show the work stays bounded). */
let stepsTaken = 0;
export function globStepsTaken(): number {
  return stepsTaken;
}

/**
 * What matching charges its steps to: the run's AnalysisBudget, or the shell's meter over it. `charge` answers
 * false when it refuses; the match is then undecided (undefined).
 */
export interface GlobMeter {
  charge(steps: number): boolean;
}

/** A set of program counters with insertion order, cleared in O(1). */
class StateSet {
  readonly dense: Int32Array;
  /** The start position of the thread that reached each state (leftmost search only). */
  readonly start: Int32Array;
  private readonly sparse: Int32Array;
  size = 0;
  /** Index (in dense) of the MATCH state, -1 when the set does not hold it. */
  match = -1;
  constructor(n: number) {
    this.dense = new Int32Array(n);
    this.start = new Int32Array(n);
    this.sparse = new Int32Array(n);
  }
  has(pc: number): boolean {
    const i = this.sparse[pc]!;
    return i < this.size && this.dense[i] === pc;
  }
  add(pc: number, start: number): void {
    this.sparse[pc] = this.size;
    this.start[this.size] = start;
    this.dense[this.size++] = pc;
  }
  clear(): void {
    this.size = 0;
    this.match = -1;
  }
}

/**
 * Runs the automaton over a text, forwards or backwards (a suffix is the reversed program on the text read from
 * its end). A step is one live state looked at for one character: a run costs at most (program size × characters
 * read), and the program of a shell pattern has one state per `*`, `?`, `[…]` or character, plus one. Steps are
 * charged to the meter in chunks; `undefined` when it refused.
 */
class Machine {
  private cur: StateSet;
  private next: StateSet;
  private readonly stack: Int32Array;
  private pending = 0;
  private stopped = false;
  private meter: GlobMeter | undefined;

  constructor(
    private readonly prog: Program,
    private readonly ignoreCase: boolean,
  ) {
    const n = prog.op.length;
    this.cur = new StateSet(n);
    this.next = new StateSet(n);
    this.stack = new Int32Array(n * 2 + 2);
  }

  private count(n: number): void {
    stepsTaken += n;
    this.pending += n;
    if (this.pending >= CHARGE_EVERY) this.charge();
  }

  private charge(): void {
    if (this.pending > 0 && this.meter && !this.meter.charge(this.pending)) this.stopped = true;
    this.pending = 0;
  }

  /** Charges what is left and ends the run (the meter is not kept: a cached glob must not hold a run's state); false once the meter said no. */
  private finish(): boolean {
    this.charge();
    this.meter = undefined;
    return !this.stopped;
  }

  /** Starts a run charged to `meter` (one machine per program is reused: matching is synchronous). */
  reset(meter: GlobMeter | undefined): this {
    this.meter = meter;
    this.pending = 0;
    this.stopped = false;
    return this;
  }

  /** Adds pc and everything reachable from it without consuming input. */
  private addClosure(set: StateSet, pc0: number, start: number): void {
    const { op, x, y } = this.prog;
    let sp = 0;
    this.stack[sp++] = pc0;
    while (sp > 0) {
      const pc = this.stack[--sp]!;
      if (set.has(pc)) continue;
      set.add(pc, start);
      switch (op[pc]) {
        case JMP:
          this.stack[sp++] = x[pc]!;
          break;
        case SPLIT:
          // y first on the stack so x is explored (and claims states) first.
          this.stack[sp++] = y[pc]!;
          this.stack[sp++] = x[pc]!;
          break;
        case STAR:
          this.stack[sp++] = pc + 1;
          break;
        case MATCH:
          set.match = set.size - 1;
          break;
      }
    }
  }

  /**
   * One character for every live state. Threads are visited in order of their start (earlier first), so a state
   * keeps the earliest start that reaches it; threads that started after `latestStart` are dropped.
   */
  private step(c: number, latestStart: number): void {
    const { op, tests } = this.prog;
    const cur = this.cur;
    const next = this.next;
    next.clear();
    for (let i = 0; i < cur.size; i++) {
      const s = cur.start[i]!;
      if (s > latestStart) continue;
      const pc = cur.dense[i]!;
      const o = op[pc];
      if ((o === CHAR || o === STAR) && testChar(tests[pc]!, c, this.ignoreCase)) this.addClosure(next, o === CHAR ? pc + 1 : pc, s);
    }
    this.cur = next;
    this.next = cur;
  }

  /**
   * Lengths of the shortest and longest stretch of text, read from its start (`dir` 1) or its end (-1), that the
   * program matches; with `shortest` the run stops at the first. Null when none matches.
   */
  ends(text: string, dir: 1 | -1, shortest: boolean): { first: number; last: number } | null | undefined {
    this.cur.clear();
    this.addClosure(this.cur, 0, 0);
    let first = -1;
    let last = -1;
    const n = text.length;
    for (let i = 0; ; i++) {
      if (this.cur.match >= 0) {
        if (first < 0) first = i;
        last = i;
        if (shortest) break;
      }
      if (i >= n || this.cur.size === 0) break;
      this.count(this.cur.size);
      if (this.stopped) break;
      this.step(text.charCodeAt(dir > 0 ? i : n - 1 - i), Infinity);
    }
    if (!this.finish()) return undefined;
    return first < 0 ? null : { first, last };
  }

  /** Whether some way of matching is still alive (or has matched) after the whole text, read in `dir`. */
  alive(text: string, dir: 1 | -1): boolean | undefined {
    this.cur.clear();
    this.addClosure(this.cur, 0, 0);
    const n = text.length;
    for (let i = 0; i < n && this.cur.size > 0; i++) {
      this.count(this.cur.size);
      if (this.stopped) break;
      this.step(text.charCodeAt(dir > 0 ? i : n - 1 - i), Infinity);
    }
    if (!this.finish()) return undefined;
    return this.cur.size > 0;
  }

  /**
   * Leftmost-longest match at or after `from` (bash's rule for `${x/p/r}`): one pass that starts a thread at every
   * position until a match is found; threads that started after it cannot give the leftmost one.
   */
  search(text: string, from: number): { start: number; end: number } | null | undefined {
    this.cur.clear();
    let best: { start: number; end: number } | null = null;
    for (let i = from; ; i++) {
      if (!best) this.addClosure(this.cur, 0, i);
      if (this.cur.match >= 0) {
        const start = this.cur.start[this.cur.match]!;
        if (!best || start < best.start) best = { start, end: i };
        else if (start === best.start) best.end = i;
      }
      if (i >= text.length) break;
      // One more than the live states: the thread started here.
      this.count(this.cur.size + 1);
      if (this.stopped) break;
      this.step(text.charCodeAt(i), best ? best.start : Infinity);
      if (best && this.cur.size === 0) break;
    }
    if (!this.finish()) return undefined;
    return best;
  }
}

// ---- compiled globs --------------------------------------------------------------------------------------------

export interface UnusableGlob {
  unusable: string;
}

export class Glob {
  private reversed: Machine | undefined;
  private forward: Machine | undefined;

  constructor(
    readonly source: string,
    private readonly syntax: GlobSyntax,
    private readonly tree: Node,
    private readonly program: Program,
    private readonly negated: boolean,
    /** Set when the pattern has no wildcard at all (then matching is a comparison). */
    private readonly literal: string | undefined,
    private readonly prefix: string,
  ) {}

  private machine(meter: GlobMeter | undefined): Machine {
    this.forward ??= new Machine(this.program, this.syntax.ignoreCase);
    return this.forward.reset(meter);
  }

  /** The reversed pattern, for suffixes: made on first use. */
  private backward(meter: GlobMeter | undefined): Machine {
    if (!this.reversed) {
      const program = new Program(this.syntax.bounded);
      program.compile(reverse(this.tree));
      program.emit(MATCH);
      this.reversed = new Machine(program, this.syntax.ignoreCase);
    }
    return this.reversed.reset(meter);
  }

  private text(t: string): string {
    return this.syntax.ignoreCase ? t.toLowerCase() : t;
  }

  /**
   * Whether the whole text matches. `undefined` when the meter refused before the answer (the budget is then
   * exhausted; the caller records where).
   */
  matches(text: string, meter?: GlobMeter): boolean | undefined {
    const t = this.text(text);
    let r: boolean | undefined;
    if (this.literal !== undefined) r = t === this.literal;
    else if (!t.startsWith(this.prefix)) r = false;
    else {
      const m = this.machine(meter).ends(t, 1, false);
      r = m === undefined ? undefined : m !== null && m.last === t.length;
    }
    return r === undefined ? undefined : r !== this.negated;
  }

  /** Whether the pattern matches every text (`*`): a `case` arm that always applies. */
  get matchesEverything(): boolean {
    const n = this.tree;
    return !this.negated && n.t === 'seq' && n.items.length > 0 && n.items.every(isAnyStar);
  }

  /**
   * Length of the shortest (`${x#p}`) or longest (`${x##p}`) prefix of text that matches; null when none does.
   * Patterns are not negated here (shell patterns never are).
   */
  prefixMatch(text: string, longest: boolean, meter?: GlobMeter): number | null | undefined {
    const t = this.text(text);
    if (this.literal !== undefined) return t.startsWith(this.literal) ? this.literal.length : null;
    const m = this.machine(meter).ends(t, 1, !longest);
    return m && (longest ? m.last : m.first);
  }

  /** Length of the shortest (`${x%p}`) or longest (`${x%%p}`) suffix that matches: the reversed pattern on the text read backwards. */
  suffixMatch(text: string, longest: boolean, meter?: GlobMeter): number | null | undefined {
    const t = this.text(text);
    if (this.literal !== undefined) return t.endsWith(this.literal) ? this.literal.length : null;
    const m = this.backward(meter).ends(t, -1, !longest);
    return m && (longest ? m.last : m.first);
  }

  /** The leftmost, then longest, match at or after `from` (`${x/p/r}`); null when none. */
  search(text: string, from = 0, meter?: GlobMeter): { start: number; end: number } | null | undefined {
    const t = this.text(text);
    if (this.literal !== undefined) {
      const at = t.indexOf(this.literal, from);
      // Charged for what the search passed over, not the rest of the text: `${x//a/}` searches once per match, and
      // charging the remainder each time would make a linear replacement cost quadratic units.
      if (meter && !meter.charge((at < 0 ? t.length - from : at - from) + this.literal.length)) return undefined;
      return at < 0 ? null : { start: at, end: at + this.literal.length };
    }
    return this.machine(meter).search(t, from);
  }

  /**
   * Whether the pattern matches a text of which only the start and the end are known (`v$(git describe)`: anything
   * may stand between them, nothing too). True when it matches whatever stands there, false when no text that
   * starts and ends so matches, undefined when that depends on the unknown part (or the meter refused).
   */
  matchesPartly(start: string, end: string, meter?: GlobMeter): boolean | undefined {
    const r = this.partly(this.text(start), this.text(end), meter);
    return r === undefined ? undefined : r !== this.negated;
  }

  private partly(start: string, end: string, meter: GlobMeter | undefined): boolean | undefined {
    // `head*tail` with one star: the star takes the unknown part, so head and tail decide.
    if (this.starBetween(start, end)) return true;
    const head = this.machine(meter).alive(start, 1);
    if (!head) return head;
    const tail = this.backward(meter).alive(end, -1);
    return tail === false ? false : undefined;
  }

  /** Whether the pattern is `head*tail` (characters, one run of stars) with head matching start and tail matching end. */
  private starBetween(start: string, end: string): boolean {
    const n = this.tree;
    if (n.t !== 'seq') return false;
    const items = n.items;
    const first = items.findIndex(isAnyStar);
    if (first < 0) return false;
    let last = items.length - 1;
    while (!isAnyStar(items[last]!)) last--;
    const tail = items.length - 1 - last;
    if (first > start.length || tail > end.length) return false;
    for (let i = first; i <= last; i++) if (!isAnyStar(items[i]!)) return false;
    const fits = (item: Node, c: number): boolean => item.t === 'char' && testChar(item.test, c, this.syntax.ignoreCase);
    for (let i = 0; i < first; i++) if (!fits(items[i]!, start.charCodeAt(i))) return false;
    for (let i = 0; i < tail; i++) if (!fits(items[last + 1 + i]!, end.charCodeAt(end.length - tail + i))) return false;
    return true;
  }
}

function isAnyStar(n: Node): boolean {
  return n.t === 'star' && n.test.k === 'any' && n.min === 0;
}

export type CompiledGlob = Glob | UnusableGlob;

const cache = new Map<string, CompiledGlob>();
const MAX_CACHED = 2048;

export function isUsable(g: CompiledGlob): g is Glob {
  return g instanceof Glob;
}

/** Compiles (once per syntax and text) a glob; `{ unusable }` with the reason when it cannot be matched. */
export function compileGlob(pattern: string, syntax: GlobSyntax): CompiledGlob {
  const long = pattern.length > MAX_GLOB_LENGTH;
  if (long && syntax.bounded) return { unusable: `the pattern is ${pattern.length} characters long, more than ${MAX_GLOB_LENGTH}` };
  const key = `${syntax.name}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: CompiledGlob;
  try {
    compiled = build(pattern, syntax);
  } catch (e) {
    if (!(e instanceof Unusable)) throw e;
    compiled = { unusable: e.message };
  }
  // A long (unbounded) pattern is not kept: the cache holds small programs only.
  if (long) return compiled;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/**
 * A shell pattern (`[[ x == p ]]`, `case`, `${x#p}`, `${x/p/r}`), compiled with SHELL_PATTERN. Always usable: the
 * syntax has no length bound (a pattern is a value the interpreter built, bounded by the value-length cap; its
 * program has one state per character at most, and every step of matching is charged) and nothing the matcher lacks.
 */
export function compileShellPattern(pattern: string): Glob {
  const g = compileGlob(pattern, SHELL_PATTERN);
  if (!isUsable(g)) throw new Error(`shell pattern unusable: ${g.unusable}`);
  return g;
}

function build(pattern: string, syntax: GlobSyntax): Glob {
  let src = pattern;
  let negated = false;
  if (syntax.picomatch) {
    while (src.startsWith('!') && src[1] !== '(') {
      negated = !negated;
      src = src.slice(1);
    }
    while (src.startsWith('./')) src = src.slice(2);
  }
  const tree = new Parser(src, syntax).sequence(0, src.length);
  const program = new Program(syntax.bounded);
  program.compile(tree);
  program.emit(MATCH);
  return new Glob(pattern, syntax, tree, program, negated, literalOnly(tree), literalPrefix(tree));
}
