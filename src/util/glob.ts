import type { AnalysisBudget } from './budget.js';
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
export const SHELL_PATTERN: GlobSyntax = { name: 'shell', starCrossesSlash: true, globstar: 'none', classes: true, braces: false, escapes: true, ignoreCase: false, picomatch: false };
/** One path segment of make's `$(wildcard …)`: `*`, `?`, `[…]`; a backslash is literal, as the matcher has always read it. */
export const MAKE_WILDCARD: GlobSyntax = { name: 'make', starCrossesSlash: false, globstar: 'none', classes: true, braces: false, escapes: false, ignoreCase: false, picomatch: false };
/**
 * Configuration globs (ignore path/image, exclude-images, require-images) and bake `--set` targets: picomatch's
 * syntax with `dot: true` (what these callers used). Two readings differ from picomatch, both on purpose: `[!…]`
 * negates as in every shell (picomatch reads `!` as a member), and a trailing `/` in the text is not ignored.
 */
export const PATH_GLOB: GlobSyntax = { name: 'path', starCrossesSlash: false, globstar: 'segment', classes: true, braces: true, escapes: true, ignoreCase: false, picomatch: true };
/** Kyverno, Connaisseur, Portieris, Kubewarden image patterns: `*` any run of characters including `/`, `?` one character. */
export const IMAGE_WILDCARD: GlobSyntax = { name: 'image', starCrossesSlash: true, globstar: 'none', classes: false, braces: false, escapes: false, ignoreCase: true, picomatch: false };
/** policy-controller and Binary Authorization image globs: `*` and `?` stay in one segment, `**` crosses segments. */
export const IMAGE_SEGMENT_GLOB: GlobSyntax = { name: 'image-segment', starCrossesSlash: false, globstar: 'anywhere', classes: false, braces: false, escapes: false, ignoreCase: true, picomatch: false };
/** Keyless identity and CI ref globs: `*` any run of characters, `?` one; everything else literal, case kept. */
export const IDENTITY_GLOB: GlobSyntax = { name: 'identity', starCrossesSlash: true, globstar: 'none', classes: false, braces: false, escapes: false, ignoreCase: false, picomatch: false };

// ---- automaton -------------------------------------------------------------------------------------------------

const CHAR = 0;
/** Consumes a character passing its test and stays (a `*` loop); without consuming, continues at pc + 1. */
const STAR = 1;
const SPLIT = 2;
const JMP = 3;
const MATCH = 4;

class Program {
  readonly op: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly tests: Array<CharTest | undefined> = [];

  emit(op: number, x = 0, y = 0, test?: CharTest): number {
    if (this.op.length >= MAX_PROGRAM) throw new Unusable('the pattern is too complex');
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

/** A set of program counters with insertion order, cleared in O(1). */
class StateSet {
  readonly dense: Int32Array;
  /** The start position of the thread that reached each state (leftmost search only). */
  readonly start: Int32Array;
  private readonly sparse: Int32Array;
  size = 0;
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
  }
}

/** Runs the automaton; `undefined` when the budget ran out. */
class Machine {
  private cur: StateSet;
  private next: StateSet;
  private readonly stack: Int32Array;
  private pending = 0;
  private stopped = false;
  private budget: AnalysisBudget | undefined;

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
    if (this.pending >= CHARGE_EVERY) this.flush();
  }

  /** Charges what was counted; false once the budget said no. */
  flush(): boolean {
    if (this.pending > 0 && this.budget && !this.budget.charge(this.pending)) this.stopped = true;
    this.pending = 0;
    return !this.stopped;
  }

  /** Starts a run charged to `budget` (one machine per program is reused: matching is synchronous). */
  reset(budget: AnalysisBudget | undefined): this {
    this.budget = budget;
    this.pending = 0;
    this.stopped = false;
    return this;
  }

