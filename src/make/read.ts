import { posix } from 'node:path';
import { ruleFinding } from '../model/rule-finding.js';
import { normalizeRelPath } from '../discover/repo.js';
import type { Location } from '../model/location.js';
import { expand } from './expand.js';
import { joinNormal, joinRecipe, lexMakefile, readMakefile, type LogicalLine } from './lex.js';
import { addLimit, boundHit, lookup, type MakeState, type Rule, type TargetAssignment, type Variable } from './state.js';
import { findCommentStart, findTopLevel, isUnknown, looksUnresolved, markUnknown, stripComment, stripMarks, words } from './text.js';
import { charge, tooLong, UNKNOWN_VALUE, unknownReference } from './values.js';
import { and, FALSE, foreignAtom, not, TRUE, type Formula } from '../logic/formula.js';
import { alternativesText, mayHoldAlternatives, wholeExpression } from '../expr/expr.js';
import { wildcard } from './wildcard.js';

/** How a makefile line divides: an assignment (`NAME op value`), a rule (`targets: …`) or neither. */
type LineShape = { kind: 'assign'; name: string; op: string; value: string } | { kind: 'rule'; colon: number } | { kind: 'none' };

/** Finds the first assignment operator or rule colon outside variable references. */
export function classify(text: string): LineShape {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '$') {
      const next = text[i + 1];
      if (next === '(' || next === '{') {
        const close = findCloseSafe(text, i + 1);
        i = close;
      } else i++;
      continue;
    }
    if (ch === '=') return { kind: 'assign', name: text.slice(0, i).trim(), op: '=', value: text.slice(i + 1).replace(/^[ \t]+/, '') };
    if ((ch === '?' || ch === '+' || ch === '!') && text[i + 1] === '=') {
      return { kind: 'assign', name: text.slice(0, i).trim(), op: ch + '=', value: text.slice(i + 2).replace(/^[ \t]+/, '') };
    }
    if (ch === ':') {
      const op = /^:{1,3}=/.exec(text.slice(i));
      if (op) return { kind: 'assign', name: text.slice(0, i).trim(), op: op[0], value: text.slice(i + op[0].length).replace(/^[ \t]+/, '') };
      return { kind: 'rule', colon: i };
    }
  }
  return { kind: 'none' };
}

function findCloseSafe(text: string, open: number): number {
  const o = text[open];
  const c = o === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i;
  }
  return text.length;
}

interface Conditional {
  parentActive: boolean;
  /** A branch of this conditional was definitely taken; later branches are not. */
  decided: boolean;
  active: boolean;
  /** The condition (or an earlier one of its chain) depends on run-time values. */
  uncertain: boolean;
  location: Location;
  /** While a branch whose condition is run-time is being read: what its assignments are joined with (see BranchJoin). */
  join?: BranchJoin;
}

/**
 * The assignments of a conditional whose branches all may be taken (its condition depends on run-time values):
 * each branch is read from the variables as they were before the conditional, and at `endif` every name some
 * branch assigned holds the value of each branch under that branch's condition (the value from before on the
 * paths where no branch assigned it, including the missing `else`). Last-write-wins would claim the last branch.
 */
interface BranchJoin {
  /** The global variables before the conditional. */
  before: Map<string, Variable>;
  /** What each branch read so far left, with its condition. */
  branches: Array<{ vars: Map<string, Variable>; when: Formula }>;
  /** The condition of the branch being read, and that no branch before it was taken. */
  current: Formula;
  rest: Formula;
  /** The chain has an `else` (then no path skips every branch). */
  hasElse: boolean;
}

/** Reading position of one makefile (or `$(eval)` text). */
interface Reader {
  file: string;
  conditionals: Conditional[];
  /** Rules the following recipe lines belong to; 'ignore' after a rule with no targets; undefined outside rule context. */
  ruleContext?: Rule[] | 'ignore';
  define?: { name: string; op: string; override: boolean; exported?: boolean; body: string[]; nesting: number; location: Location };
  /** A define inside a branch not taken: its body is skipped. */
  skipDefine?: number;
  includeDepth: number;
}

