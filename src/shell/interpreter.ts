import { ruleFinding } from '../model/rule-finding.js';
import { classifyCommand, isKnownTool, toolFromCommandWord, toolFromVariableName } from '../detect/commands/index.js';
import type { Arg, CommandEffect, CommandInvocation } from '../detect/commands/index.js';
import { isSecretExpression } from './expressions.js';
import { exportedValue, resolvePath } from './env.js';
import { applyEffects } from './effects.js';
import { runMake, runScriptFile, runShellString } from './indirection.js';
import { listSpine, MAX_SYNTAX_DEPTH, type Assign, type Cmd, type ListLink, type Part, type Stmt, type Word } from './ast.js';
import { charge, enterNesting, fitsValue, leaveNesting, oversized, stopAnalysis } from './bounds.js';
import { parseShell } from './parser.js';
import { MAX_COMMANDS, MAX_FUNCTION_DEPTH, MAX_LOOP_ITEMS, locationOf, lookupVar, newPipe, type PipeSink, type Value, type Frame, type Sink, type Source } from './state.js';
import { hasUnresolved, isWhollyDynamic, mapLiteralParts, splitFields } from './text.js';
import { expandFields, expandString, nodeText, substitutionHook } from './words.js';
import { closeSink, fileSink, readFiles, writeOut } from './sinks.js';
import { parseJqArgs, runJq } from './jq.js';
import { printsNothing } from './quiet-commands.js';
import { cutFields } from './cut.js';
import { awkFilter, sedFilter } from './text-filters.js';
import { and, FALSE, not, TRUE, type Formula } from '../logic/formula.js';
import { alternativeCombinations, alternativesText, mayHoldAlternatives } from '../expr/expr.js';
import { conditionFormula, extendCondition, leafCondition, shellAtom, staticTruth, type ListCondition } from './conditions.js';

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
    } else frame.state.findings.push(ruleFinding('parse-error', `shell script does not parse: ${parsed.message}`, locationOf(frame, parsed.line)));
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
  const savedStdin = frame.stdin;
  const savedLine = frame.line;
  frame.line = stmt.line;
  try {
    applyRedirects(frame, stmt);
    if (stmt.cmd) runCommandNode(frame, stmt.cmd, stmt.line);
  } finally {
    if (frame.sink !== savedSink) closeSink(frame, frame.sink);
    frame.sink = savedSink;
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
  const scopes: Array<{ sink: Sink; stdin: string | undefined; line: number; pipe?: PipeSink; outer?: Sink }> = new Array(links.length);
  try {
    // Down the spine, outermost link first: each link's statement sets up its redirections and pipe.
    for (let k = links.length - 1; k >= 0; k--) {
      const link = links[k]!;
      const scope: (typeof scopes)[number] = { sink: frame.sink, stdin: frame.stdin, line: frame.line };
      scopes[k] = scope;
      frame.line = link.node.line;
      applyRedirects(frame, link.node);
      if (link.op === 'pipe') {
        scope.outer = frame.sink;
        scope.pipe = newPipe();
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
        frame.stdin = scope.pipe!.unknown ? pipeOutputText(frame, link, x) : scope.pipe!.buffer.join('');
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
        underCondition(frame, succeeded, () => runStmt(frame, link.y));
        cond = needed ? extendCondition(link.node, link.op, x, xCond!, link.y, leafCondition(frame, link.y, true)) : undefined;
      }
      frame.sink = scope.sink;
      frame.stdin = scope.stdin;
      frame.line = scope.line;
    }
  } finally {
    // Restoring the outermost link's scope restores what the list found, however far it got.
    const outermost = scopes[links.length - 1];
    if (outermost) {
      frame.sink = outermost.sink;
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
    } else if (r.op === 'other' && (r.fd === undefined || r.fd === '1') && expandString(frame, r.word) === '2') {
      // `>&2`: standard output goes to standard error (`echo Installing… >&2` prints nothing a capture sees).
      frame.sink = { kind: 'discard' };
    } else if (r.op === 'hdoc') {
      frame.stdin = expandString(frame, r.hdoc);
    } else if (r.op === 'herestring') {
      frame.stdin = `${expandString(frame, r.word)}\n`;
    } else if (r.op === 'in') {
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
  return fileSink(resolvePath(frame, target), append);
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
      const outcomes: Array<{ values: Map<string, Value | undefined>; when: Formula }> = [];
      // What the variables held before the if, for the names any branch wrote.
      const before = new Map<string, Value | undefined>();
      let exhaustive = false;
      for (const c of cmd.clauses) {
        const truth = c.cond.length === 0 ? true : staticTruth(frame, c.cond);
        if (truth === false) continue;
        const f = truth === true ? TRUE : conditionFormula(frame, c.cond);
        const journal = frame.vars.begin();
        try {
          underCondition(frame, none, () => runStmts(frame, c.cond));
          underCondition(frame, and(none, f), () => runStmts(frame, c.then));
        } finally {
          frame.vars.end(journal);
        }
        if (!charge(frame, journal.size + 1)) return;
        const values = new Map<string, Value | undefined>();
        for (const [key, old] of journal) {
          if (!before.has(key)) before.set(key, old);
          values.set(key, frame.vars.get(key));
        }
        outcomes.push({ values, when: and(none, f) });
        if (truth === true) {
          exhaustive = true;
          break;
        }
        none = and(none, not(f));
        // The next branch starts from the variables before the if (the last one run is left as it ended).
        frame.vars.undo(journal);
      }
      if (outcomes.length === 0) return;
      // Left as the last branch ended: its writes are redone over the undo.
      const last = outcomes[outcomes.length - 1]!;
      for (const [key, value] of last.values) {
        if (value === undefined) frame.vars.delete(key);
        else frame.vars.set(key, value);
      }
      if (!exhaustive) outcomes.push({ values: new Map(), when: none });
      if (outcomes.length > 1) joinBranchVars(frame, outcomes, before);
      return;
    }
    case 'While':
      runStmts(frame, cmd.cond);
      runStmts(frame, cmd.body);
      return;
    case 'For':
      runFor(frame, cmd, line);
      return;
    case 'Case': {
      const word = expandString(frame, cmd.word);
      cmd.branches.forEach((b, i) => underCondition(frame, shellAtom(`case ${word} branch ${i + 1} at line ${line}`), () => runStmts(frame, b)));
      return;
    }
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

/**
 * After an undecided `if`: each variable the branches left with different values holds all of them, each under its
 * branch's condition, written as one conditional value (commands that use it run once per alternative).
 * frame.vars holds what the last branch run left; only the variables the outcomes disagree on change. An outcome
 * that did not write a name holds its value from before the if (`before`).
 */
function joinBranchVars(frame: Frame, outcomes: Array<{ values: Map<string, Value | undefined>; when: Formula }>, before: Map<string, Value | undefined>): void {
  for (const [key, old] of before) {
    const values = outcomes.map((o) => (o.values.has(key) ? o.values.get(key) : old));
    if (values.some((v) => v?.items)) continue; // arrays keep the last branch's value
    const first = values[0]?.text;
    if (values.every((v) => v?.text === first)) continue;
    const text = alternativesText(outcomes.map((o, i) => ({ text: values[i]?.text ?? '', when: o.when })));
    frame.vars.set(key, { text: fitsValue(frame, text.length) ? text : oversized(frame, `value of ${key}`) });
  }
}

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

function isTestCall(stmt: Stmt): boolean {
  const c = stmt.cmd;
  if (!c || c.t !== 'Call' || c.args.length === 0) return false;
  const first = c.args[0]!.parts[0];
  return first?.t === 'Lit' && (first.value === '[' || first.value === 'test' || first.value === 'true' || first.value === 'false');
}

function runFor(frame: Frame, cmd: Cmd & { t: 'For' }, line: number): void {
  const name = cmd.name;
  if (name === undefined) {
    runStmts(frame, cmd.body);
    return;
  }
  let items: string[] = cmd.items ? expandArgv(frame, cmd.items) : (frame.positional ?? ['$@']);
  if (items.length > MAX_LOOP_ITEMS) {
    frame.state.limits.push(`loop bound (${MAX_LOOP_ITEMS} items) hit at ${frame.source.file}:${locationOf(frame, line).line}; remaining items not analysed`);
    items = items.slice(0, MAX_LOOP_ITEMS);
  }
  if (!items.length) items = [`$${name}`];
  for (const item of items) {
    frame.vars.set(name, { text: item });
    runStmts(frame, cmd.body);
  }
}

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
    if (!as.naked || as.array) assign(frame, as);
    else if (!frame.vars.has(name) && !exporting) frame.vars.set(name, { text: '' });
    if (exporting) frame.exported.add(name);
  }
}

