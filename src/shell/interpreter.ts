import { reportUnparsed } from './unparsed.js';
import { classifyCommand, isKnownTool, toolFromCommandWord, toolFromVariableName } from '../detect/commands/index.js';
import type { Arg, CommandEffect, CommandInvocation } from '../detect/commands/index.js';
import { isSecretExpression } from './expressions.js';
import { exportedValue, resolvePath } from './env.js';
import { applyEffects } from './effects.js';
import { runMake, runScriptFile, runShellString } from './indirection.js';
import { listSpine, MAX_SYNTAX_DEPTH, type Assign, type CaseArm, type Cmd, type ListLink, type Part, type Stmt, type Word } from './ast.js';
import { charge, enterNesting, fitsValue, leaveNesting, meterOf, oversized, stopAnalysis } from './bounds.js';
import { parseShell } from './parser.js';
import { MAX_COMMANDS, MAX_FUNCTION_DEPTH, MAX_LOOP_ITEMS, locationOf, lookupVar, newPipe, type PipeSink, type Frame, type LoopContext, type Value, type Sink, type Source } from './state.js';
import { hasUnresolved, isWhollyDynamic, mapLiteralParts, splitFields, unresolvedSpans } from './text.js';
import { expandFields, expandString, nodeText, substitutionHook } from './words.js';
import { closeSink, fileSink, readFiles, sinkText, writeOut } from './sinks.js';
import { parseJqArgs, runJq } from './jq.js';
import { printsNothing } from './quiet-commands.js';
import { cutFields } from './cut.js';
import { pushOutputFilter } from './digest-filters.js';
import { awkFilter, sedFilter } from './text-filters.js';
import { compileShellPattern } from '../util/glob.js';
import { and, FALSE, not, or, TRUE, type Formula } from '../logic/formula.js';
import { alternativeCombinations, interpolateAlternatives, mayHoldAlternatives, UNKNOWN_LOOKUP } from '../expr/expr.js';
import { joinOutcomes, joinTexts, runBranches, sameValue, unknownJoin, type Branch, type Outcome } from './join.js';
import { conditionFormula, equality, extendCondition, inAtomScope, leafCondition, shellAtom, staticTruth, type ListCondition } from './conditions.js';

/**
 * Walks a parsed script the way bash would run it, but without running anything: every branch of `if`/`case`,
 * `&&`/`||` lists, loop bodies (per literal item, bounded), functions at their call sites. Commands are resolved
 * through wrappers (`sudo`, `env X=y`, `time`, `xargs`) and handed to the command classifiers.
 */

/**
 * Parses and runs `text` in `frame` (whose `source` must describe `text`); a syntax error becomes a parse-error
 * finding, nesting past the parser's or the tree's bound a bound hit that stops the analysis there.
 */
export function runSource(frame: Frame, maskedText: string): void {
  // Masking, parsing (or the cache lookup) and the source's bytes are linear in the text: charged as such.
  if (!charge(frame, maskedText.length + 1)) return;
  const parsed = parseShell(maskedText, frame.source.file);
  if (!parsed.ok) {
    if (parsed.tooDeep) {
      frame.line = parsed.line;
      stopAnalysis(frame, 'bound', `shell script ${frame.source.file} is nested too deeply to parse; it was not analysed`);
    } else reportUnparsed(frame, maskedText, parsed.message, parsed.line);
    return;
  }
  runStmts(frame, parsed.stmts);
}

export function runStmts(frame: Frame, stmts: Stmt[] | null | undefined): void {
  if (!stmts) return;
  for (const s of stmts) {
    if (frame.state.stopped) return;
    runStmt(frame, s);
  }
}

/** Counts one interpreted statement against MAX_COMMANDS and the budget; false once the analysis stopped. */
function countCommand(frame: Frame, stmt: Stmt): boolean {
  const st = frame.state;
  if (st.stopped) return false;
  if (st.commands++ >= MAX_COMMANDS) {
    frame.line = stmt.line;
    stopAnalysis(frame, 'bound', `shell analysis of one run is bounded to ${MAX_COMMANDS} commands (loops, functions and called scripts included); the rest of the script was not analysed`);
    return false;
  }
  return charge(frame, 1);
}

function runStmt(frame: Frame, stmt: Stmt): void {
  if (!stmt) return;
  // A list is not a command of its own: its commands count.
  if (stmt.cmd?.t === 'Binary') {
    runList(frame, stmt);
    return;
  }
  if (!countCommand(frame, stmt) || !enterNesting(frame)) return;
  const savedSink = frame.sink;
  const savedStderr = frame.stderr;
  const savedStdin = frame.stdin;
  const savedLine = frame.line;
  frame.line = stmt.line;
  try {
    applyRedirects(frame, stmt);
    if (stmt.cmd) runCommandNode(frame, stmt.cmd, stmt.line);
  } finally {
    if (frame.sink !== savedSink) closeSink(frame, frame.sink);
    frame.sink = savedSink;
    frame.stderr = savedStderr;
    frame.stdin = savedStdin;
    frame.line = savedLine;
    leaveNesting(frame);
  }
}

/**
 * A list `a && b || c | d …`, link by link along its left spine (see listSpine), exactly as the nested walk would
 * run it but without recursing per link: a list of any length costs no stack. Each link's statement keeps its own
 * redirections and sink/stdin scope.
 * - `x | y`: x writes into a pipe buffer, y reads it as stdin (unknown once a command with unknown output wrote).
 * - `x && y` / `x || y`: y runs when x succeeds / fails. A test is its formula; a command is taken to succeed
 *   (`docker push … && cosign sign …`), so only its failure is an undecided branch. The list's condition so far is
 *   folded one link at a time (each part evaluated once, after it ran).
 */
function runList(frame: Frame, top: Stmt): void {
  const { first, links } = listSpine(top, false);
  if (frame.state.stopped || !enterNesting(frame)) return;
  // Per link, what its statement found when it began (restored when it ends), and its pipe if it is `x | y`.
  const scopes: Array<{ sink: Sink; stderr: Sink | undefined; stdin: string | undefined; line: number; pipe?: PipeSink; outer?: Sink }> = new Array(links.length);
  try {
    // Down the spine, outermost link first: each link's statement sets up its redirections and pipe.
    for (let k = links.length - 1; k >= 0; k--) {
      const link = links[k]!;
      const scope: (typeof scopes)[number] = { sink: frame.sink, stderr: frame.stderr, stdin: frame.stdin, line: frame.line };
      scopes[k] = scope;
      frame.line = link.node.line;
      applyRedirects(frame, link.node);
      if (link.op === 'pipe') {
        scope.outer = frame.sink;
        scope.pipe = newPipe(frame.cond);
        frame.sink = scope.pipe;
      }
    }
    runStmt(frame, first);
    // Up the spine: each link's right side, then the link's scope ends.
    let cond: ListCondition | undefined;
    for (let k = 0; k < links.length && !frame.state.stopped; k++) {
      const link = links[k]!;
      const scope = scopes[k]!;
      const x = k === 0 ? first : links[k - 1]!.node;
      if (link.op === 'pipe') {
        frame.sink = scope.outer!;
        frame.stdin = sinkText(frame, scope.pipe!) ?? pipeOutputText(frame, link, x);
        runStmt(frame, link.y);
        cond = undefined;
      } else {
        const plainCommand = x.cmd?.t === 'Call' && !isTestCall(x);
        const next = links[k + 1];
        const needed = next !== undefined && next.op !== 'pipe'; // only a following `&&`/`||` reads this list's condition
        // x's condition: folded from the links before when x is itself an `&&`/`||` list.
        const xCond = cond ?? (plainCommand && !needed ? undefined : leafCondition(frame, x, true));
        const xFormula = plainCommand ? (x.negated ? FALSE : TRUE) : conditionOf(x, xCond!);
        const succeeded = link.op === 'and' ? xFormula : plainCommand ? shellAtom(`${x.line}: command fails`) : not(xFormula);
        // y's writes happen only where it runs: elsewhere the value from before stays, as an alternative.
        if (succeeded.k === 'const' && succeeded.v) runStmt(frame, link.y);
        else runBranches(frame, [{ when: succeeded, run: () => underCondition(frame, succeeded, () => runStmt(frame, link.y)) }, { when: not(succeeded) }], `after the list at line ${locationOf(frame, link.node.line).line}`);
        cond = needed ? extendCondition(link.node, link.op, x, xCond!, link.y, leafCondition(frame, link.y, true)) : undefined;
      }
      frame.sink = scope.sink;
      frame.stderr = scope.stderr;
      frame.stdin = scope.stdin;
      frame.line = scope.line;
    }
  } finally {
    // Restoring the outermost link's scope restores what the list found, however far it got.
    const outermost = scopes[links.length - 1];
    if (outermost) {
      frame.sink = outermost.sink;
      frame.stderr = outermost.stderr;
      frame.stdin = outermost.stdin;
      frame.line = outermost.line;
    }
    leaveNesting(frame);
  }
}