  /** Adds pc and everything reachable from it without consuming input. */
  private addClosure(set: StateSet, pc0: number, start: number): void {
    const { op, x, y } = this.prog;
    let sp = 0;
    this.stack[sp++] = pc0;
    let visited = 0;
    while (sp > 0) {
      const pc = this.stack[--sp]!;
      if (set.has(pc)) continue;
      set.add(pc, start);
      visited++;
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
      }
    }
    this.count(visited);
  }

  private step(c: number): void {
    const { op, tests } = this.prog;
    const cur = this.cur;
    const next = this.next;
    next.clear();
    for (let i = 0; i < cur.size; i++) {
      const pc = cur.dense[i]!;
      const o = op[pc];
      if ((o === CHAR || o === STAR) && testChar(tests[pc]!, c, this.ignoreCase)) this.addClosure(next, o === CHAR ? pc + 1 : pc, cur.start[i]!);
    }
    this.count(cur.size);
    this.cur = next;
    this.next = cur;
  }

  private matching(): number {
    const cur = this.cur;
    for (let i = 0; i < cur.size; i++) if (this.prog.op[cur.dense[i]!] === MATCH) return i;
    return -1;
  }

  /** Positions where an anchored match of text (from 0) ends: the first and the last. */
  ends(text: string, wantAll: boolean): { first: number; last: number } | null | undefined {
    this.cur.clear();
    this.addClosure(this.cur, 0, 0);
    let first = -1;
    let last = -1;
    for (let i = 0; ; i++) {
      if (this.matching() >= 0) {
        if (first < 0) first = i;
        last = i;
        if (!wantAll) break;
      }
      if (i >= text.length || this.cur.size === 0 || this.stopped) break;
      this.step(text.charCodeAt(i));
    }
    if (!this.flush()) return undefined;
    return first < 0 ? null : { first, last };
  }

  /** Leftmost-longest match at or after `from`. */
  search(text: string, from: number): { start: number; end: number } | null | undefined {
    this.cur.clear();
    let best: { start: number; end: number } | null = null;
    for (let i = from; ; i++) {
      if (!best) this.addClosure(this.cur, 0, i);
      const m = this.matching();
      if (m >= 0) {
        const start = this.cur.start[m]!;
        if (!best || start < best.start || (start === best.start && i > best.end)) best = { start, end: i };
        // Threads that started after the match cannot give a leftmost one.
        this.keepStartsUpTo(best.start);
      }
      if (i >= text.length || this.stopped || (best && this.cur.size === 0)) break;
      this.step(text.charCodeAt(i));
    }
    if (!this.flush()) return undefined;
    return best;
  }

  private keepStartsUpTo(limit: number): void {
    const cur = this.cur;
    const kept = this.next;
    kept.clear();
    for (let i = 0; i < cur.size; i++) if (cur.start[i]! <= limit) kept.add(cur.dense[i]!, cur.start[i]!);
    this.cur = kept;
    this.next = cur;
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

  private machine(budget: AnalysisBudget | undefined): Machine {
    this.forward ??= new Machine(this.program, this.syntax.ignoreCase);
    return this.forward.reset(budget);
  }

  private text(t: string): string {
    return this.syntax.ignoreCase ? t.toLowerCase() : t;
  }

  /**
   * Whether the whole text matches. `undefined` when the budget ran out before the answer (the budget is then
   * exhausted; the caller records where).
   */
  matches(text: string, budget?: AnalysisBudget): boolean | undefined {
    const t = this.text(text);
    let r: boolean | undefined;
    if (this.literal !== undefined) r = t === this.literal;
    else if (!t.startsWith(this.prefix)) r = false;
    else {
      const m = this.machine(budget).ends(t, true);
      r = m === undefined ? undefined : m !== null && m.last === t.length;
    }
    return r === undefined ? undefined : r !== this.negated;
  }

  /** Lengths of the shortest and longest prefix of text that match (`${x#p}` / `${x##p}`); null when none does. */
  prefixMatch(text: string, budget?: AnalysisBudget): { shortest: number; longest: number } | null | undefined {
    const m = this.machine(budget).ends(this.text(text), true);
    return m ? { shortest: m.first, longest: m.last } : m;
  }

  /** Lengths of the shortest and longest suffix that match (`${x%p}` / `${x%%p}`): the reversed pattern on the reversed text. */
  suffixMatch(text: string, budget?: AnalysisBudget): { shortest: number; longest: number } | null | undefined {
    if (!this.reversed) {
      const program = new Program();
      program.compile(reverse(this.tree));
      program.emit(MATCH);
      this.reversed = new Machine(program, this.syntax.ignoreCase);
    }
    const t = this.text(text);
    let backwards = '';
    for (let i = t.length - 1; i >= 0; i--) backwards += t[i];
    const m = this.reversed.reset(budget).ends(backwards, true);
    return m ? { shortest: m.first, longest: m.last } : m;
  }

  /** The leftmost, then longest, match at or after `from` (`${x/p/r}`). */
  search(text: string, from = 0, budget?: AnalysisBudget): { start: number; end: number } | null | undefined {
    return this.machine(budget).search(this.text(text), from);
  }
}

export type CompiledGlob = Glob | UnusableGlob;

const cache = new Map<string, CompiledGlob>();
const MAX_CACHED = 2048;

export function isUsable(g: CompiledGlob): g is Glob {
  return g instanceof Glob;
}

/** Compiles (once per syntax and text) a glob; `{ unusable }` with the reason when it cannot be matched. */
export function compileGlob(pattern: string, syntax: GlobSyntax): CompiledGlob {
  if (pattern.length > MAX_GLOB_LENGTH) return { unusable: `the pattern is ${pattern.length} characters long, more than ${MAX_GLOB_LENGTH}` };
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
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, compiled);
  return compiled;
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
  const program = new Program();
  program.compile(tree);
  program.emit(MATCH);
  return new Glob(pattern, syntax, tree, program, negated, literalOnly(tree), literalPrefix(tree));
}
