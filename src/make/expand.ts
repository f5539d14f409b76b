import { posix } from 'node:path';
import { normalizeRelPath } from '../discover/repo.js';
import { addLimit, boundHit, lookup, type MakeState, type Scope, type Variable } from './state.js';
import {
  findClose,
  findTopLevel,
  isUnknown,
  markUnknown,
  matchPattern,
  parsePattern,
  patsubstWords,
  splitArgs,
  stripMarks,
  words,
} from './text.js';
import { charge, fatalError, here, joinBounded, tooLong, UNKNOWN_VALUE, unknownReference } from './values.js';
import { wildcard } from './wildcard.js';

/**
 * Expands make text: variable references (`$(X)`, `${X}`, `$X`), substitution references (`$(X:a=b)`), automatic
 * variables and make's built-in functions. `$$` becomes `$`. Unknown run-time values (`$(shell …)`) come back
 * marked (see text.ts) so conditionals can tell them apart.
 *
 * Every expansion charges the bytes it builds to the run's budget, and no result is longer than the run's value
 * cap: past it (or once a bound stops the work) the value is unknown (values.ts), never a shorter literal.
 */
export function expand(state: MakeState, text: string, scope: Scope | undefined): string {
  if (!text.includes('$')) return text;
  if (state.depth >= state.bounds.maxExpansionDepth) {
    boundHit(state, `expansion depth bound (${state.bounds.maxExpansionDepth} levels)`, 'the value there is unknown');
    return UNKNOWN_VALUE;
  }
  state.depth++;
  try {
    // Parts joined once at the end: one-character appends (`$$` runs) would build deep string ropes.
    const parts: string[] = [];
    let length = 0;
    const add = (piece: string): void => {
      parts.push(piece);
      length += piece.length;
    };
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        add(text.slice(i));
        break;
      }
      if (dollar > i) add(text.slice(i, dollar));
      const next = text[dollar + 1];
      if (next === undefined) break;
      if (next === '$') {
        let end = dollar + 2;
        while (text[end] === '$' && text[end + 1] === '$') end += 2;
        add('$'.repeat((end - dollar) / 2));
        i = end;
      } else if (next === '(' || next === '{') {
        const close = findClose(text, dollar + 1);
        if (close < 0) {
          // make stops with "unterminated variable reference"; keep the text so nothing is invented.
          add(text.slice(dollar));
          break;
        }
        add(expandReference(state, text.slice(dollar + 2, close), scope));
        i = close + 1;
      } else {
        add(spendWork(state) ? referenceValue(state, next, scope) : unknownReference(next));
        i = dollar + 2;
      }
      if (!state.budget.fitsValue(length)) return tooLong(state);
    }
    // The text is built: charge it, and keep it even when the budget is now spent (what follows stops).
    charge(state, length);
    return parts.join('');
  } finally {
    state.depth--;
  }
}

/** One reference or function call: the per-invocation bound, then one unit of the run's budget. */
function spendWork(state: MakeState): boolean {
  state.work++;
  if (state.work > state.bounds.maxWork) {
    if (state.work === state.bounds.maxWork + 1) boundHit(state, `expansion work bound (${state.bounds.maxWork} references)`, 'the rest is unknown');
    return false;
  }
  return charge(state, 1);
}

