import type { OperatorTable, ShNode } from './parser.js';

/**
 * A plain-object copy of the mvdan-sh syntax tree with only what the analysis reads. Every property read on a
 * GopherJS node converts Go values into fresh JS objects (slow, garbage-heavy), so the tree is converted once and
 * loops, functions and repeated calls walk the copy.
 */

export interface Word {
  parts: Part[];
}

/** Byte offsets of a node in its source, computed on demand (positions are costly to read from the parser). */
export type Span = () => { start: number; end: number };

export type Part =
  | { t: 'Lit'; value: string }
  | { t: 'SglQuoted'; value: string; dollar: boolean }
  | { t: 'DblQuoted'; parts: Part[] }
  | ParamPart
  | { t: 'CmdSubst' | 'ProcSubst'; stmts: Stmt[]; span: Span }
  | { t: 'Other'; span: Span };

export interface ParamPart {
  t: 'ParamExp';
  name: string;
  excl: boolean;
  length: boolean;
  index: Word | null;
  slice: { offset: Word | null; length: Word | null } | null;
  repl: { all: boolean; orig: Word | null; with: Word | null } | null;
  exp: { op: string; word: Word | null } | null;
  span: Span;
}

export interface Stmt {
  line: number;
  cmd: Cmd | null;
  redirs: Redir[];
  /** `! cmd`: the statement's status is inverted. */
  negated?: boolean;
}

export interface Redir {
  op: 'out' | 'hdoc' | 'herestring' | 'in' | 'other';
  fd: string | undefined;
  word: Word | null;
  hdoc: Word | null;
  /** `>>` / `&>>`: output is appended to the file. */
  append?: boolean;
}

export interface Assign {
  name: string | undefined;
  naked: boolean;
  append: boolean;
  value: Word | null;
  /** `A[i]=x`: the index (null for a plain name, and for an arithmetic index that is not a plain number or name). */
  index?: Word | null;
  array: Word[] | null;
}

export type Cmd =
  | { t: 'Call'; assigns: Assign[]; args: Word[] }
  | { t: 'Binary'; op: 'and' | 'or' | 'pipe'; x: Stmt; y: Stmt; xSpan: Span }
  | { t: 'Block'; stmts: Stmt[] }
  | { t: 'If'; clauses: Array<{ cond: Stmt[]; then: Stmt[] }> }
  | { t: 'While'; cond: Stmt[]; body: Stmt[]; until: boolean }
  | { t: 'For'; name: string | undefined; items: Word[] | null; body: Stmt[] }
  | { t: 'Case'; word: Word | null; branches: CaseArm[] }
  | { t: 'Func'; name: string; body: Stmt }
  | { t: 'Decl'; variant: string; args: Assign[] }
  | { t: 'Wrap'; stmt: Stmt | null }
  | { t: 'Test'; expr: TestExpr | null }
  /** Where the script nests deeper than MAX_SYNTAX_DEPTH: conversion stopped here, and analysis stops here. */
  | { t: 'TooDeep' }
  | { t: 'Other' };

/**
 * How deeply statements, words and tests may nest in one parsed source (each `(…)`, `{…}`, `if`, loop body,
 * `$(…)`, `"…"`, `${x:-…}` and `[[ ( … ) ]]` is one level). Real scripts stay below 20; the bound keeps every walk
 * over the tree far from the stack's end. Lists (`a && b && …`, `a | b | …`) are not nesting: they are walked
 * link by link, at any length.
 */
export const MAX_SYNTAX_DEPTH = 100;

/** One link of a list `x op y`, where `node` is the statement holding it and `x` the list before it. */
export interface ListLink {
  node: Stmt;
  op: 'and' | 'or' | 'pipe';
  y: Stmt;
  xSpan: Span;
}

/**
 * A list as its first statement and its links, outermost last: the parser nests `a && b || c` as
 * `(a && b) || c`, so the spine runs down the left side. `andOrOnly` stops at pipelines (which bind tighter and are
 * one operand of `&&`/`||`).
 */
export function listSpine(stmt: Stmt, andOrOnly: boolean): { first: Stmt; links: ListLink[] } {
  const links: ListLink[] = [];
  let node = stmt;
  while (node.cmd?.t === 'Binary' && !(andOrOnly && node.cmd.op === 'pipe')) {
    links.push({ node, op: node.cmd.op, y: node.cmd.y, xSpan: node.cmd.xSpan });
    node = node.cmd.x;
  }
  return { first: node, links: links.reverse() };
}

