import { listSpine, type Part, type Stmt, type TestExpr, type Word } from './ast.js';
import { and, atom, eq, FALSE, foreignAtom, not, or, TRUE, type Formula } from '../logic/formula.js';
import { evaluateSource, UNKNOWN_LOOKUP, wholeExpression } from '../expr/expr.js';
import type { Frame } from './state.js';
import { meterOf, stopAnalysis } from './bounds.js';
import { compileShellPattern } from '../util/glob.js';
import { compileRegex, isUsableRegex } from '../util/safe-regex.js';
import { hasUnresolved } from './text.js';
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
  return negatedIf(stmt, stmtTruth(frame, stmt));
}

/** A statement's truth as its command gives it, before its own `!`. */
function stmtTruth(frame: Frame, stmt: Stmt): boolean | undefined {
  if (stmt.redirs.length > 0 || !stmt.cmd) return undefined;
  const cmd = stmt.cmd;
  if (cmd.t === 'Test') return cmd.expr ? evalTest(frame, cmd.expr) : undefined;
  if (cmd.t === 'Binary' && cmd.op !== 'pipe') return chainCondition(frame, stmt, false).truth;
  // An assignment alone succeeds, unless a substitution in it gives its status.
  if (cmd.t === 'Call' && cmd.args.length === 0) return cmd.assigns.some((a) => (a.value && hasSubstitution(a.value)) || a.array?.some(hasSubstitution)) ? undefined : true;
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

function negatedIf(stmt: Stmt, t: boolean | undefined): boolean | undefined {
  return stmt.negated && t !== undefined ? !t : t;
}

/**
 * What is known of an `&&`/`||` list so far: its static truth when every part is decided, else its formula (both
 * before the list's own `!`). Lists are folded one link at a time along their left spine (the parser nests
 * `a && b && c` as `(a && b) && c`), so a list of any length costs linear time and no stack.
 */
export interface ListCondition {
  truth: boolean | undefined;
  /** Undefined until asked for: most lists are run for their commands, and only the truth is needed. */
  formula: Formula | undefined;
}

/** The condition of one statement that is not itself a list (a list's first command, or what follows `&&`). */
export function leafCondition(frame: Frame, stmt: Stmt, withFormula: boolean): ListCondition {
  const truth = stmtTruth(frame, stmt);
  return { truth, formula: withFormula ? (truth !== undefined ? (truth ? TRUE : FALSE) : stmtFormula(frame, stmt)) : undefined };
}

/** The condition of `node` = `x op y`, from x's condition (x is the statement `xStmt`) and y's. */
export function extendCondition(node: Stmt, op: 'and' | 'or', xStmt: Stmt, x: ListCondition, yStmt: Stmt, y: ListCondition): ListCondition {
  const xt = negatedIf(xStmt, x.truth);
  const yt = negatedIf(yStmt, y.truth);
  const truth = node.redirs.length > 0 || !node.cmd ? undefined : op === 'and' ? and3(xt, yt) : or3(xt, yt);
  if (truth !== undefined) return { truth, formula: truth ? TRUE : FALSE };
  if (!x.formula || !y.formula) return { truth, formula: undefined };
  const xf = xStmt.negated ? not(x.formula) : x.formula;
  const yf = yStmt.negated ? not(y.formula) : y.formula;
  return { truth, formula: op === 'and' ? and(xf, yf) : or(xf, yf) };
}

function chainCondition(frame: Frame, stmt: Stmt, withFormula: boolean): ListCondition {
  const { first, links } = listSpine(stmt, true);
  let acc = leafCondition(frame, first, withFormula);
  let prev = first;
  for (const link of links) {
    if (link.op === 'pipe') break; // not on an `&&`/`||` spine (listSpine stops before pipelines)
    acc = extendCondition(link.node, link.op, prev, acc, link.y, leafCondition(frame, link.y, withFormula));
    prev = link.node;
  }
  return acc;
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
      if (e.op === '==' || e.op === '=') return globMatch(frame, a, b);
      if (e.op === '!=') {
        const m = globMatch(frame, a, b);
        return m === undefined ? undefined : !m;
      }
      if (e.op === '=~') return regexMatch(frame, a, b);
      return undefined;
    }
  }
}

