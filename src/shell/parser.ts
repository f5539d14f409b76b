/**
 * Lazy access to the mvdan-sh parser (a GopherJS build of mvdan/sh, three quarters of the shipped code). It is loaded
 * synchronously on the first parse, so a run that parses no script (a repository without workflows, or whose
 * scripts the relevance prefilter skips) never compiles it: that costs ~40 ms of CPU per process (bench, `--version`:
 * 105 → 65 ms on Node 24). Only src/shell/ sees its untyped nodes.
 */

import { createRequire } from 'node:module';
import { convertRawFile, type Stmt } from './ast.js';
import { fastParseShell } from './fast-parser.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type ShNode = any;

interface LoadedParser {
  syntax: ShNode;
  parser: ShNode;
  ops: OperatorTable;
  lineShift: number;
}

/** Operator codes are GopherJS numbers; they are learned from probe scripts so a new build cannot shift them silently. */
export interface OperatorTable {
  and: number;
  or: number;
  pipe: number;
  pipeAll: number;
  redirOut: number;
  appendOut: number;
  clobberOut: number;
  redirAll: number;
  appendAll: number;
  hdoc: number;
  dashHdoc: number;
  hereString: number;
  redirIn: number;
  /** How a `case` arm ends: `;&` and `;;&` (anything else stops, as `;;` does). */
  caseFallthrough: number;
  caseResume: number;
  /** ParamExp.Exp.Op → its spelling (`:-`, `,,`, `#`, …). */
  paramOps: Map<number, string>;
  /** `[[ … ]]` BinaryTest/UnaryTest Op → its spelling (`==`, `!=`, `&&`, `-z`, `!`, …). */
  testOps: Map<number, string>;
}

let loaded: LoadedParser | undefined;

/**
 * Where the parser module is: the bundles ship it as a file of its own next to them (scripts/build-config.mjs
 * defines the constant), unbundled code (the compiled tests) takes the package.
 */
declare const __IMAGE_SIGNING_AUDIT_SHELL_PARSER__: string | undefined;
const SHELL_PARSER_MODULE = typeof __IMAGE_SIGNING_AUDIT_SHELL_PARSER__ === 'string' ? __IMAGE_SIGNING_AUDIT_SHELL_PARSER__ : 'mvdan-sh';

function load(): LoadedParser {
  if (loaded) return loaded;
  // require, not import(): the parser is reached from synchronous analysis code, deep in a step.
  const mod = createRequire(import.meta.url)(SHELL_PARSER_MODULE);
  const sh = mod.default ?? mod;
  const syntax = sh.syntax;
  const parser = syntax.NewParser();
  loaded = { syntax, parser, ops: probeOperators(syntax, parser), lineShift: probeLineShift(parser) };
  return loaded;
}

/** Kept for callers that load eagerly (tests); the first parse loads the parser anyway. */
export async function loadShellParser(): Promise<void> {
  load();
}

export function isShellParserLoaded(): boolean {
  return loaded !== undefined;
}

function requireLoaded(): LoadedParser {
  return load();
}

export function shellOps(): OperatorTable {
  return requireLoaded().ops;
}

/**
 * A node's type name. `syntax.NodeType` costs ~10 µs per call (argument internalization); the GopherJS type name on
 * the wrapped object gives the same answer directly.
 */
export function nodeType(node: ShNode): string {
  const typeName = node?.__internal_object__?.constructor?.string;
  if (typeof typeName === 'string' && typeName.startsWith('*syntax.')) return typeName.slice('*syntax.'.length);
  return requireLoaded().syntax.NodeType(node);
}

/** `tooDeep`: the parser itself ran out of stack on the script's nesting (a bound, not a syntax error). */
export type ParseOutcome = { ok: true; stmts: Stmt[] } | { ok: false; line: number; message: string; tooDeep?: boolean };

/** Parsed trees by text: the same recipe lines and scripts are reached from many steps. The trees are never mutated. */
const parseCache = new Map<string, ParseOutcome>();
const PARSE_CACHE_MAX = 4000;
/** The cache is also bounded by the text it holds (hostile input can `eval` many distinct large strings). */
const PARSE_CACHE_MAX_CHARS = 32 << 20;
let parseCacheChars = 0;

export function parseShell(src: string, name: string): ParseOutcome {
  const cached = parseCache.get(src);
  if (cached) return cached;
  const outcome = parseUncached(src, name);
  if (parseCache.size >= PARSE_CACHE_MAX || parseCacheChars + src.length > PARSE_CACHE_MAX_CHARS) {
    parseCache.clear();
    parseCacheChars = 0;
  }
  if (src.length <= PARSE_CACHE_MAX_CHARS / 8) {
    parseCache.set(src, outcome);
    parseCacheChars += src.length;
  }
  return outcome;
}