/** A list's condition with its own `!`. */
function conditionOf(stmt: Stmt, c: ListCondition): Formula {
  const f = c.formula ?? shellAtom(`list at line ${stmt.line}`);
  return stmt.negated ? not(f) : f;
}

/** Stdin from a pipe whose writer's output is unknown: the writer as written, short (a 3,000-stage pipeline's prefix is not carried at every stage). */
function pipeOutputText(frame: Frame, link: ListLink, x: Stmt): string {
  const { start, end } = link.xSpan();
  if (end - start > MAX_WRITTEN_COMMAND) return `$(output of the pipeline at line ${locationOf(frame, x.line).line})`;
  return `$(${nodeText(frame, { span: link.xSpan })})`;
}

const MAX_WRITTEN_COMMAND = 400;

function applyRedirects(frame: Frame, stmt: Stmt): void {
  for (const r of stmt.redirs) {
    if (r.op === 'out') {
      if (r.fd !== undefined && r.fd !== '1') continue;
      frame.sink = sinkFor(frame, expandString(frame, r.word), r.append);
    } else if (r.op === 'other' && r.fd === '2' && expandString(frame, r.word) === '1') {
      // `2>&1`: standard error goes where standard output goes now (imagetools create's progress into a capture).
      frame.stderr = frame.sink;
    } else if (r.op === 'other' && (r.fd === undefined || r.fd === '1') && expandString(frame, r.word) === '2') {
      // `>&2`: standard output goes to standard error (`echo Installing… >&2` prints nothing a capture sees).
      frame.sink = { kind: 'discard' };
    } else if (r.op === 'hdoc') {
      frame.stdin = expandString(frame, r.hdoc);
    } else if (r.op === 'herestring') {
      frame.stdin = `${expandString(frame, r.word)}\n`;
    } else if (r.op === 'in') {
      const proc = r.word?.parts.length === 1 && r.word.parts[0]!.t === 'ProcSubst' ? r.word.parts[0] : undefined;
      if (proc?.t === 'ProcSubst') {
        // `< <(cmd)`: what cmd prints, when it is known.
        frame.stdin = capturedOutput(frame, proc.stmts) ?? `$${nodeText(frame, proc).slice(1)}`;
        continue;
      }
      const file = expandString(frame, r.word);
      frame.stdin = readFiles(frame, [resolvePath(frame, file)]) ?? `$(cat ${file})`;
    }
  }
}

function sinkFor(frame: Frame, target: string, append = false): Sink {
  if (/GITHUB_ENV/.test(target)) return { kind: 'github-env' };
  if (/GITHUB_OUTPUT/.test(target)) return { kind: 'github-output' };
  if (/GITHUB_(STEP_SUMMARY|PATH|STATE)|^\/dev\/(null|stderr)$/.test(target)) return { kind: 'discard' };
  if (target === '/dev/stdout') return frame.sink;
  return fileSink(resolvePath(frame, target), append, frame.cond);
}

function runCommandNode(frame: Frame, cmd: Cmd, line: number): void {
  switch (cmd.t) {
    case 'Call':
      runCall(frame, cmd, line);
      return;
    case 'Binary':
      // Lists are run by runList (runStmt hands them over before getting here).
      return;
    case 'Block':
      runStmts(frame, cmd.stmts);
      return;
    case 'If': {
      // A condition known to be false skips its branch; one known to be true ends the chain. Unknown conditions
      // follow every branch, each under its own condition: this one holds and none before it did. Variables the
      // branches set differently join as alternatives instead of the last branch winning.
      let none: Formula = TRUE;
      const branches: Branch[] = [];
      let exhaustive = false;
      for (const c of cmd.clauses) {
        const truth = c.cond.length === 0 ? true : staticTruth(frame, c.cond);
        if (truth === false) continue;
        const f = truth === true ? TRUE : conditionFormula(frame, c.cond);
        const reach = none;
        const taken = and(none, f);
        // The first condition runs whichever branch is taken: what it assigns (`if ! OUT=$(cmd); then exit 1; fi`)
        // holds after the if on every path, so it is run here, outside every branch's journal.
        const first = branches.length === 0 && none.k === 'const';
        if (first) runStmts(frame, c.cond);
        branches.push({
          when: taken,
          run: () => {
            if (!first) underCondition(frame, reach, () => runStmts(frame, c.cond));
            underCondition(frame, taken, () => runStmts(frame, c.then));
          },
        });
        if (truth === true) {
          exhaustive = true;
          break;
        }
        none = and(none, not(f));
      }
      if (!exhaustive) branches.push({ when: none });
      runBranches(frame, branches, `after the if at line ${locationOf(frame, line).line}`);
      return;
    }
    case 'While': {
      // A condition that fails the first time it is tested runs the body never; any other may run it any number of
      // times (`while true` ends by `break`).
      const truth = staticTruth(frame, cmd.cond);
      if (truth !== undefined && truth === cmd.until) {
        runStmts(frame, cmd.cond);
        return;
      }
      if (!cmd.until && isReadLoop(cmd.cond) && frame.stdin !== undefined && !isWhollyDynamic(frame.stdin.trim())) {
        runReadLoop(frame, cmd, line, frame.stdin);
        return;
      }
      runLoop(frame, line, [{ repeat: true, run: () => {
        runStmts(frame, cmd.cond);
        runStmts(frame, cmd.body);
      } }]);
      return;
    }
    case 'For':
      runFor(frame, cmd, line);
      return;
    case 'Case':
      runCase(frame, cmd, line);
      return;
    case 'Func':
      frame.functions.set(cmd.name, { body: cmd.body, source: frame.source });
      return;
    case 'Decl':
      runDecl(frame, cmd);
      return;
    case 'Wrap':
      if (cmd.stmt) runStmt(frame, cmd.stmt);
      return;
    case 'TooDeep':
      stopAnalysis(frame, 'bound', `shell script ${frame.source.file} nests more than ${MAX_SYNTAX_DEPTH} levels here; the rest of the script was not analysed`);
      return;
    default:
      // [[ … ]], (( … )), let: no commands to find (substitutions inside are rare and ignored).
      return;
  }
}

/** The argument vectors a command may run with when its arguments hold conditional values (bounded). */
function conditionalForks(argv: string[]): Array<{ argv: string[]; when: Formula }> {
  if (!argv.some(mayHoldAlternatives)) return [{ argv, when: TRUE }];
  return alternativeCombinations(argv, MAX_FORKS).map((c) => ({ argv: c.texts, when: c.when }));
}

const MAX_FORKS = 8;

/** Runs `body` with the path condition narrowed by `f`. */
function underCondition(frame: Frame, f: Formula, body: () => void): void {
  if (f.k === 'const' && f.v) {
    body();
    return;
  }
  const saved = frame.cond;
  frame.cond = and(saved, f);
  try {
    body();
  } finally {
    frame.cond = saved;
  }
}

