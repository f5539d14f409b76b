import { posix } from 'node:path';
import { normalizeRelPath } from '../discover/repo.js';
import { addLimit, lookup, type MakeState, type Scope, type Variable } from './state.js';
import {
  findClose,
  findTopLevel,
  isUnknown,
  markUnknown,
  matchPattern,
  parsePattern,
  patsubst,
  splitArgs,
  stripMarks,
  words,
} from './text.js';
import { wildcard } from './wildcard.js';

/**
 * Expands make text: variable references (`$(X)`, `${X}`, `$X`), substitution references (`$(X:a=b)`), automatic
 * variables and make's built-in functions. `$$` becomes `$`. Unknown run-time values (`$(shell …)`) come back
 * marked (see text.ts) so conditionals can tell them apart.
 */
export function expand(state: MakeState, text: string, scope: Scope | undefined): string {
  if (!text.includes('$')) return text;
  if (state.depth >= state.bounds.maxExpansionDepth) {
    addLimit(state, `make: expansion depth bound (${state.bounds.maxExpansionDepth}) hit near ${state.current.file}:${state.current.line}; the rest expands to nothing`);
    return '';
  }
  state.depth++;
  try {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      const next = text[dollar + 1];
      if (next === undefined) break;
      if (next === '$') {
        out += '$';
        i = dollar + 2;
        continue;
      }
      if (next === '(' || next === '{') {
        const close = findClose(text, dollar + 1);
        if (close < 0) {
          // make stops with "unterminated variable reference"; keep the text so nothing is invented.
          out += text.slice(dollar);
          break;
        }
        out += expandReference(state, text.slice(dollar + 2, close), scope);
        i = close + 1;
      } else {
        out += expandVariable(state, next, scope);
        i = dollar + 2;
      }
      if (out.length > state.bounds.maxValueLength) {
        addLimit(state, `make: expanded text over ${state.bounds.maxValueLength} characters near ${state.current.file}:${state.current.line}; truncated`);
        return out.slice(0, state.bounds.maxValueLength);
      }
    }
    return out;
  } finally {
    state.depth--;
  }
}

function spendWork(state: MakeState): boolean {
  state.work++;
  if (state.work > state.bounds.maxWork) {
    addLimit(state, `make: expansion work bound (${state.bounds.maxWork} references) hit; the rest expands to nothing`);
    return false;
  }
  return true;
}

/** The inside of `$(…)`: a function call, a substitution reference or a (computed) variable name. */
function expandReference(state: MakeState, inner: string, scope: Scope | undefined): string {
  if (!spendWork(state)) return '';
  const fn = /^([a-z-]+)[ \t]/.exec(inner);
  if (fn && Object.hasOwn(FUNCTIONS, fn[1])) {
    const def = FUNCTIONS[fn[1]];
    const rest = inner.slice(fn[0].length).replace(/^[ \t]+/, '');
    return def.run(state, splitArgs(rest, def.maxArgs), scope);
  }
  const colon = findTopLevel(inner, ':');
  if (colon >= 0) {
    const eq = findTopLevel(inner, '=', colon + 1);
    if (eq >= 0) {
      const name = expand(state, inner.slice(0, colon), scope);
      const from = expand(state, inner.slice(colon + 1, eq), scope);
      const to = expand(state, inner.slice(eq + 1), scope);
      const value = expandVariable(state, name, scope);
      return from.includes('%') ? patsubst(from, to, value) : patsubst(`%${from}`, `%${to}`, value);
    }
  }
  return expandVariable(state, expand(state, inner, scope), scope);
}

const AUTOMATIC = '@<^+*?|%';

export function expandVariable(state: MakeState, name: string, scope: Scope | undefined): string {
  const v = lookup(scope, name) ?? lookup(state.globals, name);
  if (v) return valueOf(state, v, scope, name);
  if (name.length === 2 && AUTOMATIC.includes(name[0]) && (name[1] === 'D' || name[1] === 'F')) {
    const base = lookup(scope, name[0]);
    if (!base) return '';
    return words(base.value)
      .map((w) => (name[1] === 'D' ? dirOf(w).replace(/(.)\/$/, '$1') : notdirOf(w)))
      .join(' ');
  }
  return '';
}

/** The value of a variable: recursive ones are expanded now, in the current scope, guarded against self-reference. */
export function valueOf(state: MakeState, v: Variable, scope: Scope | undefined, name: string, viaCall = false): string {
  if (v.flavor === 'simple') return v.value;
  // Recursion through $(call) is legitimate (rwildcard); the depth bound stops runaway cases.
  if (viaCall) return expand(state, v.value, scope);
  if (state.expanding.has(v)) {
    addLimit(state, `make: variable '${name}' references itself (near ${state.current.file}:${state.current.line}); expanded to nothing`);
    return '';
  }
  state.expanding.add(v);
  try {
    return expand(state, v.value, scope);
  } finally {
    state.expanding.delete(v);
  }
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
  /** Number of comma-separated arguments; the last takes the rest. 0: unlimited. */
  maxArgs: number;
  run(state: MakeState, args: string[], scope: Scope | undefined): string;
}

/** A function whose arguments are all expanded first. */
function eager(maxArgs: number, fn: (args: string[], state: MakeState, scope: Scope | undefined) => string): FunctionDef {
  return { maxArgs, run: (state, args, scope) => fn(args.map((a) => expand(state, a, scope)), state, scope) };
}