function parseUncached(src: string, name: string): ParseOutcome {
  // Most CI scripts are in the subset fast-parser.ts reads to the same tree; only the rest loads mvdan-sh.
  const fast = fastParseShell(src);
  if (fast) return { ok: true, stmts: fast };
  return parseWithMvdan(src, name);
}

/** The mvdan-sh tree, converted; also what the fast path is tested against. */
export function parseWithMvdan(src: string, name: string): ParseOutcome {
  const { parser, ops, lineShift } = requireLoaded();
  let file: ShNode;
  try {
    file = parser.Parse(src, name);
  } catch (e) {
    const err = e as any;
    // The GopherJS parser recurses on nesting (about 120 subshell levels): past the stack it throws a RangeError.
    if (e instanceof RangeError) return { ok: false, line: 1, message: 'nested too deeply to parse', tooDeep: true };
    let line = 1;
    try {
      if (err?.Pos && typeof err.Pos.Line === 'function') line = Number(err.Pos.Line()) || 1;
    } catch {
      line = 1;
    }
    const message = typeof err?.Text === 'string' && err.Text ? err.Text : String(err?.message ?? 'shell syntax error');
    return { ok: false, line, message };
  }
  return { ok: true, stmts: convertRawFile({ ops, lineShift }, file.__internal_object__) };
}

/** Raw positions pack line and column into one number; find the split by comparing with the API's answer. */
function probeLineShift(parser: any): number {
  const stmt = parser.Parse('a\nb\n    c d\n', 'probe').Stmts[2];
  const line = Number(stmt.Pos().Line());
  const packed = Number(stmt.__internal_object__?.Position?.lineCol);
  for (let shift = 8; shift <= 24; shift++) if (packed >>> shift === line && (packed & ((1 << shift) - 1)) === 5) return shift;
  throw new Error('mvdan-sh: unexpected position layout');
}

function probeOperators(syntax: any, parser: any): OperatorTable {
  const bin = parser.Parse('a && b\na || b\na | b\na |& b\n', 'probe').Stmts;
  const redir = parser.Parse('x > f\nx >> f\nx >| f\nx &> f\nx &>> f\nx <<E\nE\nx <<-E\nE\nx <<< s\nx < f\n', 'probe').Stmts;
  const spellings = ['+', ':+', '-', ':-', '?', ':?', '=', ':=', '%', '%%', '#', '##', '^', '^^', ',', ',,'];
  const params = parser.Parse(`echo ${spellings.map((s) => '${a' + s + 'x}').join(' ')}`, 'probe').Stmts[0].Cmd.Args;
  const paramOps = new Map<number, string>();
  spellings.forEach((s, i) => {
    const pe = params[i + 1].Parts[0];
    if (syntax.NodeType(pe) === 'ParamExp' && pe.Exp) paramOps.set(pe.Exp.Op, s);
  });
  const arms = parser.Parse('case x in a) ;& b) ;;& c) ;; esac\n', 'probe').Stmts[0].Cmd.Items;
  const testOps = new Map<number, string>();
  for (const op of ['==', '=', '!=', '=~', '&&', '||', '<', '>']) {
    const x = parser.Parse(`[[ a ${op} b ]]`, 'probe').Stmts[0].Cmd.X;
    if (syntax.NodeType(x) === 'BinaryTest') testOps.set(x.Op, op);
  }
  for (const op of ['-z', '-n', '!', '-f', '-d', '-e']) {
    const x = parser.Parse(`[[ ${op} a ]]`, 'probe').Stmts[0].Cmd.X;
    if (syntax.NodeType(x) === 'UnaryTest') testOps.set(x.Op, op);
  }
  return {
    testOps,
    and: bin[0].Cmd.Op,
    or: bin[1].Cmd.Op,
    pipe: bin[2].Cmd.Op,
    pipeAll: bin[3].Cmd.Op,
    redirOut: redir[0].Redirs[0].Op,
    appendOut: redir[1].Redirs[0].Op,
    clobberOut: redir[2].Redirs[0].Op,
    redirAll: redir[3].Redirs[0].Op,
    appendAll: redir[4].Redirs[0].Op,
    hdoc: redir[5].Redirs[0].Op,
    dashHdoc: redir[6].Redirs[0].Op,
    hereString: redir[7].Redirs[0].Op,
    redirIn: redir[8].Redirs[0].Op,
    caseFallthrough: arms[0].Op,
    caseResume: arms[1].Op,
    paramOps,
  };
}
