import type { Part, Stmt, TestExpr, Word } from './ast.js';
import type { Frame } from './state.js';
import { globToRegexSource, hasUnresolved } from './text.js';
import { expandString } from './words.js';

/**
 * Static truth of an `if` condition when every operand is known: `[[ "$GITHUB_REPOSITORY" == "o/r" ]]`,
 * `[ -z "$X" ]`, `test "$A" != b`, and `&&`/`||` of those. Undefined when anything is unknown (then both branches
 * are followed, as before). Conditions containing `$(…)` are never evaluated here: expanding them would run the
 * substitution twice.
 */
export function staticTruth(frame: Frame, cond: Stmt[]): boolean | undefined {
  if (cond.length !== 1) return undefined;
  const stmt = cond[0]!;
  if (stmt.redirs.length > 0 || !stmt.cmd) return undefined;
  const cmd = stmt.cmd;
  if (cmd.t === 'Test') return cmd.expr ? evalTest(frame, cmd.expr) : undefined;
  if (cmd.t === 'Binary' && cmd.op !== 'pipe') {
    const x = staticTruth(frame, [cmd.x]);
    const y = staticTruth(frame, [cmd.y]);
    return cmd.op === 'and' ? and3(x, y) : or3(x, y);
  }
  if (cmd.t === 'Call' && cmd.assigns.length === 0 && cmd.args.length > 0) {
    if (cmd.args.some(hasSubstitution)) return undefined;
    const argv = cmd.args.map((w) => expandString(frame, w));
    const name = argv[0];
    if (name === 'true' && argv.length === 1) return true;
    if (name === 'false' && argv.length === 1) return false;
    if (name === '[' && argv[argv.length - 1] === ']') return evalTestArgs(argv.slice(1, -1));
    if (name === 'test') return evalTestArgs(argv.slice(1));
  }
  return undefined;
}

function and3(x: boolean | undefined, y: boolean | undefined): boolean | undefined {
  if (x === false || y === false) return false;
  return x === true && y === true ? true : undefined;
}

function or3(x: boolean | undefined, y: boolean | undefined): boolean | undefined {
  if (x === true || y === true) return true;
  return x === false && y === false ? false : undefined;
}

function hasSubstitution(word: Word): boolean {
  const walk = (parts: Part[]): boolean => parts.some((p) => p.t === 'CmdSubst' || p.t === 'ProcSubst' || p.t === 'Other' || (p.t === 'DblQuoted' && walk(p.parts)));
  return walk(word.parts);
}

function known(frame: Frame, e: TestExpr | null): string | undefined {
  if (!e || e.k !== 'word' || hasSubstitution(e.word)) return undefined;
  const v = expandString(frame, e.word);
  return hasUnresolved(v) ? undefined : v;
}

function evalTest(frame: Frame, e: TestExpr): boolean | undefined {
  switch (e.k) {
    case 'word': {
      const v = known(frame, e);
      return v === undefined ? undefined : v !== '';
    }
    case 'unary': {
      if (e.op === '!') {
        const x = e.x ? evalTest(frame, e.x) : undefined;
        return x === undefined ? undefined : !x;
      }
      const v = known(frame, e.x);
      if (v === undefined) return undefined;
      if (e.op === '-z') return v === '';
      if (e.op === '-n') return v !== '';
      return undefined; // file tests depend on the runner's file system
    }
    case 'binary': {
      if (e.op === '&&' || e.op === '||') {
        const x = e.x ? evalTest(frame, e.x) : undefined;
        const y = e.y ? evalTest(frame, e.y) : undefined;
        return e.op === '&&' ? and3(x, y) : or3(x, y);
      }
      const a = known(frame, e.x);
      const b = known(frame, e.y);
      if (a === undefined || b === undefined) return undefined;
      if (e.op === '==' || e.op === '=') return globMatch(a, b);
      if (e.op === '!=') return !globMatch(a, b);
      if (e.op === '=~') {
        try {
          return new RegExp(b).test(a);
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
  }
}

/** `[ … ]` / `test …` with the common string operators. */
function evalTestArgs(args: string[]): boolean | undefined {
  if (args.some(hasUnresolved)) return undefined;
  if (args[0] === '!') {
    const r = evalTestArgs(args.slice(1));
    return r === undefined ? undefined : !r;
  }
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2 && args[0] === '-z') return args[1] === '';
  if (args.length === 2 && args[0] === '-n') return args[1] !== '';
  if (args.length === 3 && (args[1] === '=' || args[1] === '==')) return args[0] === args[2];
  if (args.length === 3 && args[1] === '!=') return args[0] !== args[2];
  return undefined;
}

/** `[[ a == pattern ]]`: the right side is a shell pattern (quoting is not tracked, so `*`, `?`, `[…]` always match as such). */
function globMatch(value: string, pattern: string): boolean {
  return new RegExp(`^${globToRegexSource(pattern)}$`).test(value);
}