/**
 * `case`: each arm runs under the condition that its patterns match and no arm before did (`;&` also enters the
 * next arm's body, `;;&` goes on testing). A pattern decided against the subject (known, or known at its start and
 * end) is true or false; otherwise the arm's match is an atom. Arms that cannot be reached (after `*)`) do not run,
 * and what the arms write joins as alternatives, the path where no arm matched keeping the value from before.
 */
function runCase(frame: Frame, cmd: Cmd & { t: 'Case' }, line: number): void {
  const where = `after the case at line ${locationOf(frame, line).line}`;
  const word = expandString(frame, cmd.word);
  const subjects = mayHoldAlternatives(word) ? interpolateAlternatives(word, UNKNOWN_LOOKUP) : [{ text: word, when: TRUE }];
  const matches = (arm: CaseArm): Formula => or(...subjects.map((s) => and(s.when, or(...arm.patterns.map((p) => patternMatch(frame, s.text, p))))));
  // Arms that only stop (`;;`) exclude each other: one join over all of them. Fall-through chains the bodies, so
  // each arm is then its own conditional step on what the arms before left.
  const exclusive = cmd.branches.every((a) => a.end === 'stop');
  const branches: Branch[] = [];
  let reach: Formula = TRUE; // the paths still testing patterns
  let fall: Formula = FALSE; // the paths entering this arm's body from the arm before (`;&`)
  for (const arm of cmd.branches) {
    if (isFalse(reach) && isFalse(fall)) break;
    const m = isFalse(reach) ? FALSE : matches(arm);
    const enter = or(and(reach, m), fall);
    if (!isFalse(enter)) {
      const branch: Branch = { when: enter, run: () => underCondition(frame, enter, () => runStmts(frame, arm.stmts)) };
      if (exclusive) branches.push(branch);
      else runBranches(frame, [branch, { when: not(enter) }], where);
    }
    if (arm.end === 'resume') {
      reach = or(reach, fall);
      fall = FALSE;
    } else {
      reach = and(reach, not(m));
      fall = arm.end === 'fallthrough' ? enter : FALSE;
    }
    if (frame.state.stopped) return;
  }
  if (exclusive) runBranches(frame, [...branches, { when: reach }], where);
}

const isFalse = (f: Formula): boolean => f.k === 'const' && !f.v;

/**
 * A case pattern as a glob: quoted parts match literally (their glob characters escaped), unquoted parts and
 * unquoted expansions are pattern text. Undefined for a backslash in unquoted text (its escaping is not tracked).
 */
function casePattern(frame: Frame, word: Word): string | undefined {
  let out = '';
  for (const p of word.parts) {
    if (p.t === 'Lit' && p.value.includes('\\')) return undefined;
    const text = expandString(frame, { parts: [p] });
    out += p.t === 'SglQuoted' || p.t === 'DblQuoted' ? text.replace(/[*?[\]\\]/g, '\\$&') : text;
  }
  return out;
}

/**
 * Whether `subject` matches one pattern of a case arm, as a formula. Quoted parts of a pattern are literal: a
 * pattern with quoted glob characters is left undecided. A whole `${{ ref }}` against a literal is the workflow's
 * own equality atom.
 */
function patternMatch(frame: Frame, subject: string, word: Word): Formula {
  const pattern = casePattern(frame, word);
  const atomOf = (): Formula => shellAtom(`[[ ${subject} == ${pattern ?? expandString(frame, word)} ]]`);
  if (pattern === undefined || hasUnresolved(pattern)) return atomOf();
  const special = /[*?[\\]/.test(pattern);
  const g = compileShellPattern(pattern);
  if (g.matchesEverything) return TRUE;
  if (!hasUnresolved(subject)) {
    const m = g.matches(subject, meterOf(frame));
    return m === undefined ? atomOf() : m ? TRUE : FALSE;
  }
  if (!special) {
    const e = equality(subject, pattern, true);
    if (e) return e;
  }
  const spans = unresolvedSpans(subject);
  if (!spans.length) return atomOf();
  const m = g.matchesPartly(subject.slice(0, spans[0]![0]), subject.slice(spans[spans.length - 1]![1]), meterOf(frame));
  return m === undefined ? atomOf() : m ? TRUE : FALSE;
}

function isTestCall(stmt: Stmt): boolean {
  const c = stmt.cmd;
  if (!c || c.t !== 'Call' || c.args.length === 0) return false;
  const first = c.args[0]!.parts[0];
  return first?.t === 'Lit' && (first.value === '[' || first.value === 'test' || first.value === 'true' || first.value === 'false');
}

function runFor(frame: Frame, cmd: Cmd & { t: 'For' }, line: number): void {
  const name = cmd.name;
  if (name === undefined) {
    // `for ((…))`: the arithmetic is not evaluated, so the body runs any number of times.
    runLoop(frame, line, [{ repeat: true, run: () => runStmts(frame, cmd.body) }]);
    return;
  }
  const items = cmd.items ? loopItems(frame, cmd.items) : frame.positional ? frame.positional.map((text) => ({ text, any: false })) : [{ text: '$@', any: true }];
  let steps: LoopStep[] = items.map((item) => ({
    repeat: item.any,
    run: () => {
      frame.vars.set(name, { text: item.text });
      runStmts(frame, cmd.body);
    },
  }));
  if (steps.length > MAX_LOOP_ITEMS) {
    frame.state.limits.push(`loop bound (${MAX_LOOP_ITEMS} items) hit at ${frame.source.file}:${locationOf(frame, line).line}; remaining items not analysed`);
    steps = steps.slice(0, MAX_LOOP_ITEMS);
  }
  runLoop(frame, line, steps);
}

/**
 * The items of a `for` list. A word whose unknown part is split into fields at run time (`$(ls)`, `$TAGS`,
 * `"${arr[@]}"` of an unknown array, `"$@"` of an unknown call) stands for any number of items (`any`); one whose
 * unknown part is quoted (`"$(git describe)"`) is one item.
 */
function loopItems(frame: Frame, words: Word[]): Array<{ text: string; any: boolean }> {
  const out: Array<{ text: string; any: boolean }> = [];
  for (const w of words) {
    const fields = expandArgv(frame, [w]);
    const splits = splitsUnknown(frame, w.parts, false);
    for (const f of fields) out.push({ text: f, any: splits && hasUnresolved(f) });
  }
  return out;
}

function splitsUnknown(frame: Frame, parts: Part[], quoted: boolean): boolean {
  return parts.some((p) => {
    if (p.t === 'DblQuoted') return splitsUnknown(frame, p.parts, true);
    if (p.t !== 'ParamExp') return !quoted && (p.t === 'CmdSubst' || p.t === 'Other');
    if (!quoted || p.name === '@' || p.name === '*') return true;
    if (!(p.index !== null && p.index.parts.some((x) => x.t === 'Lit' && (x.value === '@' || x.value === '*')))) return false;
    // `"${A[@]}"` of an array whose items the analysis holds is exactly those items, each one word however unknown
    // its text (`IFS=, read -ra TAGS <<< "latest,$REF"`); only an array of unknown length may be any number of words.
    const v = frame.vars.get(p.name);
    return !v?.items || v.unknownCount === true;
  });
}

/** `while read …; do`: the condition is one `read`. */
function isReadLoop(cond: Stmt[]): boolean {
  const c = cond.length === 1 ? cond[0]!.cmd : undefined;
  if (!c || c.t !== 'Call' || cond[0]!.redirs.length || cond[0]!.negated) return false;
  const first = c.args[0]?.parts;
  return first?.length === 1 && first[0]!.t === 'Lit' && first[0].value === 'read';
}

/**
 * `while read …` over known input (`< <(jq …)`, `… | while read`, a here-string): one iteration per line, each
 * `read` given that line, then the failing `read` at the end of the input. Input holding alternatives (a joined
 * variable echoed into the loop) runs once per alternative, the runs joining.
 */
function runReadLoop(frame: Frame, cmd: Cmd & { t: 'While' }, line: number, input: string): void {
  if (mayHoldAlternatives(input)) {
    const alts = interpolateAlternatives(input, UNKNOWN_LOOKUP);
    if (alts.length > 1) {
      runBranches(frame, alts.map((a) => ({ when: a.when, run: () => underCondition(frame, a.when, () => runReadLoop(frame, cmd, line, a.text)) })), `after the loop at line ${locationOf(frame, line).line}`);
      return;
    }
  }
  let lines = input.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > MAX_LOOP_ITEMS) {
    frame.state.limits.push(`loop bound (${MAX_LOOP_ITEMS} items) hit at ${frame.source.file}:${locationOf(frame, line).line}; remaining items not analysed`);
    lines = lines.slice(0, MAX_LOOP_ITEMS);
  }
  const saved = frame.stdin;
  const steps: LoopStep[] = lines.map((text) => ({
    repeat: false,
    run: () => {
      frame.stdin = `${text}\n`;
      runStmts(frame, cmd.cond);
      frame.stdin = undefined; // what the body reads from the loop's input is not followed
      runStmts(frame, cmd.body);
    },
  }));
  try {
    runLoop(frame, line, steps);
    frame.stdin = '';
    runStmts(frame, cmd.cond);
  } finally {
    frame.stdin = saved;
  }
}