/** `[ … ]` / `test …` with the common string operators. */
function evalTestArgs(args: string[]): boolean | undefined {
  if (args.some(hasUnresolved)) return undefined;
  // `[ ! ! … x ]`: counted, not recursed (the words are the input's).
  const bangs = leadingBangs(args);
  if (bangs > 0) {
    const r = evalTestArgs(args.slice(bangs));
    return r === undefined ? undefined : bangs % 2 === 1 ? !r : r;
  }
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2 && args[0] === '-z') return args[1] === '';
  if (args.length === 2 && args[0] === '-n') return args[1] !== '';
  if (args.length === 3 && (args[1] === '=' || args[1] === '==')) return args[0] === args[2];
  if (args.length === 3 && args[1] === '!=') return args[0] !== args[2];
  return undefined;
}

/** How many `!` words lead a `[ … ]` test (a lone `!` is a word to test, not a negation). */
function leadingBangs(args: string[]): number {
  let n = 0;
  while (n < args.length - 1 && args[n] === '!') n++;
  return n;
}

/**
 * `[[ a == pattern ]]`: the right side is a shell pattern (quoting is not tracked, so `*`, `?`, `[…]` always match
 * as such), matched in steps charged to the budget; undecided when the budget refuses.
 */
function globMatch(frame: Frame, value: string, pattern: string): boolean | undefined {
  return compileShellPattern(pattern).matches(value, meterOf(frame));
}

/**
 * `[[ a =~ ere ]]` on RE2 with POSIX leftmost-longest matching. Undefined (the branch is undecided) for what RE2
 * cannot evaluate (a backreference, lookaround, a pattern over the size bound) and when the budget ran out (the
 * analysis of the script then stops there, as for any spent budget).
 */
function regexMatch(frame: Frame, value: string, pattern: string): boolean | undefined {
  const re = compileRegex(pattern, { longest: true });
  if (!isUsableRegex(re)) return undefined;
  const answer = re.test(value, frame.state.budget);
  if (answer === undefined && frame.state.budget.exhausted) stopAnalysis(frame, frame.state.budget.reason, `shell regular-expression matching in ${frame.source.file}`);
  return answer;
}

/**
 * The condition under which a shell condition succeeds, as a formula: decided when its operands are known;
 * `[ ${{ github.event_name }} == push ]` is the same equality atom a workflow `if:` would give, so a push and a
 * signature guarded by the two spellings compare equal; any other test or command is one atom of its own text.
 * Nothing is evaluated twice: conditions with `$(…)` are atoms.
 */
export function conditionFormula(frame: Frame, cond: Stmt[]): Formula {
  if (cond.length === 0) return TRUE;
  const last = cond[cond.length - 1]!; // the list's status is its last command's
  const f = stmtFormula(frame, last);
  return last.negated ? not(f) : f;
}

function stmtFormula(frame: Frame, stmt: Stmt): Formula {
  const cmd = stmt.cmd;
  if (cmd?.t === 'Binary' && cmd.op !== 'pipe') return chainCondition(frame, stmt, true).formula ?? shellAtom(`list at line ${stmt.line}`);
  const truth = stmtTruth(frame, stmt);
  if (truth !== undefined) return truth ? TRUE : FALSE;
  if (!cmd) return TRUE;
  if (cmd.t === 'Call' && cmd.args.length > 0 && !cmd.args.some(hasSubstitution)) {
    const argv = cmd.args.map((w) => expandString(frame, w));
    const test = argv[0] === '[' && argv[argv.length - 1] === ']' ? argv.slice(1, -1) : argv[0] === 'test' ? argv.slice(1) : undefined;
    const f = test ? testArgsFormula(test) : undefined;
    if (f) return f;
    return shellAtom(argv.join(' '));
  }
  if (cmd.t === 'Test' && cmd.expr) {
    const f = testExprFormula(frame, cmd.expr);
    if (f) return f;
  }
  return shellAtom(`${cmd.t.toLowerCase()} at line ${stmt.line}`);
}