/** The inside of `$(…)`: a function call, a substitution reference or a (computed) variable name. */
function expandReference(state: MakeState, inner: string, scope: Scope | undefined): string {
  if (!spendWork(state)) return unknownReference(inner);
  const fn = /^([a-z-]+)[ \t]/.exec(inner);
  if (fn && Object.hasOwn(FUNCTIONS, fn[1])) {
    const def = FUNCTIONS[fn[1]];
    const rest = inner.slice(fn[0].length).replace(/^[ \t]+/, '');
    const value = callFunction(state, fn[1], def, splitArgs(rest, def.maxArgs), scope, inner);
    return value === UNKNOWN_VALUE ? unknownReference(inner) : value;
  }
  const colon = findTopLevel(inner, ':');
  if (colon >= 0) {
    const eq = findTopLevel(inner, '=', colon + 1);
    if (eq >= 0) {
      const name = expand(state, inner.slice(0, colon), scope);
      const from = expand(state, inner.slice(colon + 1, eq), scope);
      const to = expand(state, inner.slice(eq + 1), scope);
      const value = referenceValue(state, name, scope);
      const replaced = from.includes('%') ? patsubstWords(from, to, value) : patsubstWords(`%${from}`, `%${to}`, value);
      const joined = joinBounded(state, replaced);
      return joined === UNKNOWN_VALUE ? unknownReference(inner) : joined;
    }
  }
  const name = expand(state, inner, scope);
  if (name === UNKNOWN_VALUE) return unknownReference(inner);
  const value = referenceValue(state, name, scope);
  return value === UNKNOWN_VALUE ? unknownReference(inner) : value;
}

/** A variable's value, or unknown (named as written) when it is longer than the run's cap. */
function referenceValue(state: MakeState, name: string, scope: Scope | undefined): string {
  const value = expandVariable(state, name, scope);
  if (value === UNKNOWN_VALUE) return unknownReference(name);
  if (!state.budget.fitsValue(value.length)) {
    tooLong(state, `make variable ${name}`);
    return unknownReference(name);
  }
  return value;
}

const AUTOMATIC = '@<^+*?|%';

export function expandVariable(state: MakeState, name: string, scope: Scope | undefined): string {
  const v = lookup(scope, name) ?? lookup(state.globals, name);
  if (v) return valueOf(state, v, scope, name);
  if (name.length === 2 && AUTOMATIC.includes(name[0]) && (name[1] === 'D' || name[1] === 'F')) {
    const base = lookup(scope, name[0]);
    if (!base) return '';
    return joinBounded(state, words(base.value).map((w) => (name[1] === 'D' ? dirOf(w).replace(/(.)\/$/, '$1') : notdirOf(w))));
  }
  return '';
}

/** The value of a variable: recursive ones are expanded now, in the current scope, guarded against self-reference. */
export function valueOf(state: MakeState, v: Variable, scope: Scope | undefined, name: string, viaCall = false): string {
  if (v.appendTo) return appendedValue(state, v, scope, name);
  if (v.flavor === 'simple') return v.value;
  // Recursion through $(call) is legitimate (rwildcard); the depth bound stops runaway cases.
  if (viaCall) return expand(state, v.value, scope);
  if (state.expanding.has(v)) return selfReference(state, name);
  state.expanding.add(v);
  try {
    return expand(state, v.value, scope);
  } finally {
    state.expanding.delete(v);
  }
}

/**
 * GNU make's target-specific `+=`: the value the name has where the target was asked for (the requesting
 * target's, then the global one), a space, then this variable's own text, expanded in the target's scope. A
 * reference to the name inside that text is the variable itself, so `t: A += $(A)` references itself, as in make.
 */
function appendedValue(state: MakeState, v: Variable, scope: Scope | undefined, name: string): string {
  if (state.expanding.has(v)) return selfReference(state, name);
  state.expanding.add(v);
  try {
    const base = lookup(v.appendTo, name);
    const before = base ? valueOf(state, base, scope, name) : '';
    const own = v.flavor === 'recursive' ? expand(state, v.value, scope) : v.value;
    if (before === UNKNOWN_VALUE || own === UNKNOWN_VALUE) return UNKNOWN_VALUE;
    return before ? joinBounded(state, [before, own]) : own;
  } finally {
    state.expanding.delete(v);
  }
}

/** make stops with "Recursive variable references itself"; the cycle is cut (the reference expands to nothing). */
function selfReference(state: MakeState, name: string): string {
  state.budget.hit('cycle', `make variable '${name}' references itself`, here(state));
  if (!state.budgetGiven) addLimit(state, `make: variable '${name}' references itself (near ${state.current.file}:${state.current.line}); expanded to nothing`);
  return '';
}