/** One step of a loop: one known iteration, or (`repeat`) an iteration that happens any number of times. */
interface LoopStep {
  repeat: boolean;
  run: () => void;
}

/** Passes over a loop body that may run any number of times, looking for the values it leaves to stop changing. */
const MAX_LOOP_PASSES = 3;

/**
 * Runs a loop's steps in order. Known iterations run as they would. An iteration that repeats an unknown number of
 * times runs from the values the passes before it left, until its writes leave the same values twice (at most
 * MAX_LOOP_PASSES): the values after the loop are then those of every number of passes, zero included, as
 * alternatives; a name still changing at the last pass (`TAGS="$TAGS -t $t"`) is unknown. Where `break` or
 * `continue` leave the body, what the variables held there joins too. Operations are recorded once per distinct
 * text (a pass that repeats a push adds nothing).
 */
function runLoop(frame: Frame, line: number, steps: readonly LoopStep[]): void {
  const at = locationOf(frame, line).line;
  const where = `after the loop at line ${at}`;
  const journal = frame.vars.begin();
  const loop: LoopContext = { journal, exits: [], overflowed: false };
  (frame.loops ??= []).push(loop);
  const outcomes: Outcome[] = [];
  const changing = new Set<string>();
  let runs: Formula = TRUE; // the condition that the passes so far happened
  let iteration = 0;
  // A condition tested in one iteration is not the same condition in another: from the second on, the shell's
  // atoms are marked with the iteration (so a join over iterations keeps the alternatives of each).
  const iterate = (run: () => void): void => {
    iteration++;
    if (iteration === 1) run();
    else inAtomScope(`#${iteration}@${at}`, run);
  };
  try {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (frame.state.stopped) return;
      if (!step.repeat) {
        iterate(step.run);
        continue;
      }
      const snapshots: Array<Map<string, Value | undefined>> = [snapshot(frame, journal)];
      for (let pass = 1; pass <= MAX_LOOP_PASSES && !frame.state.stopped; pass++) {
        iterate(step.run);
        const snap = snapshot(frame, journal);
        if (!charge(frame, snap.size + 1)) return;
        if (sameSnapshot(snapshots[snapshots.length - 1]!, snap)) break;
        snapshots.push(snap);
        if (pass === MAX_LOOP_PASSES) for (const [key, v] of snap) if (!sameValue(v, snapshots[snapshots.length - 2]!.get(key))) changing.add(key);
      }
      // Each distinct state under "this many passes and no more"; the last one under "at least this many".
      snapshots.forEach((values, k) => {
        const more = shellAtom(`loop at line ${at}${steps.length > 1 ? ` item ${i + 1}` : ''} runs ${k + 1} times or more`);
        outcomes.push({ values, when: k === snapshots.length - 1 ? runs : and(runs, not(more)) });
        runs = and(runs, more);
      });
      if (i < steps.length - 1) {
        // Later steps start from every state this one can leave.
        joinLoopExits(frame, journal, outcomes, [], where);
        outcomes.length = 0;
        runs = TRUE;
      }
    }
    if (!outcomes.length && !loop.exits.length && !loop.overflowed) return; // known iterations only, left as they ran
    if (!outcomes.length) outcomes.push({ values: snapshot(frame, journal), when: TRUE });
  } finally {
    frame.vars.end(journal);
    frame.loops.pop();
  }
  joinLoopExits(frame, journal, outcomes, loop.exits, where);
  if (loop.overflowed) for (const key of journal.keys()) changing.add(key);
  for (const key of changing) {
    const unknown = unknownJoin(`value of ${key} ${where}`);
    // An array still growing at the last pass (`ARGS+=(-t "$img:$tag")`) has unknown items and an unknown count.
    frame.vars.set(key, frame.vars.get(key)?.items ? { text: unknown, items: [unknown], raggedItems: true, unknownCount: true } : { text: unknown });
  }
}

/**
 * Sets the loop's names to the join of the outcomes and the states `break`/`continue` left, from the values before
 * the loop (the journal). Those exits hold under conditions tested in some iteration, and an iteration's conditions
 * are not those of another: each exit is an opaque alternative of its own.
 */
function joinLoopExits(frame: Frame, journal: Map<string, Value | undefined>, outcomes: Outcome[], exits: Array<Map<string, Value | undefined>>, where: string): void {
  const all: Outcome[] = [];
  let rest: Formula = TRUE;
  exits.forEach((values, k) => {
    const here = shellAtom(`${where.replace(/^after /, '')} left at exit ${k + 1}`);
    all.push({ values, when: and(rest, here) });
    rest = and(rest, not(here));
  });
  for (const o of outcomes) all.push({ values: o.values, when: and(rest, o.when) });
  // Every outcome's values are complete over the loop's names: the values before the loop are the journal's.
  const before = new Map<string, Value | undefined>(journal);
  frame.vars.undo(journal);
  joinOutcomes(frame, all, before, where);
}

/** The current values of the names the journal has seen written. */
function snapshot(frame: Frame, journal: Map<string, Value | undefined>): Map<string, Value | undefined> {
  const m = new Map<string, Value | undefined>();
  for (const key of journal.keys()) m.set(key, frame.vars.get(key));
  return m;
}

function sameSnapshot(a: Map<string, Value | undefined>, b: Map<string, Value | undefined>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, v] of b) if (!a.has(key) || !sameValue(a.get(key), v)) return false;
  return true;
}

/** `break` / `continue`: what the variables hold where the body is left joins the loop's outcome. */
function leaveLoop(frame: Frame, rest: string[]): void {
  const loops = frame.loops;
  if (!loops?.length) return;
  const n = Number(rest[0] ?? '1');
  const loop = loops[Math.max(0, loops.length - (Number.isInteger(n) && n > 0 ? Math.min(n, loops.length) : 1))]!;
  // Past the bound the names the loop writes become unknown (see runLoop) instead of keeping some exits.
  if (loop.exits.length >= MAX_LOOP_EXITS) {
    loop.overflowed = true;
    return;
  }
  loop.exits.push(snapshot(frame, loop.journal));
  charge(frame, loop.journal.size + 1);
}

const MAX_LOOP_EXITS = 8;