const mapWords = (text: string, fn: (w: string) => string | undefined): string =>
  words(text)
    .map(fn)
    .filter((w): w is string => w !== undefined)
    .join(' ');

function filterWords(patterns: string, text: string, keep: boolean): string {
  const ps = words(patterns).map(parsePattern);
  return words(text)
    .filter((w) => ps.some((p) => matchPattern(p, w) !== undefined) === keep)
    .join(' ');
}

function toIndex(text: string): number {
  const n = Number.parseInt(text.trim(), 10);
  return Number.isFinite(n) ? n : 0;
}

const FUNCTIONS: Record<string, FunctionDef> = {
  subst: eager(3, ([from, to, text]) => (from ? text.split(from).join(to) : text + to)),
  patsubst: eager(3, ([from, to, text]) => patsubst(from.trim(), to.trim(), text)),
  strip: eager(1, ([text]) => words(text).join(' ')),
  findstring: eager(2, ([find, text]) => (text.includes(find) ? find : '')),
  filter: eager(2, ([p, text]) => filterWords(p, text, true)),
  'filter-out': eager(2, ([p, text]) => filterWords(p, text, false)),
  sort: eager(1, ([text]) => [...new Set(words(text))].sort().join(' ')),
  word: eager(2, ([n, text]) => words(text)[toIndex(n) - 1] ?? ''),
  words: eager(1, ([text]) => String(words(text).length)),
  wordlist: eager(3, ([s, e, text]) => words(text).slice(Math.max(0, toIndex(s) - 1), toIndex(e)).join(' ')),
  firstword: eager(1, ([text]) => words(text)[0] ?? ''),
  lastword: eager(1, ([text]) => words(text).at(-1) ?? ''),
  dir: eager(1, ([text]) => mapWords(text, dirOf)),
  notdir: eager(1, ([text]) => mapWords(text, notdirOf)),
  suffix: eager(1, ([text]) => mapWords(text, suffixOf)),
  basename: eager(1, ([text]) => mapWords(text, (w) => {
    const s = suffixOf(w);
    return s ? w.slice(0, w.length - s.length) : w;
  })),
  addsuffix: eager(2, ([s, text]) => mapWords(text, (w) => w + s)),
  addprefix: eager(2, ([p, text]) => mapWords(text, (w) => p + w)),
  join: eager(2, ([a, b]) => {
    const x = words(a);
    const y = words(b);
    return Array.from({ length: Math.max(x.length, y.length) }, (_, i) => (x[i] ?? '') + (y[i] ?? '')).join(' ');
  }),
  wildcard: eager(1, ([text], state) => (isUnknown(text) ? '' : wildcard(state.repo, state.dir, words(text)).join(' '))),
  abspath: eager(1, ([text], state) => mapWords(text, (w) => absolute(state, w))),
  realpath: eager(1, ([text], state) => mapWords(text, (w) => absolute(state, w))),
  origin: eager(1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.origin ?? 'undefined'),
  flavor: eager(1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.flavor ?? 'undefined'),
  value: eager(1, ([name], state, scope) => (lookup(scope, name.trim()) ?? lookup(state.globals, name.trim()))?.value ?? ''),
  // error/warning/info print at run time; they produce no text (make would stop on error; the analysis goes on).
  error: eager(1, () => ''),
  warning: eager(1, () => ''),
  info: eager(1, () => ''),
  // Nothing from the scanned tree is ever run: a shell call's output is unknown; keep it as written.
  shell: eager(1, ([cmd]) => markUnknown(`$(shell ${stripMarks(cmd)})`)),
  file: eager(2, () => ''),
  eval: eager(1, ([text], state) => {
    state.evalText?.(text, { ...state.current });
    return '';
  }),
  if: {
    maxArgs: 3,
    run(state, args, scope) {
      const cond = expand(state, args[0], scope).trim();
      if (isUnknown(cond)) {
        // The condition is only known at run time: either branch may be taken; keep both so nothing is lost.
        const a = expand(state, args[1] ?? '', scope);
        const b = expand(state, args[2] ?? '', scope);
        return a === b ? a : [a, b].filter(Boolean).join(' ');
      }
      return cond ? expand(state, args[1] ?? '', scope) : expand(state, args[2] ?? '', scope);
    },
  },
  or: {
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
    maxArgs: 3,
    run(state, args, scope) {
      const name = expand(state, args[0], scope).trim();
      const list = words(expand(state, args[1] ?? '', scope));
      const body = args[2] ?? '';
      const out: string[] = [];
      for (const w of list) {
        const frame: Scope = { vars: new Map([[name, { flavor: 'simple', value: w, origin: 'automatic' }]]), parent: scope ?? state.globals };
        out.push(expand(state, body, frame));
        if (state.work > state.bounds.maxWork) break;
      }
      return out.join(' ');
    },
  },
  call: {
    maxArgs: 0,
    run(state, args, scope) {
      const expanded = args.map((a) => expand(state, a, scope));
      const name = expanded[0].trim();
      if (Object.hasOwn(FUNCTIONS, name) && name !== 'call') {
        return FUNCTIONS[name].run(state, expanded.slice(1).map(escapeDollars), scope);
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
  return text.replace(/\$/g, '$$$$');
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