/**
 * One arm of a `case`: its patterns (`a|b)` is two), its body, and how it ends: `;;` stops, `;&` runs the next
 * arm's body without testing it, `;;&` goes on testing the arms after it.
 */
export interface CaseArm {
  patterns: Word[];
  stmts: Stmt[];
  end: 'stop' | 'fallthrough' | 'resume';
}

/** A `[[ … ]]` expression; operators by spelling. */
export type TestExpr =
  | { k: 'binary'; op: string; x: TestExpr | null; y: TestExpr | null }
  | { k: 'unary'; op: string; x: TestExpr | null }
  | { k: 'word'; word: Word };

export interface Converter {
  ops: OperatorTable;
  /** Line from a raw position's packed `lineCol` (the bit split is learned from a probe at load time). */
  lineShift: number;
}

/** A conversion in progress: the nesting depth and the line of the statement being converted. */
interface Conversion extends Converter {
  depth: number;
  line: number;
}

class TooDeep extends Error {}

function enter(c: Conversion): void {
  if (++c.depth > MAX_SYNTAX_DEPTH) throw new TooDeep();
}

/*
 * The converter reads the raw GopherJS values behind the wrappers (`__internal_object__`): Go structs with their
 * Go field names, slices as {$array, $offset, $length}, strings as UTF-8 byte strings. Reading through the wrappers
 * instead externalizes a fresh JS object on every property access, which made conversion 20× slower than parsing.
 */

const items = <T>(slice: ShNode, f: (x: ShNode) => T): T[] => {
  const out: T[] = [];
  if (!slice || !slice.$array) return out;
  for (let i = 0; i < slice.$length; i++) out.push(f(slice.$array[slice.$offset + i]));
  return out;
};

/** Nil pointers and nil interfaces are sentinel objects, not null. */
function isNil(x: ShNode): boolean {
  return x === null || x === undefined || x.constructor?.nil === x || x.$val === undefined;
}

function typeOf(x: ShNode): string {
  const name: string | undefined = x?.constructor?.string;
  return name && name.startsWith('*syntax.') ? name.slice('*syntax.'.length) : '';
}

/** Go strings are byte strings in GopherJS: decode UTF-8 when there is any non-ASCII byte. */
function str(s: ShNode): string {
  const v = typeof s === 'string' ? s : String(s ?? '');
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(v) ? Buffer.from(v, 'latin1').toString('utf8') : v;
}

const offs = (pos: ShNode): number => Number(pos?.offs ?? 0);

/**
 * The file's statements. Where nesting passes MAX_SYNTAX_DEPTH, the statements before are kept and a `TooDeep`
 * statement (at the line where the bound was passed) ends the list.
 */
export function convertRawFile(converter: Converter, rawFile: ShNode): Stmt[] {
  const c: Conversion = { ...converter, depth: 0, line: 1 };
  const out: Stmt[] = [];
  const slice = rawFile.Stmts;
  for (let i = 0; slice?.$array && i < slice.$length; i++) {
    const raw = slice.$array[slice.$offset + i];
    try {
      c.depth = 0;
      out.push(convertStmt(c, raw));
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      out.push({ line: c.line, cmd: { t: 'TooDeep' }, redirs: [] });
      break;
    }
  }
  return out;
}

function convertStmts(c: Conversion, slice: ShNode): Stmt[] {
  return items(slice, (s) => convertStmt(c, s));
}

const lineOf = (c: Conversion, s: ShNode): number => Number(s.Position.lineCol) >>> c.lineShift;

function convertStmt(c: Conversion, s: ShNode): Stmt {
  enter(c);
  const outerLine = c.line;
  c.line = lineOf(c, s);
  const stmt = typeOf(s.Cmd) === 'BinaryCmd' ? convertList(c, s) : plainStmt(c, s, isNil(s.Cmd) ? null : convertCmd(c, s.Cmd));
  c.line = outerLine;
  c.depth--;
  return stmt;
}

function plainStmt(c: Conversion, s: ShNode, cmd: Cmd | null): Stmt {
  return {
    line: lineOf(c, s),
    cmd,
    redirs: items(s.Redirs, (r) => convertRedir(c, r)),
    ...(s.Negated ? { negated: true } : {}),
  };
}

/**
 * `a && b || c | d …`: the parser nests lists down their left side, one level per link. They are converted link by
 * link (no recursion along the spine), so a list of 20,000 commands costs no stack.
 */