function runDecl(frame: Frame, decl: Cmd & { t: 'Decl' }): void {
  const exporting = decl.variant === 'export';
  for (const as of decl.args) {
    if (as.naked && !as.name) {
      // `declare -x`, `export "$NAME"`: flags or computed names.
      if (exporting) {
        const n = expandString(frame, as.value);
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) frame.exported.add(n);
      }
      continue;
    }
    const name = as.name;
    if (!name) continue;
    // In a function, `local` (and `declare`/`typeset` without -g) make the name the function's own.
    const scope = frame.locals?.[frame.locals.length - 1];
    if (scope && !exporting && (decl.variant === 'local' || decl.variant === 'declare' || decl.variant === 'typeset') && !declaresGlobal(decl) && !scope.has(name)) scope.set(name, frame.vars.get(name));
    if (!as.naked || as.array) assign(frame, as);
    else if (!frame.vars.has(name) && !exporting) frame.vars.set(name, { text: '' });
    if (exporting) frame.exported.add(name);
  }
}

function declaresGlobal(decl: Cmd & { t: 'Decl' }): boolean {
  return decl.args.some((a) => a.naked && !a.name && a.value?.parts.some((p) => p.t === 'Lit' && /^-[a-zA-Z]*g/.test(p.value)));
}

function assign(frame: Frame, as: Assign): void {
  const name = as.name;
  if (!name) return;
  if (as.array) {
    const prior = as.append ? frame.vars.get(name) : undefined;
    const items = prior ? [...(prior.items ?? [prior.text])] : [];
    // Appending to an array of unknown length leaves one of unknown length.
    const counts = prior?.unknownCount ? { raggedItems: true, unknownCount: true } : prior?.raggedItems ? { raggedItems: true } : {};
    // An array holds at most the value cap in characters (one more per item): `a=("${a[@]}" "${a[@]}")` doubles.
    let size = 0;
    for (const item of items) size += item.length + 1;
    for (const w of as.array) {
      for (const item of expandFields(frame, w)) {
        size += item.length + 1;
        if (!fitsValue(frame, size)) {
          const marker = oversized(frame, `value of ${name}`);
          frame.vars.set(name, { text: marker, items: [marker], raggedItems: true, unknownCount: true });
          return;
        }
        items.push(item);
      }
    }
    frame.vars.set(name, { text: items[0] ?? '', items, ...counts });
    return;
  }
  if (as.index) {
    // `A[i]=x` sets one item; an index not known here makes the whole array unknown (any item may have changed).
    const idx = expandString(frame, as.index);
    const cur = frame.vars.get(name);
    const items = [...(cur?.items ?? (cur ? [cur.text] : []))];
    const n = /^\d+$/.test(idx) ? Number(idx) : -1;
    if (n < 0 || n > items.length + MAX_LOOP_ITEMS) {
      const unknown = unknownJoin(`value of ${name} after ${name}[${idx}]=`);
      frame.vars.set(name, { text: unknown, items: [unknown], raggedItems: true, unknownCount: true });
      return;
    }
    const value = expandString(frame, as.value, `value of ${name}`);
    while (items.length < n) items.push('');
    const item = (as.append ? (items[n] ?? '') : '') + value;
    if (!fitsValue(frame, items.reduce((a, x) => a + x.length + 1, 0) + item.length)) {
      const marker = oversized(frame, `value of ${name}`);
      frame.vars.set(name, { text: marker, items: [marker] });
      return;
    }
    items[n] = item;
    frame.vars.set(name, { text: items[0] ?? '', items, ...(cur?.raggedItems ? { raggedItems: true } : {}) });
    return;
  }
  const value = expandString(frame, as.value, `value of ${name}`);
  const prev = as.append ? (frame.vars.get(name)?.text ?? '') : '';
  frame.vars.set(name, { text: fitsValue(frame, prev.length + value.length) ? prev + value : oversized(frame, `value of ${name}`) });
}

function runCall(frame: Frame, call: Cmd & { t: 'Call' }, line: number): void {
  const { assigns, args } = call;
  if (!args.length) {
    for (const as of assigns) assign(frame, as);
    return;
  }
  const prefix = new Map<string, string>();
  for (const as of assigns) if (as.name) prefix.set(as.name, expandString(frame, as.value, `value of ${as.name}`));
  const argv = expandArgv(frame, args);
  if (!argv.length || frame.state.stopped) return;
  const saved = frame.prefixEnv;
  frame.prefixEnv = new Map([...(saved ?? []), ...prefix]);
  try {
    // A conditional value in the arguments (an env variable written under a step's if:) runs the command once
    // per alternative, under that alternative's condition.
    for (const fork of conditionalForks(argv)) underCondition(frame, fork.when, () => dispatch(frame, fork.argv, line, false));
  } finally {
    frame.prefixEnv = saved;
  }
}

/**
 * A command's argument vector. Together the arguments stay within the budget's value cap (the kernel's own
 * limit on an argument list is 2 MiB): the words past it are one unknown each.
 */
function expandArgv(frame: Frame, words: Word[]): string[] {
  const argv: string[] = [];
  let size = 0;
  for (const w of words) {
    const fields = expandFields(frame, w);
    let n = 0;
    for (const f of fields) n += f.length + 1;
    if (!fitsValue(frame, size + n)) {
      const marker = oversized(frame, 'command arguments');
      argv.push(marker);
      size += marker.length + 1;
      continue;
    }
    size += n;
    for (const f of fields) argv.push(f);
  }
  return argv;
}

/** Commands whose output is fully known (or empty), so `$(…)` around them can be evaluated. */
const QUIET_BUILTINS = new Set(['cd', 'export', 'read', 'shift', 'set', 'true', 'false', ':', 'test', '[', 'unset', 'local', 'pushd', 'popd', 'mkdir', 'chmod', 'rm', 'cp', 'mv', 'touch', 'trap', 'umask', 'wait']);
/** Commands that transform standard input: a secret piped through them is still a secret. */
const TRANSFORMS = new Set(['base64', 'sed', 'awk', 'cut', 'head', 'tail', 'grep', 'jq', 'yq', 'xxd', 'openssl', 'gpg', 'envsubst', 'sort', 'uniq', 'tac']);