function dirOf(w: string): string {
  const i = w.lastIndexOf('/');
  return i >= 0 ? w.slice(0, i + 1) : './';
}

function notdirOf(w: string): string {
  const i = w.lastIndexOf('/');
  return i >= 0 ? w.slice(i + 1) : w;
}

function suffixOf(w: string): string | undefined {
  const base = notdirOf(w);
  const i = base.lastIndexOf('.');
  return i >= 0 ? base.slice(i) : undefined;
}

interface FunctionDef {
  /** GNU make's argument counts (function.c): fewer than `minArgs` is a fatal error in make. */
  minArgs: number;
  /** Number of comma-separated arguments; the last takes the rest. 0: unlimited. */
  maxArgs: number;
  /** `inner` is the call as written (for an unknown result that names it). */
  run(state: MakeState, args: string[], scope: Scope | undefined, inner: string): string;
}

function callFunction(state: MakeState, name: string, def: FunctionDef, args: string[], scope: Scope | undefined, inner: string): string {
  if (args.length < def.minArgs) return fatalError(state, `insufficient number of arguments (${args.length}) to function '${name}'`, inner);
  return def.run(state, args, scope, inner);
}

type EagerFn = (args: string[], state: MakeState, scope: Scope | undefined, inner: string) => string;

/** A function whose arguments are all expanded first; an argument that could not be expanded makes the result unknown. */
function eager(minArgs: number, maxArgs: number, fn: EagerFn): FunctionDef {
  return {
    minArgs,
    maxArgs,
    run: (state, args, scope, inner) => {
      const expanded: string[] = [];
      for (const a of args) {
        const value = expand(state, a, scope);
        if (value === UNKNOWN_VALUE) return UNKNOWN_VALUE;
        expanded.push(value);
      }
      return fn(expanded, state, scope, inner);
    },
  };
}

/** Each word mapped (undefined drops it), joined within the value cap. */
function mapWords(state: MakeState, text: string, fn: (w: string) => string | undefined): string {
  const out: string[] = [];
  for (const w of words(text)) {
    const mapped = fn(w);
    if (mapped !== undefined) out.push(mapped);
  }
  return joinBounded(state, out);
}

/**
 * `$(filter)` / `$(filter-out)`. Patterns without `%` are looked up in a set (as GNU make hashes them); each
 * `%` pattern is tried on each word, which is charged to the budget first (patterns × words can be quadratic).
 */
function filterWords(state: MakeState, patterns: string, text: string, keep: boolean): string {
  const exact = new Set<string>();
  const wild = [];
  for (const p of words(patterns)) {
    const parsed = parsePattern(p);
    if (parsed.hasPercent) wild.push(parsed);
    else exact.add(p);
  }
  const list = words(text);
  if (wild.length > 0 && !charge(state, wild.length * list.length)) return UNKNOWN_VALUE;
  const out: string[] = [];
  for (const w of list) {
    const matches = exact.has(w) || wild.some((p) => matchPattern(p, w) !== undefined);
    if (matches === keep) out.push(w);
  }
  return out.join(' ');
}