function convertList(c: Conversion, top: ShNode): Stmt {
  const spine: ShNode[] = [];
  let s = top;
  while (typeOf(s.Cmd) === 'BinaryCmd') {
    spine.push(s);
    s = s.Cmd.X;
  }
  let acc = convertStmt(c, s);
  for (let i = spine.length - 1; i >= 0; i--) {
    const node = spine[i]!;
    const cmd = node.Cmd;
    const code = Number(cmd.Op);
    const op = code === c.ops.and ? 'and' : code === c.ops.or ? 'or' : 'pipe';
    const start = offs(cmd.X.Position);
    const end = offs(cmd.OpPos);
    acc = plainStmt(c, node, { t: 'Binary', op, x: acc, y: convertStmt(c, cmd.Y), xSpan: () => ({ start, end }) });
  }
  return acc;
}

function convertRedir(c: Conversion, r: ShNode): Redir {
  const o = c.ops;
  const code = Number(r.Op);
  const op: Redir['op'] = [o.redirOut, o.appendOut, o.clobberOut, o.redirAll, o.appendAll].includes(code)
    ? 'out'
    : code === o.hdoc || code === o.dashHdoc
      ? 'hdoc'
      : code === o.hereString
        ? 'herestring'
        : code === o.redirIn
          ? 'in'
          : 'other';
  return {
    op,
    fd: isNil(r.N) ? undefined : str(r.N.Value),
    word: isNil(r.Word) ? null : convertWord(c, r.Word),
    hdoc: isNil(r.Hdoc) ? null : convertWord(c, r.Hdoc),
    ...(code === o.appendOut || code === o.appendAll ? { append: true } : {}),
  };
}

function convertCmd(c: Conversion, cmd: ShNode): Cmd {
  switch (typeOf(cmd)) {
    case 'CallExpr':
      return { t: 'Call', assigns: items(cmd.Assigns, (a) => convertAssign(c, a)), args: items(cmd.Args, (w) => convertWord(c, w)) };
    case 'Block':
    case 'Subshell':
      return { t: 'Block', stmts: convertStmts(c, cmd.Stmts) };
    case 'IfClause': {
      const clauses: Array<{ cond: Stmt[]; then: Stmt[] }> = [];
      for (let k: ShNode = cmd; !isNil(k); k = k.Else) clauses.push({ cond: convertStmts(c, k.Cond), then: convertStmts(c, k.Then) });
      return { t: 'If', clauses };
    }
    case 'WhileClause':
      return { t: 'While', cond: convertStmts(c, cmd.Cond), body: convertStmts(c, cmd.Do), until: Boolean(cmd.Until) };
    case 'ForClause': {
      const loop = cmd.Loop;
      if (typeOf(loop) !== 'WordIter') return { t: 'For', name: undefined, items: [], body: convertStmts(c, cmd.Do) };
      const list = loop.Items;
      // `for x; do` runs over "$@" (items null); `for x in; do` over nothing.
      const hasIn = Number(loop.InPos?.lineCol ?? 0) !== 0;
      return { t: 'For', name: str(loop.Name.Value), items: list && list.$length ? items(list, (w) => convertWord(c, w)) : hasIn ? [] : null, body: convertStmts(c, cmd.Do) };
    }
    case 'CaseClause':
      return {
        t: 'Case',
        word: isNil(cmd.Word) ? null : convertWord(c, cmd.Word),
        branches: items(cmd.Items, (i) => ({
          patterns: items(i.Patterns, (w) => convertWord(c, w)),
          stmts: convertStmts(c, i.Stmts),
          end: Number(i.Op) === c.ops.caseFallthrough ? 'fallthrough' : Number(i.Op) === c.ops.caseResume ? 'resume' : 'stop',
        })),
      };
    case 'FuncDecl':
      return { t: 'Func', name: str(cmd.Name.Value), body: convertStmt(c, cmd.Body) };
    case 'DeclClause':
      return { t: 'Decl', variant: isNil(cmd.Variant) ? '' : str(cmd.Variant.Value), args: items(cmd.Args, (a) => convertAssign(c, a)) };
    case 'TestClause':
      return { t: 'Test', expr: convertTest(c, cmd.X) };
    case 'TimeClause':
    case 'CoprocClause':
      return { t: 'Wrap', stmt: isNil(cmd.Stmt) ? null : convertStmt(c, cmd.Stmt) };
    default:
      return { t: 'Other' };
  }
}