export function dispatch(frame: Frame, argv0: string[], line: number, guessedIn: boolean): void {
  let argv = argv0;
  let guessed = guessedIn;
  // Wrappers that run the rest of the line as a command.
  for (let guard = 0; guard < 8 && argv.length; guard++) {
    const unwrapped = unwrap(frame, argv, line);
    if (!unwrapped) break;
    if (unwrapped === 'handled') return;
    argv = unwrapped;
  }
  if (!argv.length) return;
  const cmd = argv[0]!;
  const rest = argv.slice(1);
  const sink = frame.sink;
  const markUnknown = (): void => {
    if (sink.kind === 'pipe' || sink.kind === 'file') sink.unknown = true;
  };

  const fn = frame.functions.get(cmd);
  if (fn) {
    callFunction(frame, fn, rest, line);
    return;
  }
  // A filter over what a push printed: the digest it extracts, or unknown (never the output text taken apart).
  if (frame.stdin !== undefined && TRANSFORMS.has(cmd)) {
    const out = pushOutputFilter(cmd, rest, frame.stdin, frame.state.ctx.budget);
    if (out === 'unknown') {
      markUnknown();
      return;
    }
    if (out !== undefined) {
      writeOut(frame, out);
      return;
    }
  }
  switch (cmd) {
    case 'echo':
      writeOut(frame, echoText(rest));
      return;
    case 'printf': {
      const text = printfText(rest, frame.state.budget.limits.valueLength);
      writeOut(frame, text ?? oversized(frame, 'printf output'));
      return;
    }
    case 'cat': {
      const files = rest.filter((a) => a !== '-' && !a.startsWith('-'));
      const text = files.length === 0 ? frame.stdin : readFiles(frame, files.map((f) => resolvePath(frame, f)));
      if (text !== undefined) writeOut(frame, text);
      else markUnknown();
      return;
    }
    case 'tee': {
      const files = rest.filter((a) => !a.startsWith('-'));
      const text = frame.stdin ?? '';
      const saved = frame.sink;
      for (const f of files) {
        frame.sink = sinkFor(frame, f, rest.includes('-a') || rest.includes('--append'));
        if (frame.stdin !== undefined) writeOut(frame, text);
        else if (frame.sink.kind === 'file') frame.sink.unknown = true;
        closeSink(frame, frame.sink);
      }
      frame.sink = saved;
      writeOut(frame, text);
      return;
    }
    case 'tr': {
      const out = frame.stdin !== undefined ? translateInput(frame, frame.stdin, rest) : undefined;
      if (out !== undefined) writeOut(frame, out);
      else markUnknown();
      return;
    }
    case 'sed':
    case 'awk': {
      const budget = frame.state.ctx.budget;
      const out = frame.stdin !== undefined && !hasUnresolved(rest.join(' ')) && filterFits(frame, frame.stdin, rest) ? (cmd === 'sed' ? sedFilter(frame.stdin, rest, budget) : awkFilter(frame.stdin, rest, budget)) : undefined;
      if (out !== undefined) writeOut(frame, fitsValue(frame, out.length) ? out : oversized(frame, `${cmd} output`));
      else markUnknown();
      if (out === undefined && budget?.exhausted) budget.stopped(`${cmd} emulation`, locationOf(frame, line));
      return;
    }
    case 'cut': {
      const out = frame.stdin !== undefined ? cutFields(frame.stdin, rest) : undefined;
      if (out === undefined) break;
      writeOut(frame, out);
      return;
    }
    case 'jq': {
      const out = jqOutput(frame, rest);
      if (out === undefined) break;
      writeOut(frame, out);
      return;
    }
    case 'cd':
      if (rest[0] && !hasUnresolved(rest[0]) && rest[0] !== '-') frame.cwd = resolvePath(frame, rest[0]);
      return;
    case 'read':
      runRead(frame, rest);
      return;
    case 'set': {
      // `set -- a b` (or `set a b`) replaces the positional parameters; options alone leave them.
      const dd = rest.indexOf('--');
      if (dd >= 0) frame.positional = rest.slice(dd + 1);
      else if (rest.length && !/^[-+]/.test(rest[0]!)) frame.positional = rest;
      return;
    }
    case 'mapfile':
    case 'readarray':
      runMapfile(frame, rest);
      return;
    case 'break':
    case 'continue':
      leaveLoop(frame, rest);
      return;
    case 'shift': {
      const n = Number(rest[0] ?? '1');
      if (frame.positional && Number.isInteger(n)) frame.positional = frame.positional.slice(n);
      return;
    }
    case 'unset':
      for (const n of rest) if (!n.startsWith('-')) frame.vars.delete(n);
      return;
    case 'source':
    case '.':
      if (rest[0]) runScriptFile(frame, rest[0], rest.slice(1), line, 'source');
      return;
    case 'eval':
      runShellString(frame, rest.join(' '), line, 'same-frame', undefined);
      return;
    case 'bash':
    case 'sh':
    case 'zsh':
    case 'dash':
    case 'ksh':
      runShellCommand(frame, rest, line);
      markUnknown();
      return;
    case 'make':
    case 'gmake':
      if (!runMake(frame, rest, line)) markUnknown();
      return;
    default:
      break;
  }
  if (QUIET_BUILTINS.has(cmd) || printsNothing(cmd, rest)) return;
  if (TRANSFORMS.has(cmd)) {
    markUnknown();
    if (frame.stdin !== undefined && isSecretExpression(frame.stdin) && sink.kind === 'file') frame.state.secretFiles.add(sink.path);
    if (frame.stdin !== undefined && sink.kind === 'pipe') writeOut(frame, frame.stdin);
    return;
  }
  let tool = hasUnresolved(cmd) ? undefined : toolFromCommandWord(cmd);
  if (!tool) {
    const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(cmd);
    if (v) {
      tool = toolFromVariableName(v[1]!);
      if (tool) guessed = true;
    }
  }
  const effects = tool && isKnownTool(tool) ? classify(frame, tool, rest) : [];
  // A tool's output is unknown unless its classifier says what it prints (`ko build`, `crane digest`).
  if (!effects.some((e) => e.kind === 'stdout')) markUnknown();
  if (!tool && looksLikeScriptPath(cmd)) {
    runScriptFile(frame, cmd, rest, line, 'exec');
    return;
  }
  if (!tool || !isKnownTool(tool)) return;
  applyEffects(frame, effects, line, guessed);
}

/** What `jq FILTER [FILE]` prints over a file or standard input the script wrote, when jq.ts understands it. */
function jqOutput(frame: Frame, args: string[]): string | undefined {
  const call = parseJqArgs(args);
  if (!call || call.files.length > 1) return undefined;
  const input = call.files.length === 1 ? readFiles(frame, [resolvePath(frame, call.files[0]!)]) : frame.stdin;
  return input === undefined ? undefined : runJq(call, input);
}

function classify(frame: Frame, tool: string, rest: string[]): CommandEffect[] {
  const args: Arg[] = rest.map((text) => ({ text, dynamic: isWhollyDynamic(text) }));
  const inv: CommandInvocation = {
    tool,
    args,
    lookup: (name) => exportedValue(frame, name),
    isSecretFile: (p) => frame.state.secretFiles.has(resolvePath(frame, p)) || frame.state.secretFiles.has(p),
  };
  return classifyCommand(inv, { koYamlImportPaths: (files) => koImportPaths(frame, files) });
}

function looksLikeScriptPath(cmd: string): boolean {
  return /\.(sh|bash)$/.test(cmd) || cmd.startsWith('./') || cmd.startsWith('../') || (cmd.includes('/') && !cmd.startsWith('/'));
}

/** Strips one wrapper (`sudo`, `env`, `time`, `xargs`, `go run`, …); 'handled' when the wrapper ran the command itself. */
function unwrap(frame: Frame, argv: string[], line: number): string[] | 'handled' | undefined {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'sudo': {
      let i = 0;
      while (i < rest.length && rest[i]!.startsWith('-')) i += ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U'].includes(rest[i]!) ? 2 : 1;
      return rest.slice(i);
    }
    case 'env': {
      let i = 0;
      const extra = new Map(frame.prefixEnv ?? []);
      for (; i < rest.length; i++) {
        const a = rest[i]!;
        if (a === '-u' || a === '--unset') i++;
        else if (a.startsWith('-')) continue;
        else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) extra.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
        else break;
      }
      frame.prefixEnv = extra;
      return rest.slice(i);
    }
    case 'time':
    case 'nohup':
    case 'exec':
    case 'command':
    case 'builtin':
    case 'stdbuf':
    case 'nice':
    case 'timeout': {
      let i = 0;
      while (i < rest.length && rest[i]!.startsWith('-')) i += ['-n', '-s', '-k', '--signal', '--kill-after'].includes(rest[i]!) ? 2 : 1;
      if (cmd === 'timeout' && i < rest.length) i++;
      return rest.slice(i);
    }
    case 'go': {
      if (rest[0] !== 'run') return undefined;
      let i = 1;
      while (i < rest.length && rest[i]!.startsWith('-')) i++;
      const pkg = rest[i];
      if (!pkg) return undefined;
      const base = stripVersion(pkg).split('/').filter((s) => s && s !== '.' && !/^v\d+$/.test(s)).pop() ?? pkg;
      return [base, ...rest.slice(i + 1)];
    }
    case 'xargs':
      runXargs(frame, rest, line);
      return 'handled';
    default:
      return undefined;
  }
}

const XARGS_VALUE_FLAGS = new Set(['-n', '-I', '-i', '-L', '-P', '-d', '-E', '-s', '-a', '--max-args', '--replace', '--max-procs', '--delimiter']);