function testExprFormula(frame: Frame, e: TestExpr): Formula | undefined {
  const decided = evalTest(frame, e);
  if (decided !== undefined) return decided ? TRUE : FALSE;
  if (e.k === 'unary' && e.op === '!') {
    const x = e.x ? testExprFormula(frame, e.x) : undefined;
    return x ? not(x) : undefined;
  }
  if (e.k === 'binary' && (e.op === '&&' || e.op === '||')) {
    const x = e.x ? testExprFormula(frame, e.x) : undefined;
    const y = e.y ? testExprFormula(frame, e.y) : undefined;
    if (!x || !y) return undefined;
    return e.op === '&&' ? and(x, y) : or(x, y);
  }
  const word = (t: TestExpr | null) => (t && t.k === 'word' && !hasSubstitution(t.word) ? expandString(frame, t.word) : undefined);
  if (e.k === 'binary' && (e.op === '==' || e.op === '=' || e.op === '!=')) {
    const a = word(e.x);
    const b = word(e.y);
    if (a === undefined || b === undefined) return undefined;
    return equality(a, b, e.op !== '!=') ?? shellAtom(`[[ ${a} ${e.op} ${b} ]]`);
  }
  if (e.k === 'unary' && (e.op === '-n' || e.op === '-z')) {
    const a = word(e.x);
    if (a === undefined) return undefined;
    const f = truthOfText(a);
    return e.op === '-n' ? f : not(f);
  }
  if (e.k === 'word') {
    const a = word(e);
    return a === undefined ? undefined : truthOfText(a);
  }
  return undefined;
}

function testArgsFormula(args: string[]): Formula | undefined {
  const bangs = leadingBangs(args);
  if (bangs > 0) {
    const r = testArgsFormula(args.slice(bangs));
    return r ? (bangs % 2 === 1 ? not(r) : r) : undefined;
  }
  if (args.length === 3 && (args[1] === '=' || args[1] === '==' || args[1] === '!=')) return equality(args[0]!, args[2]!, args[1] !== '!=') ?? shellAtom(`[ ${args.join(' ')} ]`);
  if (args.length === 2 && (args[0] === '-n' || args[0] === '-z')) {
    const f = truthOfText(args[1]!);
    return args[0] === '-n' ? f : not(f);
  }
  if (args.length === 1) return truthOfText(args[0]!);
  return undefined;
}

/** `${{ subject }} == literal` (either order) as the workflow's own equality atom. */
export function equality(a: string, b: string, equal: boolean): Formula | undefined {
  const subjectA = expressionSubject(a);
  const subjectB = expressionSubject(b);
  const [subject, literal] = subjectA !== undefined && !hasUnresolved(b) ? [subjectA, b] : subjectB !== undefined && !hasUnresolved(a) ? [subjectB, a] : [undefined, undefined];
  if (subject === undefined || literal === undefined || /[*?[]/.test(literal)) return undefined;
  const f = eq(subject, literal);
  return equal ? f : not(f);
}

/** "Non-empty": for a whole `${{ x }}` the workflow's truthiness atom of x, else an atom of the text. */
function truthOfText(text: string): Formula {
  if (!hasUnresolved(text)) return text !== '' ? TRUE : FALSE;
  const subject = expressionSubject(text);
  return subject !== undefined ? atom(subject) : shellAtom(`-n ${text}`);
}

/** The reference a whole `${{ ref }}` names (`github.event_name`), when the text is exactly that. */
function expressionSubject(text: string): string | undefined {
  const inner = wholeExpression(text);
  if (inner === undefined) return undefined;
  const v = evaluateSource(inner, UNKNOWN_LOOKUP);
  if (v.length !== 1 || v[0]!.known) return undefined;
  const u = v[0]!;
  return !u.truth && u.atoms.length === 1 && /^[A-Za-z_][\w-]*(\.[\w*-]+)*$/.test(u.atoms[0]!) ? u.atoms[0]! : undefined;
}

/**
 * An atom for a shell condition the engine cannot decide. Written as a call so that it survives being stored as a
 * workflow expression and read back (quotes, which the atom text cannot carry, are dropped).
 */
export function shellAtom(text: string): Formula {
  return foreignAtom('shell', `${text.replace(/\s+/g, ' ').trim().slice(0, 200)}${atomScope}`);
}

/** The loop iteration the atoms made now belong to ('' outside loops and in their first iteration). */
let atomScope = '';

/**
 * Runs `body` with the atoms it makes marked `tag`: the same test in another iteration of a loop is another
 * condition (a `read` that succeeded once can fail the next time).
 */
export function inAtomScope(tag: string, body: () => void): void {
  const saved = atomScope;
  atomScope = `${saved} ${tag}`;
  try {
    body();
  } finally {
    atomScope = saved;
  }
}