function convertTest(c: Conversion, x: ShNode): TestExpr | null {
  if (isNil(x)) return null;
  enter(c);
  const e = convertTestNode(c, x);
  c.depth--;
  return e;
}

function convertTestNode(c: Conversion, x: ShNode): TestExpr | null {
  switch (typeOf(x)) {
    case 'BinaryTest':
      return { k: 'binary', op: c.ops.testOps.get(Number(x.Op)) ?? '?', x: convertTest(c, x.X), y: convertTest(c, x.Y) };
    case 'UnaryTest':
      return { k: 'unary', op: c.ops.testOps.get(Number(x.Op)) ?? '?', x: convertTest(c, x.X) };
    case 'ParenTest':
      return convertTest(c, x.X);
    case 'Word':
      return { k: 'word', word: convertWord(c, x) };
    default:
      return null;
  }
}

function convertAssign(c: Conversion, a: ShNode): Assign {
  const arr = a.Array;
  return {
    name: isNil(a.Name) ? undefined : str(a.Name.Value),
    naked: Boolean(a.Naked),
    append: Boolean(a.Append),
    value: isNil(a.Value) ? null : convertWord(c, a.Value),
    index: isNil(a.Index) ? null : maybeWord(c, a.Index),
    array: isNil(arr) ? null : items(arr.Elems, (e) => (isNil(e.Value) ? null : convertWord(c, e.Value))).filter((w): w is Word => w !== null),
  };
}

function convertWord(c: Conversion, w: ShNode): Word {
  return { parts: items(w.Parts, (p) => convertPart(c, p)) };
}

/** An arithmetic operand is a Word only when it is a plain number or name. */
function maybeWord(c: Conversion, n: ShNode): Word | null {
  return !isNil(n) && typeOf(n) === 'Word' ? convertWord(c, n) : null;
}

function convertPart(c: Conversion, p: ShNode): Part {
  enter(c);
  const part = convertPartNode(c, p);
  c.depth--;
  return part;
}

function convertPartNode(c: Conversion, p: ShNode): Part {
  const type = typeOf(p);
  switch (type) {
    case 'Lit':
      return { t: 'Lit', value: str(p.Value) };
    case 'SglQuoted':
      return { t: 'SglQuoted', value: str(p.Value), dollar: Boolean(p.Dollar) };
    case 'DblQuoted':
      return { t: 'DblQuoted', parts: items(p.Parts, (x) => convertPart(c, x)) };
    case 'ParamExp': {
      const sl = p.Slice;
      const repl = p.Repl;
      const exp = p.Exp;
      const start = offs(p.Dollar);
      const end = p.Short ? (isNil(p.Param) ? start + 2 : offs(p.Param.ValueEnd)) : offs(p.Rbrace) + 1;
      return {
        t: 'ParamExp',
        name: isNil(p.Param) ? '' : str(p.Param.Value),
        excl: Boolean(p.Excl),
        length: Boolean(p.Length),
        index: isNil(p.Index) ? null : maybeWord(c, p.Index),
        slice: isNil(sl) ? null : { offset: maybeWord(c, sl.Offset), length: maybeWord(c, sl.Length) },
        repl: isNil(repl) ? null : { all: Boolean(repl.All), orig: isNil(repl.Orig) ? null : convertWord(c, repl.Orig), with: isNil(repl.With) ? null : convertWord(c, repl.With) },
        exp: isNil(exp) ? null : { op: c.ops.paramOps.get(Number(exp.Op)) ?? '', word: isNil(exp.Word) ? null : convertWord(c, exp.Word) },
        span: () => ({ start, end }),
      };
    }
    case 'CmdSubst': {
      const start = offs(p.Left);
      const end = offs(p.Right) + 1;
      return { t: 'CmdSubst', stmts: convertStmts(c, p.Stmts), span: () => ({ start, end }) };
    }
    case 'ProcSubst': {
      const start = offs(p.OpPos);
      const end = offs(p.Rparen) + 1;
      return { t: 'ProcSubst', stmts: convertStmts(c, p.Stmts), span: () => ({ start, end }) };
    }
    case 'ArithmExp': {
      const start = offs(p.Left);
      const end = offs(p.Right) + 2;
      return { t: 'Other', span: () => ({ start, end }) };
    }
    default: {
      const start = offs(p.OpPos ?? p.Left ?? p.ValuePos);
      return { t: 'Other', span: () => ({ start, end: start }) };
    }
  }
}