function runXargs(frame: Frame, rest: string[], line: number): void {
  let i = 0;
  let replace: string | undefined;
  let perItem = false;
  while (i < rest.length && rest[i]!.startsWith('-')) {
    const a = rest[i]!;
    if (a === '-I' || a === '--replace') replace = rest[i + 1];
    else if (a.startsWith('-I') && a.length > 2) replace = a.slice(2);
    if ((a === '-n' || a === '-L') && rest[i + 1] === '1') perItem = true;
    if (/^-[nL]1$/.test(a)) perItem = true;
    i += XARGS_VALUE_FLAGS.has(a) ? 2 : 1;
  }
  const inner = rest.slice(i);
  if (!inner.length) return;
  const known = frame.stdin !== undefined && !isWhollyDynamic(frame.stdin.trim());
  let items = known ? splitFields(frame.stdin!) : [`$(xargs input)`];
  if (items.length > MAX_LOOP_ITEMS) items = items.slice(0, MAX_LOOP_ITEMS);
  if (replace) {
    for (const item of items) {
      const argv = inner.map((a) => (fitsValue(frame, a.length + occurrences(a, replace!) * item.length) ? a.split(replace!).join(item) : oversized(frame, 'xargs argument')));
      dispatch(frame, argv, line, false);
    }
  } else if (perItem || !known) {
    for (const item of items) dispatch(frame, [...inner, item], line, false);
  } else {
    dispatch(frame, [...inner, ...items], line, false);
  }
}

function runShellCommand(frame: Frame, rest: string[], line: number): void {
  let i = 0;
  while (i < rest.length && (rest[i]!.startsWith('-') || rest[i]!.startsWith('+'))) {
    const a = rest[i]!;
    if (a === '-c' || (/^-[a-z]+$/.test(a) && a.includes('c'))) {
      const script = rest[i + 1];
      if (script !== undefined) runShellString(frame, script, line, 'child', rest.slice(i + 2));
      return;
    }
    i += a === '-o' || a === '+o' ? 2 : 1;
  }
  const file = rest[i];
  if (file) {
    runScriptFile(frame, file, rest.slice(i + 1), line, 'exec');
    return;
  }
  if (frame.stdin !== undefined) runShellString(frame, frame.stdin, line, 'child', []);
}

function callFunction(frame: Frame, fn: { body: Stmt; source: Source }, args: string[], line: number): void {
  if (frame.functionDepth >= MAX_FUNCTION_DEPTH) {
    frame.state.limits.push(`function call depth bound (${MAX_FUNCTION_DEPTH}) hit in ${frame.source.file}`);
    return;
  }
  if (!enterNesting(frame)) return;
  const saved = { positional: frame.positional, source: frame.source, chain: frame.chain };
  // A function defined in another file (a sourced library) runs at that file's lines, reached from this call.
  if (fn.source !== frame.source) {
    frame.chain = [...frame.chain, locationOf(frame, line)];
    frame.source = fn.source;
  }
  frame.positional = args;
  frame.functionDepth++;
  const locals = new Map<string, Value | undefined>();
  (frame.locals ??= []).push(locals);
  try {
    runStmt(frame, fn.body);
  } finally {
    frame.locals.pop();
    // What `local` shadowed comes back when the function returns.
    for (const [key, value] of locals) {
      if (value === undefined) frame.vars.delete(key);
      else frame.vars.set(key, value);
    }
    leaveNesting(frame);
    frame.functionDepth--;
    frame.positional = saved.positional;
    frame.source = saved.source;
    frame.chain = saved.chain;
  }
}

function runRead(frame: Frame, rest: string[]): void {
  const names: string[] = [];
  let arrayName: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (/^-[a-zA-Z]+$/.test(a)) {
      // A cluster like `-ra`: the option that takes a value is the last letter, its value the next word.
      const last = a[a.length - 1]!;
      if (last === 'a') arrayName = rest[++i];
      else if ('pdnNtui'.includes(last)) i++;
    } else if (!a.startsWith('-')) names.push(a);
  }
  if (!names.length && !arrayName) names.push('REPLY');
  const stdin = frame.stdin;
  // Input holding alternatives (`IFS=, read -ra IMAGES <<< "$REGISTRIES"` where REGISTRIES was written in
  // branches) is read once per alternative, the names joining: splitting the joined text would cut through it.
  if (stdin !== undefined && mayHoldAlternatives(stdin)) {
    const alts = interpolateAlternatives(stdin, UNKNOWN_LOOKUP);
    if (alts.length > 1) {
      runBranches(
        frame,
        alts.map((a) => ({
          when: a.when,
          run: () =>
            underCondition(frame, a.when, () => {
              frame.stdin = a.text;
              try {
                runRead(frame, rest);
              } finally {
                frame.stdin = stdin;
              }
            }),
        })),
        'after read',
      );
      return;
    }
  }
  if (stdin !== undefined && !isWhollyDynamic(stdin.trim())) {
    const nl = stdin.indexOf('\n');
    const firstLine = nl < 0 ? stdin : stdin.slice(0, nl);
    const fields = splitOnIfs(firstLine, lookupVar(frame, 'IFS'));
    if (arrayName) frame.vars.set(arrayName, { text: fields[0] ?? '', items: fields });
    names.forEach((n, idx) => frame.vars.set(n, { text: idx === names.length - 1 ? fields.slice(idx).join(' ') : (fields[idx] ?? '') }));
    return;
  }
  // Unknown input: the array's items, and how many there are, are unknown (`"${A[@]}"` may be any number of words).
  if (arrayName) frame.vars.set(arrayName, { text: `$(read ${arrayName})`, items: [`$(read ${arrayName})`], raggedItems: true, unknownCount: true });
  for (const n of names) frame.vars.set(n, { text: `$(read ${n})` });
}

/** `mapfile -t NAME` / `readarray -t NAME`: one item per line of standard input (unknown input, unknown array). */
function runMapfile(frame: Frame, rest: string[]): void {
  let trim = false;
  let name = 'MAPFILE';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-t') trim = true;
    else if (/^-[dnOsuCc]$/.test(a)) i++;
    else if (!a.startsWith('-')) name = a;
  }
  const stdin = frame.stdin;
  if (stdin === undefined || isWhollyDynamic(stdin.trim()) || mayHoldAlternatives(stdin)) {
    const unknown = `$(mapfile ${name})`;
    frame.vars.set(name, { text: unknown, items: [unknown], raggedItems: true, unknownCount: true });
    return;
  }
  const lines = stdin.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const items = trim ? lines : lines.map((l) => `${l}\n`);
  frame.vars.set(name, { text: items[0] ?? '', items });
}

/**
 * Word splitting as `read` does it: on the characters of IFS (`IFS=, read -ra NAMES`), whitespace by default.
 * Never inside an unresolved part (`${{ … }}`, `$(…)`).
 */
function splitOnIfs(line: string, ifs: string | undefined): string[] {
  const delimiters = new Set(ifs === undefined ? '' : ifs.replace(/[ \t\n]/g, ''));
  if (!delimiters.size) return splitFields(line);
  const fields: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '$' && (line[i + 1] === '{' || line[i + 1] === '(')) depth++;
    else if (depth > 0 && (c === '}' || c === ')') && !(c === '}' && line[i + 1] === '}')) depth--;
    if (depth === 0 && delimiters.has(c)) {
      fields.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  fields.push(cur.trim());
  return fields;
}

function echoText(args: string[]): string {
  let i = 0;
  let newline = true;
  let escapes = false;
  while (i < args.length && /^-[neE]+$/.test(args[i]!)) {
    if (args[i]!.includes('n')) newline = false;
    if (args[i]!.includes('e')) escapes = true;
    i++;
  }
  let text = args.slice(i).join(' ');
  if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  return newline ? `${text}\n` : text;
}