function assign(frame: Frame, as: Assign): void {
  const name = as.name;
  if (!name) return;
  if (as.array) {
    const items = as.append ? [...(frame.vars.get(name)?.items ?? [])] : [];
    // An array holds at most the value cap in characters (one more per item): `a=("${a[@]}" "${a[@]}")` doubles.
    let size = 0;
    for (const item of items) size += item.length + 1;
    for (const w of as.array) {
      for (const item of expandFields(frame, w)) {
        size += item.length + 1;
        if (!fitsValue(frame, size)) {
          const marker = oversized(frame, `value of ${name}`);
          frame.vars.set(name, { text: marker, items: [marker] });
          return;
        }
        items.push(item);
      }
    }
    frame.vars.set(name, { text: items[0] ?? '', items });
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
    case 'tr':
      if (frame.stdin !== undefined) writeOut(frame, translate(frame.stdin, rest));
      else markUnknown();
      return;
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
  try {
    runStmt(frame, fn.body);
  } finally {
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
  if (stdin !== undefined && !isWhollyDynamic(stdin.trim())) {
    const nl = stdin.indexOf('\n');
    const firstLine = nl < 0 ? stdin : stdin.slice(0, nl);
    const fields = splitOnIfs(firstLine, lookupVar(frame, 'IFS'));
    if (arrayName) frame.vars.set(arrayName, { text: fields[0] ?? '', items: fields });
    names.forEach((n, idx) => frame.vars.set(n, { text: idx === names.length - 1 ? fields.slice(idx).join(' ') : (fields[idx] ?? '') }));
    return;
  }
  if (arrayName) frame.vars.set(arrayName, { text: `$(read ${arrayName})` });
  for (const n of names) frame.vars.set(n, { text: `$(read ${n})` });
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

function translate(text: string, args: string[]): string {
  const [from, to] = args.filter((a) => !a.startsWith('-'));
  const upper = /^(\[:upper:\]|A-Z|'A-Z')$/;
  const lower = /^(\[:lower:\]|a-z)$/;
  if (from && to && upper.test(from) && lower.test(to)) return mapLiteralParts(text, (s) => s.toLowerCase());
  if (from && to && lower.test(from) && upper.test(to)) return mapLiteralParts(text, (s) => s.toUpperCase());
  if (args.includes('-d') && from === '\\n') return text.replace(/\n/g, '');
  return text;
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
  const pipe = newPipe();
  const savedSink = frame.sink;
  const savedStdin = frame.stdin;
  frame.sink = pipe;
  frame.stdin = undefined;
  try {
    runStmts(frame, node.stmts);
  } finally {
    frame.sink = savedSink;
    frame.stdin = savedStdin;
  }
  if (node.t !== 'CmdSubst' || pipe.unknown || !node.stmts.length) return undefined;
  return trimTrailingNewlines(pipe.buffer.join(''));
};