/** GNU make's check_numeric: digits, with blanks around them. */
function numeric(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** `$(subst from,to,text)`, its length known before it is built (every occurrence could grow by `to`). */
function subst(state: MakeState, from: string, to: string, text: string): string {
  if (!from) return joinBounded(state, [text, to], '');
  let count = 0;
  for (let at = text.indexOf(from); at >= 0; at = text.indexOf(from, at + from.length)) count++;
  if (!state.budget.fitsValue(text.length + count * (to.length - from.length))) return tooLong(state);
  return count === 0 ? text : text.split(from).join(to);
}

const FUNCTIONS: Record<string, FunctionDef> = {
  subst: eager(3, 3, ([from, to, text], state) => subst(state, from, to, text)),
  patsubst: eager(3, 3, ([from, to, text], state) => joinBounded(state, patsubstWords(from.trim(), to.trim(), text))),
  strip: eager(0, 1, ([text]) => words(text).join(' ')),
  findstring: eager(2, 2, ([find, text]) => (text.includes(find) ? find : '')),
  filter: eager(2, 2, ([p, text], state) => filterWords(state, p, text, true)),
  'filter-out': eager(2, 2, ([p, text], state) => filterWords(state, p, text, false)),
  sort: eager(0, 1, ([text]) => [...new Set(words(text))].sort().join(' ')),
  word: eager(2, 2, ([n, text], state, _scope, inner) => {
    if (isUnknown(n)) return unknownReference(inner);
    const i = numeric(n);
    if (i === undefined) return fatalError(state, `non-numeric first argument to 'word' function: '${n.trim()}'`, inner);
    if (i === 0) return fatalError(state, "first argument to 'word' function must be greater than 0", inner);
    return words(text)[i - 1] ?? '';
  }),
  words: eager(0, 1, ([text]) => String(words(text).length)),
  wordlist: eager(3, 3, ([s, e, text], state, _scope, inner) => {
    if (isUnknown(s) || isUnknown(e)) return unknownReference(inner);
    const start = numeric(s);
    if (start === undefined) return fatalError(state, `non-numeric first argument to 'wordlist' function: '${s.trim()}'`, inner);
    const end = numeric(e);
    if (end === undefined) return fatalError(state, `non-numeric second argument to 'wordlist' function: '${e.trim()}'`, inner);
    if (start < 1) return fatalError(state, `invalid first argument to 'wordlist' function: '${start}'`, inner);
    return end < start ? '' : words(text).slice(start - 1, end).join(' ');
  }),
  firstword: eager(0, 1, ([text]) => words(text)[0] ?? ''),
  lastword: eager(0, 1, ([text]) => words(text).at(-1) ?? ''),
  dir: eager(0, 1, ([text], state) => mapWords(state, text, dirOf)),
  notdir: eager(0, 1, ([text], state) => mapWords(state, text, notdirOf)),
  suffix: eager(0, 1, ([text], state) => mapWords(state, text, suffixOf)),
  basename: eager(0, 1, ([text], state) =>
    mapWords(state, text, (w) => {
      const s = suffixOf(w);
      return s ? w.slice(0, w.length - s.length) : w;
    }),
  ),
  addsuffix: eager(2, 2, ([s, text], state) => mapWords(state, text, (w) => w + s)),
  addprefix: eager(2, 2, ([p, text], state) => mapWords(state, text, (w) => p + w)),
  join: eager(2, 2, ([a, b], state) => {
    const x = words(a);
    const y = words(b);
    const out: string[] = [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) out.push((x[i] ?? '') + (y[i] ?? ''));
    return joinBounded(state, out);
  }),
  wildcard: eager(0, 1, ([text], state) => (isUnknown(text) ? '' : joinBounded(state, wildcard(state.repo, state.dir, words(text))))),
  abspath: eager(0, 1, ([text], state) => mapWords(state, text, (w) => absolute(state, w))),
  realpath: eager(0, 1, ([text], state) => mapWords(state, text, (w) => absolute(state, w))),
  origin: eager(0, 1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.origin ?? 'undefined'),
  flavor: eager(0, 1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.flavor ?? 'undefined'),
  value: eager(0, 1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.value ?? ''),
  // error/warning/info print at run time; they produce no text (make would stop on error; the analysis goes on).
  error: eager(0, 1, () => ''),
  warning: eager(0, 1, () => ''),
  info: eager(0, 1, () => ''),
  // Nothing from the scanned tree is ever run: a shell call's output is unknown; keep it as written.
  shell: eager(0, 1, ([cmd]) => markUnknown(`$(shell ${stripMarks(cmd)})`)),
  // `$(file >x,text)` writes and expands to nothing; `$(file <x)` reads a file at run time: unknown.
  file: eager(1, 2, ([op], state, _scope, inner) => {
    const operation = op.trimStart();
    if (isUnknown(operation) || operation.startsWith('<')) return unknownReference(inner);
    if (operation.startsWith('>')) return '';
    return fatalError(state, `file: invalid file operation: ${operation.trim()}`, inner);
  }),
  eval: eager(0, 1, ([text], state) => {
    state.evalText?.(text, { ...state.current });
    return '';
  }),
  if: {
    minArgs: 2,
    maxArgs: 3,
    run(state, args, scope) {
      const cond = expand(state, args[0], scope).trim();
      if (isUnknown(cond)) {
        // The condition is only known at run time: either branch may be taken; keep both so nothing is lost.
        const a = expand(state, args[1] ?? '', scope);
        const b = expand(state, args[2] ?? '', scope);
        return a === b ? a : joinBounded(state, [a, b].filter(Boolean));
      }
      return cond ? expand(state, args[1] ?? '', scope) : expand(state, args[2] ?? '', scope);
    },
  },
  or: {
    minArgs: 1,
    maxArgs: 0,
    run(state, args, scope) {
      for (const a of args) {
        const v = expand(state, a, scope).trim();
        if (v) return v;
      }
      return '';
    },
  },
  and: {
    minArgs: 1,
    maxArgs: 0,
    run(state, args, scope) {
      let last = '';
      for (const a of args) {
        last = expand(state, a, scope).trim();
        if (!last) return '';
      }
      return last;
    },
  },
  foreach: {
    minArgs: 3,
    maxArgs: 3,
    run(state, args, scope) {
      const name = expand(state, args[0], scope).trim();
      const list = words(expand(state, args[1], scope));
      const body = args[2];
      const out: string[] = [];
      let length = 0;
      for (const w of list) {
        const frame: Scope = { vars: new Map([[name, { flavor: 'simple', value: w, origin: 'automatic' }]]), parent: scope ?? state.globals };
        const piece = expand(state, body, frame);
        // Once a bound stopped the work, the rest of the list is not known: the whole result is unknown.
        if (piece === UNKNOWN_VALUE || state.work > state.bounds.maxWork || state.budgetStopped) return UNKNOWN_VALUE;
        length += piece.length + (out.length > 0 ? 1 : 0);
        if (!state.budget.fitsValue(length)) return tooLong(state);
        out.push(piece);
      }
      return out.join(' ');
    },
  },
  call: {
    minArgs: 1,
    maxArgs: 0,
    run(state, args, scope, inner) {
      const expanded: string[] = [];
      for (const a of args) {
        const value = expand(state, a, scope);
        if (value === UNKNOWN_VALUE) return UNKNOWN_VALUE;
        expanded.push(value);
      }
      const name = expanded[0].trim();
      if (Object.hasOwn(FUNCTIONS, name) && name !== 'call') {
        // A builtin through $(call): its arguments are the call's, counted as given (no further comma split).
        return callFunction(state, name, FUNCTIONS[name], expanded.slice(1).map(escapeDollars), scope, inner);
      }
      const v = lookup(scope, name) ?? lookup(state.globals, name);
      if (!v) return '';
      const frame: Scope = { vars: new Map(), parent: scope ?? state.globals, callFrame: true };
      expanded.forEach((value, i) => frame.vars.set(String(i), { flavor: 'simple', value: i === 0 ? name : value, origin: 'automatic' }));
      return valueOf(state, v, frame, name, true);
    },
  },
};

/** Already-expanded text handed to a function that expands its arguments again must not be expanded twice. */
function escapeDollars(text: string): string {
  return text.split('$').join('$$');
}

/** `$(abspath x)`: absolute like CURDIR, i.e. under `$GITHUB_WORKSPACE` for paths inside the checkout. */
function absolute(state: MakeState, w: string): string {
  if (w.startsWith('/') || w.startsWith('$')) return w.startsWith('/') ? posix.normalize(w) : w;
  const rel = normalizeRelPath(posix.join(state.dir || '.', w));
  if (rel === undefined) return w;
  return rel ? `$GITHUB_WORKSPACE/${rel}` : '$GITHUB_WORKSPACE';
}

export function isFunctionName(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}