/** `pkg@version` without the version (`/@[^/]*$/` backtracks quadratically over a run of `@`). */
function stripVersion(pkg: string): string {
  const at = pkg.indexOf('@', pkg.lastIndexOf('/') + 1);
  return at >= 0 ? pkg.slice(0, at) : pkg;
}

function occurrences(text: string, sub: string): number {
  if (!sub) return 0;
  let n = 0;
  for (let i = text.indexOf(sub); i >= 0; i = text.indexOf(sub, i + sub.length)) n++;
  return n;
}

/**
 * Whether sed/awk over this input may be evaluated: the output is at most the input times the program's length
 * (`s/x/&&&&/g`, `{print $0,$0,$0}` repeat what they read), and that product is kept to a small multiple of the
 * value cap so that evaluating it stays cheap; the output itself must then fit the cap (checked by the caller).
 */
function filterFits(frame: Frame, input: string, args: string[]): boolean {
  let program = 0;
  for (const a of args) program += a.length;
  return fitsValue(frame, (input.length * Math.max(1, program)) / 64) && charge(frame, input.length + program);
}

function printfText(args: string[], maxLength: number): string | undefined {
  let i = 0;
  if (args[0] === '-v') i = 2;
  const format = args[i];
  if (format === undefined) return '';
  const values = args.slice(i + 1);
  const fmt = format.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  const specs = (fmt.match(/%[-0-9.]*[sdbq]/g) ?? []).length;
  let out = '';
  let vi = 0;
  do {
    out += fmt.replace(/%%|%[-0-9.]*([sdbq])/g, (m, c: string | undefined) => {
      if (m === '%%') return '%';
      const v = values[vi++] ?? '';
      return c === 'b' ? v.replace(/\\n/g, '\n') : v;
    });
    // The format is reused while arguments remain: many arguments times a long format is bounded here.
    if (out.length > maxLength) return undefined;
  } while (specs > 0 && vi < values.length);
  return out;
}

/** `tr` over input that may hold alternatives: each alternative translated. */
function translateInput(frame: Frame, text: string, args: string[]): string | undefined {
  if (mayHoldAlternatives(text)) {
    const alts = interpolateAlternatives(text, UNKNOWN_LOOKUP);
    if (alts.length > 1) {
      const out = alts.map((a) => ({ text: translate(a.text, args), when: a.when }));
      if (out.some((a) => a.text === undefined)) return undefined;
      return joinTexts(frame, out as Array<{ text: string; when: Formula }>, 'tr output');
    }
  }
  return translate(text, args);
}

/**
 * `tr SET1 SET2`, `tr -d SET`, `tr -s SET` on the literal parts of the text (unknown parts stay as written).
 * Undefined for what is not modelled (`-c`, classes other than upper/lower/space/blank/digit): the output is then
 * unknown, never the input passed through untranslated.
 */
function translate(text: string, args: string[]): string | undefined {
  let del = false;
  let squeeze = false;
  const sets: string[] = [];
  for (const a of args) {
    if (/^-[ds]+$/.test(a)) {
      del ||= a.includes('d');
      squeeze ||= a.includes('s');
    } else if (a.startsWith('-') && a.length > 1) return undefined;
    else sets.push(a);
  }
  const set1 = sets[0] !== undefined ? trSet(sets[0]) : undefined;
  const set2 = sets[1] !== undefined ? trSet(sets[1]) : undefined;
  if (!set1 || (sets[1] !== undefined && !set2) || sets.length > 2) return undefined;
  let map: (s: string) => string;
  if (del) {
    if (set2 && !squeeze) return undefined;
    const gone = new Set(set1);
    const squeezeSet = squeeze ? new Set(set2 ?? []) : undefined;
    map = (s) => squeezeRuns([...s].filter((c) => !gone.has(c)).join(''), squeezeSet);
  } else if (set2) {
    if (!set2.length) return undefined;
    const table = new Map<string, string>();
    set1.forEach((c, i) => table.set(c, set2[Math.min(i, set2.length - 1)]!));
    const squeezeSet = squeeze ? new Set(set2) : undefined;
    map = (s) => squeezeRuns([...s].map((c) => table.get(c) ?? c).join(''), squeezeSet);
  } else if (squeeze) {
    const squeezeSet = new Set(set1);
    map = (s) => squeezeRuns(s, squeezeSet);
  } else return undefined;
  return mapLiteralParts(text, map);
}

function squeezeRuns(s: string, set: Set<string> | undefined): string {
  if (!set?.size) return s;
  let out = '';
  for (const c of s) if (!(set.has(c) && out.endsWith(c))) out += c;
  return out;
}

const TR_CLASSES: Record<string, string> = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  space: ' \t\n\r\v\f',
  blank: ' \t',
};

/** The characters of a `tr` set (escapes, ranges, a few classes); undefined for what is not modelled. */
function trSet(spec: string): string[] | undefined {
  const out: string[] = [];
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', v: '\v', f: '\f' };
  for (let i = 0; i < spec.length; i++) {
    let c = spec[i]!;
    if (c === '[') {
      const m = /^\[:([a-z]+):\]/.exec(spec.slice(i));
      const cls = m ? TR_CLASSES[m[1]!] : undefined;
      if (!cls) return undefined;
      out.push(...cls);
      i += m![0].length - 1;
      continue;
    }
    if (c === '\\' && i + 1 < spec.length) c = escapes[spec[++i]!] ?? spec[i]!;
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const hi = spec[i + 2]!;
      if (hi.charCodeAt(0) < c.charCodeAt(0) || hi.charCodeAt(0) - c.charCodeAt(0) > 256) return undefined;
      for (let k = c.charCodeAt(0); k <= hi.charCodeAt(0); k++) out.push(String.fromCharCode(k));
      i += 2;
      continue;
    }
    out.push(c);
  }
  if (out.length > 1024) return undefined;
  return out;
}

/** `ko resolve -f config/`: the `ko://` import paths named in the YAML files, read through the RepoReader. */
function koImportPaths(frame: Frame, files: string[]): string[] {
  const repo = frame.state.repo;
  const found = new Set<string>();
  for (const f of files) {
    if (hasUnresolved(f)) continue;
    const rel = resolvePath(frame, f);
    if (!charge(frame, repo.has(rel) ? 1 : repo.files.length)) break;
    const candidates = repo.has(rel) ? [rel] : repo.files.filter((x) => x.path.startsWith(`${rel}/`) && /\.ya?ml$/.test(x.path)).map((x) => x.path).slice(0, 200);
    for (const c of candidates) {
      const r = repo.read(c);
      if (!r.ok || !charge(frame, r.text.length)) continue;
      for (const m of r.text.matchAll(/ko:\/\/([A-Za-z0-9_./-]+)/g)) found.add(m[1]!);
    }
  }
  return [...found];
}

/** `$(…)` drops trailing newlines (a loop, not `/\n+$/`, which is quadratic on text with many inner newline runs). */
function trimTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x0a) end--;
  return end === s.length ? s : s.slice(0, end);
}

// Command substitution: run the commands inside with their output captured; the output is known only when every
// command in it produced known text (echo/printf/tr over known input).
substitutionHook.run = (frame: Frame, node: Part & { t: 'CmdSubst' | 'ProcSubst' }): string | undefined => {
  const out = capturedOutput(frame, node.stmts);
  if (node.t !== 'CmdSubst' || out === undefined) return undefined;
  return trimTrailingNewlines(out);
};

/** Runs `stmts` with their output captured: the output when every command in it printed known text. */
function capturedOutput(frame: Frame, stmts: Stmt[]): string | undefined {
  const pipe = newPipe(frame.cond);
  const savedSink = frame.sink;
  const savedStdin = frame.stdin;
  frame.sink = pipe;
  frame.stdin = undefined;
  try {
    runStmts(frame, stmts);
  } finally {
    frame.sink = savedSink;
    frame.stdin = savedStdin;
  }
  if (!stmts.length) return undefined;
  return sinkText(frame, pipe);
}