/** Certain pattern rules by targets and prerequisites, to find the one a new definition replaces. */
const patternRuleKeys = new WeakMap<MakeState, Map<string, Rule>>();

const CONDITIONAL = /^(ifeq|ifneq|ifdef|ifndef|else|endif)(?=[\s(]|$)/;

/** Reads one makefile (and what it includes) into the state. */
export function readFile(state: MakeState, path: string, name: string, includeDepth: number, optional: boolean, from?: Location): void {
  if (state.makefilesRead >= state.bounds.maxMakefiles) {
    boundHit(state, `makefile count bound (${state.bounds.maxMakefiles})`, `${path} not read`);
    return;
  }
  const lexed = readMakefile(state.repo, path);
  if (!lexed.ok) {
    if (!optional) {
      const where = from ? ` (included at ${from.file}:${from.line})` : '';
      addLimit(state, `make: makefile ${path} not read: ${lexed.reason}${where}`);
    }
    return;
  }
  state.makefilesRead++;
  appendVariable(state, 'MAKEFILE_LIST', name);
  readLines(state, lexed.lines, { file: path, conditionals: [], includeDepth });
}

/** `$(eval text)`: the text is read as makefile lines; everything it defines is attributed to the eval's location. */
export function evalText(state: MakeState, text: string, at: Location): void {
  const lines = lexMakefile(text).map((l) => ({ ...l, line: at.line }));
  const saved = { ...state.current };
  readLines(state, lines, { file: at.file, conditionals: [], includeDepth: 0 });
  state.current.file = saved.file;
  state.current.line = saved.line;
}

function readLines(state: MakeState, lines: LogicalLine[], reader: Reader): void {
  for (const logical of lines) {
    // Updated in place: one allocation per line adds up over a thousand-line Makefile read many times.
    state.current.file = reader.file;
    state.current.line = logical.line;
    readLine(state, reader, logical);
  }
  if (reader.define) {
    parseProblem(state, reader.define.location, `missing 'endef' for define ${reader.define.name}`);
    reader.define = undefined;
  }
  if (reader.conditionals.length > 0) {
    parseProblem(state, reader.conditionals[reader.conditionals.length - 1].location, "missing 'endif'");
  }
}

function parseProblem(state: MakeState, location: Location, message: string): void {
  const key = `${location.file}:${location.line}: ${message}`;
  if (state.findings.some((f) => `${f.location.file}:${f.location.line}: ${f.message}` === key)) return;
  state.findings.push(ruleFinding('parse-error', `Makefile: ${message}`, location));
}

function isActive(reader: Reader): boolean {
  for (const c of reader.conditionals) if (!c.active) return false;
  return true;
}

interface Preprocessed {
  raw: string;
  text: string;
  conditional?: [string, string];
}

/** What does not depend on the invocation (joining, comment removal, directive keyword), cached on the line. */
const preprocessed = new WeakMap<LogicalLine, Preprocessed>();

function preprocess(logical: LogicalLine): Preprocessed {
  let pre = preprocessed.get(logical);
  if (pre) return pre;
  const raw = joinNormal(logical.parts);
  const text = stripComment(raw).trim();
  const cond = text ? CONDITIONAL.exec(text) : null;
  pre = { raw, text, ...(cond ? { conditional: [cond[1], text.slice(cond[0].length).trim()] as [string, string] } : {}) };
  preprocessed.set(logical, pre);
  return pre;
}

function readLine(state: MakeState, reader: Reader, logical: LogicalLine): void {
  const first = logical.parts[0];
  const location: Location = { file: reader.file, line: logical.line };

  if (reader.skipDefine !== undefined || reader.define) {
    const trimmed = first.trim();
    const nestedDefine = /^(?:(?:override|export|private)\s+)*define(?:\s|$)/.test(trimmed);
    const ends = /^endef(?:\s|#|$)/.test(trimmed);
    if (reader.skipDefine !== undefined) {
      if (nestedDefine) reader.skipDefine++;
      else if (ends && --reader.skipDefine === 0) reader.skipDefine = undefined;
      return;
    }
    const d = reader.define!;
    if (nestedDefine) d.nesting++;
    if (ends && --d.nesting === 0) {
      reader.define = undefined;
      assign(state, d.name, d.op, d.body.join('\n'), d.override, d.exported, location);
      return;
    }
    d.body.push(logical.parts.join('\n'));
    return;
  }

  // A line starting with the recipe prefix inside a rule's context is a recipe line, even one that reads `ifeq`.
  if (reader.ruleContext && first.startsWith(state.recipePrefix)) {
    if (!isActive(reader) || reader.ruleContext === 'ignore') return;
    const text = joinRecipe(logical.parts, state.recipePrefix).slice(state.recipePrefix.length);
    for (const rule of reader.ruleContext) rule.recipe.push({ text, file: reader.file, line: logical.line });
    return;
  }

  const pre = preprocess(logical);
  const { raw, text } = pre;
  if (!text) return;

  if (pre.conditional) {
    conditional(state, reader, pre.conditional[0], pre.conditional[1], location);
    return;
  }
  if (!isActive(reader)) {
    if (/^(?:(?:override|export|private)\s+)*define(?:\s|$)/.test(text)) reader.skipDefine = 1;
    return;
  }

  // Modifiers that may precede an assignment or define.
  let rest = text;
  let override = false;
  let exported: boolean | undefined;
  for (;;) {
    const m = /^(override|export|unexport|private)(?:\s+|$)/.exec(rest);
    if (!m) break;
    const after = rest.slice(m[0].length);
    // `export: foo` or `override = x` name a target or variable, not the modifier.
    if (/^[:=]/.test(after) || /^[?+!]=/.test(after)) break;
    if (m[1] === 'override') override = true;
    else if (m[1] === 'export') exported = true;
    else if (m[1] === 'unexport') exported = false;
    rest = after;
  }

  const define = /^define(?:\s+|$)(.*)$/.exec(rest);
  if (define) {
    reader.ruleContext = undefined;
    const spec = define[1].trim();
    const op = /\s*(::?=|:::=|\+=|\?=|!=|=)$/.exec(spec);
    const name = expand(state, op ? spec.slice(0, op.index) : spec, undefined).trim();
    reader.define = { name, op: op ? op[1] : '=', override, exported, body: [], nesting: 1, location };
    return;
  }
  if (/^endef(?:\s|$)/.test(rest)) return;

  const include = /^(-include|sinclude|include)(?:\s+|$)(.*)$/.exec(rest);
  if (include && rest === text) {
    reader.ruleContext = undefined;
    readIncludes(state, reader, include[1] !== 'include', include[2], location);
    return;
  }
  if (/^undefine\s/.test(rest)) {
    reader.ruleContext = undefined;
    for (const n of words(expand(state, rest.slice(9), undefined))) state.globals.vars.delete(n);
    return;
  }
  if (/^(vpath|load|-load)(\s|$)/.test(rest)) return;

  const shape = classify(rest);
  if (shape.kind === 'assign') {
    reader.ruleContext = undefined;
    const name = expand(state, shape.name, undefined).trim();
    if (name) assign(state, name, shape.op, shape.value, override, exported, location);
    return;
  }
  if (exported !== undefined && (shape.kind === 'none' || rest !== text)) {
    // `export` alone exports everything; `export A B` / `unexport A` mark names.
    reader.ruleContext = undefined;
    const names = words(expand(state, rest, undefined));
    if (names.length === 0) state.exportAll = exported;
    for (const n of names) markExport(state, n, exported);
    return;
  }
  if (shape.kind === 'rule') {
    readRule(state, reader, raw, text, shape.colon, location);
    return;
  }
  // A line that is neither: make runs it for its side effects ($(eval …), $(info …)).
  reader.ruleContext = undefined;
  expand(state, text, undefined);
}

function conditional(state: MakeState, reader: Reader, keyword: string, args: string, location: Location): void {
  const stack = reader.conditionals;
  if (keyword === 'endif') {
    if (stack.length === 0) parseProblem(state, location, "extraneous 'endif'");
    else {
      const top = stack.pop()!;
      if (top.join) finishJoin(state, top.join, top.location);
    }
    return;
  }
  if (keyword === 'else') {
    const top = stack[stack.length - 1];
    if (!top) {
      parseProblem(state, location, "extraneous 'else'");
      return;
    }
    const chained = CONDITIONAL.exec(args);
    if (chained && chained[1] !== 'else' && chained[1] !== 'endif') {
      const condText = args.slice(chained[0].length).trim();
      const result = top.parentActive && !top.decided ? evaluate(state, chained[1], condText) : false;
      if (top.join && top.active) endBranch(state, top.join);
      top.active = top.parentActive && !top.decided && result !== false;
      top.decided = top.decided || result === true;
      top.uncertain = top.uncertain || result === 'unknown';
      if (top.join && top.active) startBranch(top.join, branchCondition(chained[1]!, condText, result, location));
    } else {
      if (top.join && top.active) endBranch(state, top.join);
      top.active = top.parentActive && !top.decided;
      top.decided = true;
      if (top.join && top.active) {
        top.join.hasElse = true;
        startBranch(top.join, TRUE);
      }
    }
    return;
  }
  const parentActive = isActive(reader);
  const result = parentActive ? evaluate(state, keyword, args) : false;
  const entry: Conditional = { parentActive, active: parentActive && result !== false, decided: result === true, uncertain: result === 'unknown', location };
  if (result === 'unknown' && charge(state, state.globals.vars.size + 1)) {
    const cond = branchCondition(keyword, args, result, location);
    entry.join = { before: new Map(state.globals.vars), branches: [], current: cond, rest: not(cond), hasElse: false };
  }
  stack.push(entry);
}

/** The condition of one branch: decided, or an atom naming the test and where it is. */
function branchCondition(keyword: string, args: string, result: boolean | 'unknown', location: Location): Formula {
  if (result !== 'unknown') return result ? TRUE : FALSE;
  return foreignAtom('make', `${keyword} ${args} at ${location.file}:${location.line}`);
}

function startBranch(join: BranchJoin, cond: Formula): void {
  join.current = and(join.rest, cond);
  join.rest = and(join.rest, not(cond));
}

/** Keeps what the branch left and resets the variables to their values before the conditional. */
function endBranch(state: MakeState, join: BranchJoin): void {
  const vars = state.globals.vars;
  join.branches.push({ vars: new Map(vars), when: join.current });
  vars.clear();
  for (const [k, v] of join.before) vars.set(k, v);
  charge(state, join.before.size + 1);
}

function finishJoin(state: MakeState, join: BranchJoin, location: Location): void {
  endBranch(state, join);
  // Without an else (or when every branch could be skipped) the paths taking no branch keep the values from before.
  if (!join.hasElse) join.branches.push({ vars: join.before, when: join.rest });
  const names = new Set<string>();
  for (const b of join.branches) for (const [name, v] of b.vars) if (join.before.get(name) !== v) names.add(name);
  for (const [name] of join.before) for (const b of join.branches) if (!b.vars.has(name)) names.add(name);
  for (const name of names) {
    const values = join.branches.map((b) => b.vars.get(name));
    const joined = joinVariables(name, values, join.branches.map((b) => b.when), location);
    if (joined === undefined) state.globals.vars.delete(name);
    else state.globals.vars.set(name, joined);
  }
}

/**
 * One variable from the branches' variables: the common one when they agree; when each is plain text (no
 * reference left to expand, nothing unknown) their alternatives as one conditional value (simple, so make never
 * expands the expression); otherwise unknown — never one branch's value.
 */
function joinVariables(name: string, values: ReadonlyArray<Variable | undefined>, whens: readonly Formula[], location: Location): Variable | undefined {
  const joined = joinValues(name, values, whens, location);
  if (!joined) return joined;
  // Exported on some paths only: the recipe's shell may or may not see it (make's own references are unaffected).
  const exports = new Set(values.map((v) => (v?.exportUncertain ? 'uncertain' : v?.exported)));
  const only = exports.size === 1 ? [...exports][0] : 'uncertain';
  if (joined.exported === only && !joined.exportUncertain) return joined;
  const rest: Variable = { ...joined };
  delete rest.exported;
  delete rest.exportUncertain;
  if (only === 'uncertain') return { ...rest, exported: true, exportUncertain: true };
  return only === undefined ? rest : { ...rest, exported: only };
}

function joinValues(name: string, values: ReadonlyArray<Variable | undefined>, whens: readonly Formula[], location: Location): Variable | undefined {
  const first = values[0];
  if (values.every((v) => v === first || (v && first && v.flavor === first.flavor && v.value === first.value && v.origin === first.origin))) return first;
  const texts: string[] = [];
  for (const v of values) {
    const text = v?.value ?? '';
    // Plain text, or a value an inner conditional joined (alternatives flatten); anything else is expanded later.
    const plain = !isUnknown(text) && (!text.includes('$') || (wholeExpression(text) !== undefined && mayHoldAlternatives(text)));
    if (!plain) return { flavor: 'simple', value: unknownReference(name), origin: 'file' };
    texts.push(text);
  }
  const value = alternativesText(texts.map((text, i) => ({ text, when: whens[i]! })), `value of ${name} after the conditional at ${location.file}:${location.line}`);
  const exported = values.find((v) => v?.exported !== undefined)?.exported;
  return { flavor: 'simple', value: value.startsWith('$(') ? unknownReference(name) : value, origin: 'file', ...(exported !== undefined ? { exported } : {}) };
}

/** true / false, or 'unknown' when an operand depends on run-time values (then both branches are read). */
function evaluate(state: MakeState, keyword: string, args: string): boolean | 'unknown' {
  if (keyword === 'ifdef' || keyword === 'ifndef') {
    const name = expand(state, args, undefined).trim();
    if (isUnknown(name)) return 'unknown';
    const v = lookup(state.globals, name);
    // A value the CI fills in (`${{ vars.X }}` from the step's env) may be empty: defined or not is decided then.
    if (v && v.origin === 'environment' && looksUnresolved(v.value)) return 'unknown';
    const defined = v !== undefined && v.value !== '';
    return keyword === 'ifdef' ? defined : !defined;
  }
  const operands = splitConditionalOperands(args);
  if (!operands) return 'unknown';
  const a = expand(state, operands[0], undefined);
  const b = expand(state, operands[1], undefined);
  if (isUnknown(a) || isUnknown(b)) return 'unknown';
  const equal = a === b;
  return keyword === 'ifeq' ? equal : !equal;
}

/** `(a,b)`, `"a" "b"`, `'a' 'b'` (mixed quotes too). */
function splitConditionalOperands(args: string): [string, string] | undefined {
  if (args.startsWith('(')) {
    const close = findCloseSafe(args, 0);
    const inner = args.slice(1, close);
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      const ch = inner[i];
      if (ch === '(' || ch === '{') depth++;
      else if (ch === ')' || ch === '}') depth--;
      else if (ch === ',' && depth === 0) return [inner.slice(0, i).trim(), inner.slice(i + 1).trim()];
    }
    return undefined;
  }
  const m = /^(["'])(.*?)\1\s+(["'])(.*?)\3\s*$/.exec(args);
  return m ? [m[2], m[4]] : undefined;
}

function readIncludes(state: MakeState, reader: Reader, optional: boolean, spec: string, location: Location): void {
  if (reader.includeDepth >= state.bounds.maxIncludeDepth) {
    boundHit(state, `include depth bound (${state.bounds.maxIncludeDepth})`, 'the included files are not read');
    return;
  }
  const expanded = expand(state, spec, undefined);
  for (const word of words(expanded)) {
    if (isUnknown(word)) {
      if (!optional) addLimit(state, `make: include of a run-time name at ${location.file}:${location.line} not followed`);
      continue;
    }
    const names = /[*?[]/.test(word) ? wildcard(state.repo, state.dir, [word]) : [word];
    for (const name of names) {
      const path = normalizeRelPath(posix.join(state.dir || '.', name));
      if (path === undefined) {
        if (!optional) addLimit(state, `make: included file ${name} is outside the repository (${location.file}:${location.line}); not read`);
        continue;
      }
      readFile(state, path, name, reader.includeDepth + 1, optional, location);
    }
  }
}

function appendVariable(state: MakeState, name: string, word: string): void {
  const v = state.globals.vars.get(name);
  if (v) v.value = v.value ? `${v.value} ${word}` : word;
  else state.globals.vars.set(name, { flavor: 'simple', value: word, origin: 'file' });
}

function markExport(state: MakeState, name: string, exported: boolean): void {
  const v = state.globals.vars.get(name);
  // A new object, never the old one changed: a conditional's snapshot of the variables before it shares them.
  if (v) state.globals.vars.set(name, withExport(v, exported));
  else state.globals.vars.set(name, { flavor: 'recursive', value: '', origin: 'file', exported });
  // An exported name that is never assigned is still passed on (empty) by make only if defined; drop empty ones later.
}

/** Applies one global assignment with make's precedence: command line > override > file > environment (unless -e). */
/** The variable exported (or unexported) on every path from here: no longer uncertain. */
function withExport(v: Variable, exported: boolean): Variable {
  const next: Variable = { ...v, exported };
  delete next.exportUncertain;
  return next;
}

export function assign(state: MakeState, name: string, op: string, value: string, override: boolean, exported: boolean | undefined, location: Location): void {
  const existing = state.globals.vars.get(name);
  const next = computeAssignment(state, name, existing, op, value, override, undefined);
  if (next === undefined) {
    if (existing && exported !== undefined) state.globals.vars.set(name, withExport(existing, exported));
    return;
  }
  if (exported !== undefined) next.exported = exported;
  else if (existing?.exported !== undefined) next.exported = existing.exported;
  state.globals.vars.set(name, next);
  if (name === '.RECIPEPREFIX') {
    const p = expand(state, next.value, undefined);
    state.recipePrefix = p ? p[0] : '\t';
  }
  void location;
}

/**
 * The variable an assignment produces, or undefined when make would keep the existing one (a command-line value,
 * an environment value under -e, or `?=` on a defined variable). A value longer than the run's cap is unknown.
 */
export function computeAssignment(
  state: MakeState,
  name: string,
  existing: Variable | undefined,
  op: string,
  value: string,
  override: boolean,
  scope: Parameters<typeof expand>[2],
): Variable | undefined {
  if (existing && !override) {
    if (existing.origin === 'command line' || existing.origin === 'override') return undefined;
    if (existing.origin === 'environment override') return undefined;
  }
  const origin = override ? 'override' : 'file';
  const unknown = (): Variable => ({ flavor: 'simple', value: unknownReference(name), origin });
  switch (op) {
    case '?=':
      if (existing) return undefined;
      return { flavor: 'recursive', value, origin };
    case ':=':
    case '::=': {
      const expanded = expand(state, value, scope);
      return expanded === UNKNOWN_VALUE ? unknown() : { flavor: 'simple', value: expanded, origin };
    }
    case ':::=': {
      const expanded = expand(state, value, scope);
      if (expanded === UNKNOWN_VALUE) return unknown();
      const escaped = expanded.split('$').join('$$');
      if (!state.budget.fitsValue(escaped.length)) {
        tooLong(state, `make variable ${name}`);
        return unknown();
      }
      return { flavor: 'recursive', value: escaped, origin };
    }
    case '!=':
      // The command would run in the shell at read time; its output is unknown.
      return { flavor: 'simple', value: markUnknown(`$(shell ${stripMarks(expand(state, value, scope))})`), origin };
    case '+=': {
      if (!existing) return { flavor: 'recursive', value, origin };
      if (existing.origin === 'command line' && !override) return undefined;
      const sep = existing.value ? ' ' : '';
      const appended = existing.flavor === 'simple' ? expand(state, value, scope) : value;
      if (appended === UNKNOWN_VALUE) return unknown();
      // Doubling a variable line by line (`A += $(A)`) must not build a value past the cap.
      if (!state.budget.fitsValue(existing.value.length + sep.length + appended.length)) {
        tooLong(state, `make variable ${name}`);
        return unknown();
      }
      return { ...existing, value: existing.value + sep + appended, origin: existing.origin.startsWith('environment') ? origin : existing.origin };
    }
    default:
      return { flavor: 'recursive', value, origin };
  }
}

function readRule(state: MakeState, reader: Reader, raw: string, text: string, colon: number, location: Location): void {
  reader.ruleContext = undefined;
  const targets = words(expand(state, text.slice(0, colon), undefined));
  let after = text.slice(colon + 1);
  const doubleColon = after.startsWith(':');
  if (doubleColon) after = after.slice(1);

  // `targets: ; recipe` — the semicolon is looked for in the raw line, before any comment.
  let inlineRecipe: string | undefined;
  const rawColon = findTopLevel(raw, ':');
  const semi = findTopLevel(raw, ';', rawColon + 1);
  const comment = findCommentStart(raw);
  if (semi >= 0 && (comment < 0 || semi < comment)) {
    inlineRecipe = raw.slice(semi + 1).replace(/^[ \t]+/, '');
    const semiInText = findTopLevel(after, ';');
    if (semiInText >= 0) after = after.slice(0, semiInText);
  }

  // Target-specific variable: `targets: [override|export] VAR = value`.
  const tv = /^\s*((?:(?:override|export|private|unexport)\s+)*)(.*)$/s.exec(after)!;
  const shape = classify(tv[2]);
  if (shape.kind === 'assign' && inlineRecipe === undefined) {
    const mods = tv[1];
    const name = expand(state, shape.name, undefined).trim();
    const assignment: TargetAssignment = {
      name,
      op: shape.op,
      value: shape.op === ':=' || shape.op === '::=' ? expand(state, shape.value, undefined) : shape.value,
      override: /override/.test(mods),
      exported: /unexport/.test(mods) ? false : /export/.test(mods) ? true : undefined,
    };
    for (const t of targets) {
      if (t.includes('%')) state.patternVars.push({ pattern: t, assignment });
      else {
        const list = state.targetVars.get(t) ?? [];
        list.push(assignment);
        state.targetVars.set(t, list);
      }
    }
    return;
  }

  let staticPattern: string | undefined;
  let prereqText = after;
  if (shape.kind === 'rule') {
    staticPattern = expand(state, tv[2].slice(0, shape.colon), undefined).trim();
    prereqText = tv[2].slice(shape.colon + 1);
  }
  const prereqWords = words(expand(state, prereqText, undefined));
  const bar = prereqWords.indexOf('|');
  const prereqs = bar >= 0 ? prereqWords.slice(0, bar) : prereqWords;
  const orderOnly = bar >= 0 ? prereqWords.slice(bar + 1) : [];

  if (targets.length === 0) {
    reader.ruleContext = 'ignore';
    return;
  }
  const pattern = staticPattern === undefined && targets.some((t) => t.includes('%'));
  const rule: Rule = { targets, prereqs, orderOnly, recipe: [], doubleColon, pattern, location, ...(staticPattern !== undefined ? { staticPattern } : {}) };
  if (reader.conditionals.some((c) => c.uncertain)) rule.uncertain = true;
  if (inlineRecipe !== undefined) rule.recipe.push({ text: inlineRecipe, file: location.file, line: location.line });

  if (targets[0] === '.PHONY') {
    for (const p of prereqs) state.phony.add(p);
  } else if (targets[0] === '.EXPORT_ALL_VARIABLES') {
    state.exportAll = true;
  }
  if (pattern) {
    // GNU make: a pattern rule with the same targets and prerequisites as an earlier one replaces it. Besides being
    // make's semantics, this keeps a file repeating one pattern rule thousands of times (fuzz: 10,000 `p%:` lines
    // and a 100,000-prerequisite target took 19 s) at one rule per search. Rules read under undecided
    // conditionals are alternatives and replace nothing.
    const key = rule.uncertain ? undefined : JSON.stringify([targets, prereqs, orderOnly, doubleColon]);
    let byKey = patternRuleKeys.get(state);
    if (!byKey) patternRuleKeys.set(state, (byKey = new Map()));
    const old = key === undefined ? undefined : byKey.get(key);
    if (old) state.patternRules.splice(state.patternRules.indexOf(old), 1);
    if (key !== undefined) byKey.set(key, rule);
    state.patternRules.push(rule);
  }
  else {
    for (const t of targets) {
      const list = state.explicitRules.get(t) ?? [];
      list.push(rule);
      state.explicitRules.set(t, list);
      if (state.firstTarget === undefined && (!t.startsWith('.') || t.includes('/')) && !isUnknown(t)) state.firstTarget = t;
    }
  }
  reader.ruleContext = [rule];
}
