import { and, atom, eq, FALSE, isFalse, not, or, TRUE, formulaKey, formulaText, satisfiable, type Formula } from '../logic/formula.js';
import { mergeAlternatives } from '../logic/value.js';
import { PARTIAL_JSON } from '../model/digest.js';

/**
 * GitHub Actions expressions (`${{ … }}`), evaluated statically.
 *
 * A value is either known or unknown. Unknown values remember the atomic sub-expressions they came from
 * (`github.event_name == 'push'`), so two guards can be compared ("the sign step runs whenever the push runs")
 * without knowing the event. Evaluation yields a small set of alternatives because idioms such as
 * `cond && 'x' || ''` pick between literals on an unknown condition.
 */

import {
  callKnown,
  coerceString,
  formatString,
  compareValues,
  deref,
  formatNumber,
  MAX_EXPRESSION_LENGTH,
  MAX_PARSER_DEPTH,
  parseNumber,
  STAR,
  toJson,
  isKnownFunction,
  validArity,
  type Segment,
} from './expr-functions.js';

/**
 * `when` is the condition under which this alternative is the result (`c && 'x' || 'y'`, a step output written in
 * one branch of a shell `if`); absent means always.
 */
export type Known = { known: true; value: unknown; when?: Formula };
/**
 * An unknown value. `atoms` keep the text it came from (for display and for writing it back as an expression);
 * `truth` is the formula for "this value is truthy" (default: the atom of its text); `subject` is set when the value
 * is a plain reference, so that comparing it with a literal gives an equality atom. `falsy` marks a value known to
 * be falsy though unknown (the left side of `unknown && x` when it short-circuits). `domain` lists the values it can
 * take when those are known (github.event_name: the workflow's triggers).
 */
export type Unknown = {
  known: false;
  atoms: string[];
  falsy?: boolean;
  domain?: string[];
  when?: Formula;
  truth?: Formula;
  subject?: string;
  /** How the value reads where it is text (a run-time shell expansion a step wrote: `${GITHUB_REF#refs/tags/}`). */
  written?: string;
  /** A text that cannot be empty (a `format()` with literal text of its own): truthy, though unknown. */
  nonEmpty?: boolean;
};
export type EValue = Known | Unknown;

const MAX_ALTERNATIVES = 8;

export const known = (value: unknown, when?: Formula): Known => (when && !(when.k === 'const' && when.v) ? { known: true, value, when } : { known: true, value });
export const unknown = (...atoms: string[]): Unknown => ({ known: false, atoms: [...new Set(atoms)] });

/** The condition under which an alternative holds. */
export function whenOf(v: EValue): Formula {
  return v.when ?? TRUE;
}

/** "This value is truthy" as a formula. */
export function truthOf(v: EValue): Formula {
  if (v.known) return truthy(v.value) ? TRUE : FALSE;
  if (v.falsy) return FALSE;
  if (v.nonEmpty) return TRUE;
  if (v.truth) return v.truth;
  return atom(normalizeAtom(v.atoms.length === 1 ? v.atoms[0]! : v.atoms.join(' && ')));
}

/** The subject an unknown compares as: its own reference text. */
function subjectOf(v: Unknown): string | undefined {
  if (v.subject) return v.subject;
  if (v.truth || v.falsy || v.atoms.length !== 1) return undefined;
  const a = normalizeAtom(v.atoms[0]!);
  return /^[A-Za-z_][\w-]*(\.[\w*-]+|\[[^\]]*\])*$/.test(a) ? a : undefined;
}

function withWhen(v: EValue, when: Formula): EValue {
  if (when.k === 'const' && when.v) return v;
  const w = v.when ? and(when, v.when) : when;
  if (w.k === 'const' && w.v) return v.when ? stripWhen(v) : v;
  return { ...v, when: w };
}

/** Looks up a context path (`github.repository`, `inputs.push`, `steps.meta.outputs.tags`). */
export type Lookup = (path: string[], text: string) => EValue[];

/** `*` in a `path` or `seg` is the filter (`.*`, `[*]`); a bracketed key is always a Node. */
export type Node =
  | { t: 'lit'; v: unknown }
  /** An already evaluated value (arguments handed to a function once, not re-evaluated). */
  | { t: 'val'; v: EValue }
  | { t: 'ref'; path: Array<string | Node>; text: string }
  | { t: 'call'; name: string; args: Node[]; text: string }
  | { t: 'not'; e: Node }
  | { t: 'index'; base: Node; seg: string | Node; text: string }
  | { t: 'bin'; op: string; l: Node; r: Node; text: string };

// ---------------------------------------------------------------- tokenizer and parser

/**
 * Tokens as GitHub's lexer makes them: a literal (string, number, true/false/null/NaN/Infinity), an identifier,
 * or punctuation. `end` is the offset after the token, so node texts are the source as written.
 */
type Tok = { k: 'lit' | 'id' | 'op' | 'end'; v: string; val?: unknown; pos: number; end: number };

/**
 * Our own bound on the parse tree's depth, on top of GitHub's: chains of one operator (`a && b && …`) count once
 * for GitHub but nest in our binary tree, and evaluation recurses along it.
 */
const MAX_TREE_DEPTH = 200;

const isBoundary = (c: string): boolean => '()[],.!<>=&|'.includes(c) || /\s/.test(c);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS: Record<string, unknown> = { true: true, false: false, null: null, NaN: NaN, Infinity: Infinity };

function tokenize(src: string): Tok[] {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new Error('expression too long');
  const toks: Tok[] = [];
  const push = (k: Tok['k'], pos: number, end: number, val?: unknown) => toks.push({ k, v: src.slice(pos, end), val, pos, end });
  const word = (from: number) => {
    let j = from;
    while (j < src.length && !isBoundary(src[j]!)) j++;
    return j;
  };
  // A number runs to the next boundary character other than '.' (GitHub's lexer); its text must parse.
  const number = (start: number) => {
    let j = start + 1;
    while (j < src.length && (src[j] === '.' || !isBoundary(src[j]!))) j++;
    const value = parseNumber(src.slice(start, j));
    if (Number.isNaN(value)) throw new Error(`unexpected symbol '${src.slice(start, j)}'`);
    push('lit', start, j, value);
    return j;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const prev = toks[toks.length - 1];
    if (/\s/.test(c)) {
      // Any white space, as the runner's lexer (Char.IsWhiteSpace); the JavaScript port takes only four.
      i++;
    } else if ('()[],*'.includes(c)) {
      push('op', i, ++i);
    } else if (c === '.') {
      // After a name, `]`, `)` or `*` a dot dereferences; elsewhere it starts a number (`.5`).
      if (prev && (prev.k === 'id' || (prev.k === 'op' && (prev.v === ']' || prev.v === ')' || prev.v === '*')))) push('op', i, ++i);
      else i = number(i);
    } else if (c === '-' || c === '+' || (c >= '0' && c <= '9')) {
      i = number(i);
    } else if (c === '!' || c === '<' || c === '>' || c === '=') {
      const two = src[i + 1] === '=';
      if (c === '=' && !two) throw new Error("unexpected symbol '='");
      push('op', i, (i += two ? 2 : 1));
    } else if (c === '&' || c === '|') {
      if (src[i + 1] !== c) throw new Error(`unexpected symbol '${c}'`);
      push('op', i, (i += 2));
    } else if (c === "'") {
      let j = i + 1;
      while (j < src.length && !(src[j] === "'" && src[j + 1] !== "'")) j += src[j] === "'" ? 2 : 1;
      if (j >= src.length) throw new Error('unterminated string');
      push('lit', i, j + 1, src.slice(i + 1, j).replace(/''/g, "'"));
      i = j + 1;
    } else {
      const j = word(i + 1);
      const text = src.slice(i, j);
      if (!IDENTIFIER.test(text)) throw new Error(`unexpected symbol '${text}'`);
      const afterDot = prev?.k === 'op' && prev.v === '.';
      if (!afterDot && Object.prototype.hasOwnProperty.call(KEYWORDS, text)) push('lit', i, j, KEYWORDS[text]);
      else push('id', i, j);
      i = j;
    }
  }
  toks.push({ k: 'end', v: '', pos: src.length, end: src.length });
  return toks;
}

/**
 * Parses one expression (the text between `${{` and `}}`) as GitHub does, with its bounds: at most
 * MAX_EXPRESSION_LENGTH characters and parse depth MAX_PARSER_DEPTH, counted as GitHub's parser counts it
 * (each group, argument, `!`, index step and operator chain). Throws on a syntax error. Recursion is bounded by
 * that depth; the tree's own depth is bounded by MAX_TREE_DEPTH.
 */
export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  const treeDepth = new WeakMap<Node, number>();
  const mk = <N extends Node>(node: N, kids: Array<Node | string>): N => {
    let d = 1;
    for (const k of kids) if (typeof k !== 'string') d = Math.max(d, (treeDepth.get(k) ?? 1) + 1);
    if (d > MAX_TREE_DEPTH) throw new Error('expression nested too deeply');
    treeDepth.set(node, d);
    return node;
  };
  const enter = () => {
    if (++depth > MAX_PARSER_DEPTH) throw new Error('expression nested too deeply');
  };
  const peek = () => toks[p]!;
  const isOp = (v: string) => peek().k === 'op' && peek().v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(peek().k === 'end' ? 'unexpected end of expression' : `expected '${v}'`);
    p++;
  };
  const text = (from: number) => src.slice(toks[from]!.pos, toks[p - 1]!.end);

  const expression = (): Node => {
    enter();
    const e = or();
    depth--;
    return e;
  };
  // `a && b && c`: one level for GitHub, a left-nested chain for us.
  const chain = (ops: string[], next: () => Node, counts: boolean) => (): Node => {
    const start = p;
    let l = next();
    if (!(peek().k === 'op' && ops.includes(peek().v))) return l;
    if (counts) enter();
    while (peek().k === 'op' && ops.includes(peek().v)) {
      const op = toks[p++]!.v;
      const r = next();
      l = mk({ t: 'bin', op, l, r, text: text(start) }, [l, r]);
    }
    if (counts) depth--;
    return l;
  };
  const unary = (): Node => {
    if (!isOp('!')) return postfix();
    p++;
    enter();
    const e = unary();
    depth--;
    return mk({ t: 'not', e }, [e]);
  };
  const comparison = chain(['<', '<=', '>', '>='], unary, false);
  const equality = chain(['==', '!='], comparison, false);
  const and = chain(['&&'], equality, true);
  const or = chain(['||'], and, true);

  /** Index steps apply to groups, calls and context names, not to literals (GitHub's grammar). */
  const postfix = (): Node => {
    const start = p;
    const [base, indexable] = primary();
    if (!indexable) return base;
    let node = base;
    let steps = 0;
    for (;;) {
      let seg: string | Node;
      if (isOp('[')) {
        p++;
        if (isOp('*')) {
          p++;
          seg = '*';
        } else seg = expression();
        expect(']');
      } else if (isOp('.')) {
        p++;
        const t = peek();
        if (t.k === 'id' || (t.k === 'op' && t.v === '*')) {
          p++;
          seg = t.v;
        } else throw new Error(`unexpected '${t.v}' after '.'`);
      } else break;
      enter();
      steps++;
      const at = text(start);
      node = node.t === 'ref' ? mk({ t: 'ref', path: [...node.path, seg], text: at }, [...node.path, seg]) : mk({ t: 'index', base: node, seg, text: at }, [node, seg]);
    }
    depth -= steps;
    return node;
  };
  const primary = (): [Node, boolean] => {
    const tok = peek();
    const start = p;
    if (tok.k === 'lit') {
      p++;
      return [mk({ t: 'lit', v: tok.val }, []), false];
    }
    if (tok.k === 'op' && tok.v === '(') {
      p++;
      const e = expression();
      expect(')');
      return [e, true];
    }
    if (tok.k === 'id') {
      p++;
      if (!isOp('(')) return [mk({ t: 'ref', path: [tok.v], text: tok.v }, []), true];
      p++;
      const args: Node[] = [];
      while (!isOp(')')) {
        if (args.length) expect(',');
        args.push(expression());
      }
      p++;
      const name = tok.v.toLowerCase();
      if (!validArity(name, args.length)) throw new Error(`wrong number of arguments to ${tok.v}()`);
      return [mk({ t: 'call', name, args, text: text(start) }, args), true];
    }
    throw new Error(tok.k === 'end' ? 'unexpected end of expression' : `unexpected '${tok.v}'`);
  };

  if (peek().k === 'end') throw new Error('empty expression');
  const tree = expression();
  if (peek().k !== 'end') throw new Error(`unexpected '${peek().v}'`);
  return tree;
}

// ---------------------------------------------------------------- evaluation

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0) return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

/**
 * The text of a value where the runner inserts it: null empty, numbers as GitHub prints them; objects and arrays
 * as toJSON prints them (the runner keeps them whole where a value is one expression; inside functions they read
 * as 'Object'/'Array', see coerceString).
 */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return toJson(v) ?? coerceString(v);
}

/**
 * The distinct alternatives of a result. More than MAX_ALTERNATIVES cannot all be kept, and keeping some would
 * claim the others cannot happen: past the bound the result is one unknown value written as the expression.
 */
function cap(vals: EValue[], text: string): EValue[] {
  const out: EValue[] = [];
  const seen = new Set<string>();
  for (const v of vals) {
    const when = whenOf(v);
    if (when.k === 'const' && !when.v) continue; // an alternative that can never hold
    const key = (v.known ? 'k' + JSON.stringify(v.value) : (v.falsy ? 'f' : 'u') + v.atoms.join('\u0000') + (v.truth ? formulaKey(v.truth) : '')) + '|' + formulaKey(when);
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length >= MAX_ALTERNATIVES) return [unknown(text)];
    out.push(v);
  }
  return out;
}

function atomsOf(v: EValue): string[] {
  return v.known ? [toText(v.value)] : v.atoms;
}

/** Whether a value's truthiness is decided (known, or unknown but certainly falsy/truthy). */
function decidedTruth(v: EValue): boolean | undefined {
  const t = truthOf(v);
  return t.k === 'const' ? t.v : undefined;
}

/**
 * Results by node during one evaluateSource: a node is evaluated once however many alternatives of its left side
 * ask for it, so `x || (x || (x || …))` costs linear time, not exponential.
 */
let memo: Map<Node, EValue[]> | undefined;

export function evaluate(node: Node, lookup: Lookup): EValue[] {
  const hit = memo?.get(node);
  if (hit) return hit;
  const vals = evaluateNode(node, lookup);
  memo?.set(node, vals);
  return vals;
}

function evaluateNode(node: Node, lookup: Lookup): EValue[] {
  switch (node.t) {
    case 'lit':
      return [known(node.v)];
    case 'val':
      return [node.v];
    case 'not':
      return cap(
        evaluate(node.e, lookup).map((v): EValue => {
          const d = decidedTruth(v);
          if (d !== undefined) return known(!d, v.when);
          return { known: false, atoms: atomsOf(v).map((a) => `!(${a})`), truth: not(truthOf(v)), ...(v.when ? { when: v.when } : {}) };
        }),
        `!${'text' in node.e ? node.e.text : ''}`,
      );
    case 'ref': {
      // Names (and keys that evaluate to text or a position) go to the lookup, which knows what is unknown; a
      // `*` or another key is applied to the known value found so far.
      const path: string[] = [];
      let i = 0;
      for (; i < node.path.length; i++) {
        const seg = node.path[i]!;
        if (seg === '*') break;
        if (typeof seg === 'string') {
          path.push(seg);
          continue;
        }
        const idx = evaluate(seg, lookup);
        if (idx.length !== 1 || !idx[0]!.known) return [unknown(node.text)];
        const v = idx[0]!.value;
        if (typeof v === 'string') path.push(v);
        else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) path.push(String(v));
        else break;
      }
      const found = lookup(path, node.text);
      if (i === node.path.length) return cap(found, node.text);
      const rest = segments(node.path.slice(i), lookup);
      if (!rest) return [unknown(node.text)];
      return cap(found.map((b) => (b.known ? derefKnown(b, rest, node.text) : unknown(node.text))), node.text);
    }
    case 'call':
      return cap(callWithAlternatives(node, lookup), node.text);
    case 'index': {
      const seg = segments([node.seg], lookup);
      if (!seg) return [unknown(node.text)];
      return cap(evaluate(node.base, lookup).map((b) => (b.known ? derefKnown(b, seg, node.text) : withWhen(unknown(node.text), whenOf(b)))), node.text);
    }
    case 'bin': {
      const ls = evaluate(node.l, lookup);
      if (node.op === '&&' || node.op === '||') {
        // GitHub's && and || return one of their operands. Each alternative of the left side either decides the
        // result (it short-circuits) or hands over to the right side, under the condition that it does so.
        const out: EValue[] = [];
        let rs: EValue[] | undefined;
        const right = () => (rs ??= evaluate(node.r, lookup));
        for (const l of ls) {
          const lw = whenOf(l);
          const d = decidedTruth(l);
          const stopsHere = node.op === '&&' ? d === false : d === true;
          if (stopsHere) {
            out.push(l);
            continue;
          }
          if (d !== undefined) {
            out.push(...right().map((r) => withWhen(r, lw)));
            continue;
          }
          const t = truthOf(l);
          if (node.op === '&&') {
            out.push(...right().map((r) => withWhen(r, and(lw, t))));
            out.push({ known: false, atoms: atomsOf(l), falsy: true, when: and(lw, not(t)) });
          } else {
            out.push(withWhen(l, and(lw, t)));
            out.push(...right().map((r) => withWhen(r, and(lw, not(t)))));
          }
        }
        return cap(out, node.text);
      }
      const rs = evaluate(node.r, lookup);
      const out: EValue[] = [];
      for (const l of ls)
        for (const r of rs) {
          const when = and(whenOf(l), whenOf(r));
          if (!l.known || !r.known) {
            out.push(withWhen(compareUnknown(node.op, l, r, node.text), when));
            continue;
          }
          if (isPartial(l.value) || isPartial(r.value)) {
            out.push(withWhen(unknown(node.text), when));
            continue;
          }
          out.push(known(compareValues(node.op, l.value, r.value), when));
        }
      return cap(out, node.text);
    }
  }
}

/**
 * A function over arguments with several alternatives is evaluated once per combination (bounded), each result
 * holding under the combination's conditions. Arguments are evaluated once and handed over as values.
 */
function callWithAlternatives(node: Extract<Node, { t: 'call' }>, lookup: Lookup): EValue[] {
  if (node.name.toLowerCase() === 'case' && validArity('case', node.args.length)) return evaluateCase(node, lookup);
  const args = node.args.map((a) => evaluate(a, lookup));
  if (node.name.toLowerCase() === 'fromjson' && args.length === 1) args[0] = args[0]!.map(modelledJson);
  let combos: EValue[][] = [[]];
  for (const alts of args) {
    const next: EValue[][] = [];
    for (const c of combos) for (const a of alts.length ? alts : [known(null)]) next.push([...c, a]);
    // More combinations than alternatives a result may hold: evaluating only some would drop the others' results.
    if (next.length > MAX_ALTERNATIVES) return [unknown(node.text)];
    combos = next;
  }
  // A partly known object (see derefKnown) is only ever dereferenced: what a function makes of it is unknown.
  if (combos.some((c) => c.some((v) => v.known && isPartial(v.value)))) return [unknown(node.text)];
  const out: EValue[] = [];
  for (const combo of combos) {
    const when = and(...combo.map(whenOf));
    const plain = combo.map((v): Node => ({ t: 'val', v: v.when ? stripWhen(v) : v }));
    for (const r of callFunction({ ...node, args: plain }, lookup)) out.push(withWhen(r, when));
  }
  return out;
}

/**
 * `case(pred1, val1, pred2, val2, …, default)`: each value under the condition that its predicate is the first one
 * true, the default under none being true. The predicates' and values' own alternatives keep their conditions, so
 * the result holds as many alternatives as the values do, not their product. A predicate that is a known
 * non-boolean fails the evaluation, as GitHub's does.
 */
function evaluateCase(node: Extract<Node, { t: 'call' }>, lookup: Lookup): EValue[] {
  const out: EValue[] = [];
  // Simplifying each arm's condition costs a decision; only as many arms as a written value holds get one (a
  // repository's own case() with a thousand arms keeps the plain conditions).
  const decidesArms = node.args.length <= 2 * MAX_ALTERNATIVES + 1;
  let rest: Formula = TRUE;
  for (let i = 0; i + 1 < node.args.length; i += 2) {
    const preds = evaluate(node.args[i]!, lookup);
    if (preds.some((p) => p.known && typeof p.value !== 'boolean')) {
      evaluationFailed = true;
      return [unknown(node.text)];
    }
    const holds = or(...preds.map((p) => and(whenOf(p), truthOf(p))));
    // Conditions written by alternativesText exclude each other: then "this one holds" is the whole condition, and
    // the negations of the ones before it (which would double the formula at every arm) add nothing.
    const here = rest.k === 'const' || !decidesArms || satisfiable(and(holds, not(rest))) !== false ? and(rest, holds) : holds;
    if (!isFalse(here)) for (const v of evaluate(node.args[i + 1]!, lookup)) out.push(withWhen(v, here));
    rest = and(rest, not(holds));
    if (isFalse(rest)) return out;
  }
  if (decidesArms && satisfiable(rest) === false) return out;
  for (const v of evaluate(node.args[node.args.length - 1]!, lookup)) out.push(withWhen(v, rest));
  return out;
}

function stripWhen(v: EValue): EValue {
  const copy = { ...v };
  delete copy.when;
  return copy;
}

/**
 * A comparison with an unknown side. A plain reference compared with a literal is an equality atom (decided or
 * narrowed by a known domain: `github.event_name != 'pull_request'` on push and pull_request triggers is
 * `github.event_name == 'push'`); anything else is one atom of its own text.
 */
function compareUnknown(op: string, l: EValue, r: EValue, text: string): EValue {
  const [u, k] = !l.known && r.known ? [l, r] : !r.known && l.known ? [r, l] : [undefined, undefined];
  const subject = u ? subjectOf(u) : undefined;
  // A text known to be non-empty is not the empty string, whatever else it is.
  if ((op === '==' || op === '!=') && u?.nonEmpty && k?.value === '') return known(op === '!=');
  if ((op === '==' || op === '!=') && u && k && subject !== undefined && (k.value === null || typeof k.value !== 'object')) {
    const g = equalityFormula(subject, toText(k.value), op === '==', u.domain);
    if (g.k === 'const') return known(g.v);
    return { known: false, atoms: [normalizeAtom(formulaText(g))], truth: g };
  }
  return unknown(text);
}

/**
 * `subject == value` (or `!=`). Over a closed domain the comparison is the set of domain values it admits, written
 * as equalities, so `!= 'pull_request'` and `== 'push'` on push and pull_request triggers are one formula.
 */
function equalityFormula(subject: string, value: string, equal: boolean, domain: string[] | undefined): Formula {
  if (!domain) return equal ? eq(subject, value) : not(eq(subject, value));
  const v = value.toLowerCase();
  const values = [...new Set(domain.map((d) => d.toLowerCase()))];
  const admitted = values.filter((d) => (d === v) === equal).sort();
  if (admitted.length === values.length) return TRUE;
  return or(...admitted.map((d) => eq(subject, d, domain)));
}

/** Index steps as segments, evaluated once; undefined when a key is not one known value. */
function segments(segs: Array<string | Node>, lookup: Lookup): Segment[] | undefined {
  const out: Segment[] = [];
  for (const seg of segs) {
    if (seg === '*') out.push(STAR);
    else if (typeof seg === 'string') out.push({ star: false, index: seg });
    else {
      const idx = evaluate(seg, lookup);
      if (idx.length !== 1 || !idx[0]!.known) return undefined;
      out.push({ star: false, index: idx[0]!.value });
    }
  }
  return out;
}

/** Set when a function fails on known values, as GitHub's evaluation would (see evaluateSource). */
let evaluationFailed = false;

function callFunction(node: Extract<Node, { t: 'call' }>, lookup: Lookup): EValue[] {
  const single = (i: number): EValue => {
    const vs = node.args[i] ? evaluate(node.args[i]!, lookup) : [known(null)];
    return vs.length === 1 ? vs[0]! : unknown(node.text);
  };
  switch (node.name) {
    case 'success':
    case 'always':
      return [known(true)];
    case 'failure':
    case 'cancelled':
      return [known(false)];
    case 'case': {
      // case(pred1, val1, pred2, val2, …, default); a predicate that is not a boolean is an error.
      const out: EValue[] = [];
      for (let i = 0; i + 1 < node.args.length; i += 2) {
        const pred = single(i);
        if (pred.known && typeof pred.value !== 'boolean') {
          evaluationFailed = true;
          return [unknown(node.text)];
        }
        if (pred.known && !pred.value) continue;
        out.push(single(i + 1));
        if (pred.known) return out;
      }
      if (node.args.length % 2 === 1) out.push(single(node.args.length - 1));
      return out.length ? out : [unknown(node.text)];
    }
    default: {
      // The other functions on known arguments; a failure in GitHub's evaluation (invalid format string, bad
      // JSON) is an unknown value.
      const args = node.args.map((_, i) => single(i));
      if (args.some((a) => !a.known)) {
        const written = node.name === 'format' ? formatWritten(node, args) : undefined;
        if (written === undefined) return [unknown(node.text)];
        // Literal text (the format's own, or known arguments) makes the result non-empty whatever the rest is.
        const literal = (args[0] as Known).value as string;
        const known = formatString(literal, args.slice(1).map((a) => (a.known ? coerceString(a.value) : '')));
        return [{ ...unknown(node.text), written, ...(known ? { nonEmpty: true } : {}) }];
      }
      const r = callKnown(node.name, args.map((a) => (a as Known).value));
      if (r.ok) return [known(r.value)];
      if (isKnownFunction(node.name)) evaluationFailed = true;
      return [unknown(node.text)];
    }
  }
}

/**
 * How `format('ghcr.io/{0}', vars.ORG)` reads as text when some argument is unknown: the known pieces in place and
 * each unknown one as written (`ghcr.io/${{ vars.ORG }}`), the way interpolation writes an unknown. This is also how
 * a conditional value whose alternatives hold unknown parts is written back (alternativesText), so the text it
 * reads as is the text that was joined. Undefined when the format string is not known or an argument cannot be
 * written.
 */
function formatWritten(node: Extract<Node, { t: 'call' }>, args: EValue[]): string | undefined {
  const fmt = args[0];
  if (!fmt?.known || typeof fmt.value !== 'string') return undefined;
  const pieces: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a.known) pieces.push(coerceString(a.value));
    else if (a.falsy) pieces.push('');
    else {
      const argNode = node.args[i]!;
      const text = 'text' in argNode ? argNode.text : undefined;
      if (text === undefined && a.written === undefined && unknownExpression(a) === undefined) return undefined;
      pieces.push(unknownText(a, `\${{ ${text ?? ''} }}`));
    }
  }
  return formatString(fmt.value, pieces);
}

// ---------------------------------------------------------------- helpers used by the workflow reader

/**
 * The `${{ … }}` in a text, in order, each the shortest (what `/\$\{\{([\s\S]*?)\}\}/g` finds): `index` where
 * it starts, `whole` with its braces, `inner` between them. Scanned with indexOf, linear: the lazy regular
 * expression rescans the rest of the text from every `${{` that has no `}}`. A generator keeps its own position, so
 * the loops over it may re-enter each other (an alternative is interpolated again).
 */
export function* expressionsIn(text: string): Generator<{ index: number; whole: string; inner: string }> {
  let from = 0;
  for (let open = text.indexOf('${{', from); open >= 0; open = text.indexOf('${{', from)) {
    const close = text.indexOf('}}', open + 3);
    if (close < 0) return; // no `}}` after this `${{`, so none after a later one either
    yield { index: open, whole: text.slice(open, close + 2), inner: text.slice(open + 3, close) };
    from = close + 2;
  }
}

/**
 * An object of which only some fields are modelled (a build's metadata: its digest and name, not its build ref or
 * provenance), marked with PARTIAL_JSON by whoever wrote it. Dereferencing a modelled field gives its value; a
 * field not modelled is unknown, not null.
 */
function isPartial(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)[PARTIAL_JSON] === true;
}

/**
 * A step output that holds run-time text (a push's digest) is unknown as text, but where it is the JSON of a
 * partly known object (a build's metadata, written by its handler), fromJSON can still read the fields modelled.
 */
function modelledJson(v: EValue): EValue {
  if (v.known || v.written === undefined || !v.written.includes(PARTIAL_JSON)) return v;
  try {
    return isPartial(JSON.parse(v.written)) ? known(v.written, v.when) : v;
  } catch {
    return v;
  }
}

function derefKnown(b: Known, segs: readonly Segment[], text: string): EValue {
  let value = b.value;
  for (const seg of segs) {
    if (isPartial(value)) {
      const key = seg.star ? undefined : seg.index;
      if (typeof key !== 'string' || key === PARTIAL_JSON) return withWhen(unknown(text), whenOf(b));
      const field = Object.keys(value as object).find((k) => k.toLowerCase() === key.toLowerCase());
      if (field === undefined) return withWhen(unknown(text), whenOf(b));
    }
    value = deref(value, seg);
  }
  return { ...b, value };
}

/** Parsed expressions by source text: the same `${{ … }}` recurs across steps, matrix combinations and callers. */
const parsedExpressions = new Map<string, Node | null>();
const MAX_PARSED_EXPRESSIONS = 20_000;

function parseCached(src: string): Node | null {
  let node = parsedExpressions.get(src);
  if (node === undefined) {
    try {
      node = parseExpression(src);
    } catch {
      node = null;
    }
    if (parsedExpressions.size >= MAX_PARSED_EXPRESSIONS) parsedExpressions.clear();
    parsedExpressions.set(src, node);
  }
  return node;
}

/** Evaluates one expression source; a syntax error yields one unknown. */
export function evaluateSource(src: string, lookup: Lookup): EValue[] {
  return evaluateChecked(src, lookup).vals;
}

/** The values, and whether GitHub's evaluation fails (a syntax error, or a function failing on known values). */
function evaluateChecked(src: string, lookup: Lookup): { vals: EValue[]; failed: boolean } {
  const node = parseCached(src);
  if (!node) return { vals: [unknown(src.trim())], failed: true };
  // An evaluation error (invalid format string, bad JSON) stops GitHub's whole evaluation: all of it is unknown.
  const [outerFailed, outerMemo] = [evaluationFailed, memo];
  evaluationFailed = false;
  memo = new Map();
  try {
    const vals = evaluate(node, lookup);
    return evaluationFailed ? { vals: [unknown(src.trim())], failed: true } : { vals, failed: false };
  } finally {
    [evaluationFailed, memo] = [outerFailed, outerMemo];
  }
}

/**
 * Whether GitHub fails on this expression (the text between `${{` and `}}`) whatever the contexts hold: a syntax
 * error — `format()`, `contains(1)`, a wrong argument count is one — or a function failing on literal arguments
 * (`fromJSON('x')`, `format('{1}', 'a')`). Where such an expression is left in a value, the value is not text
 * but an error at run time.
 */
export function expressionFails(src: string): boolean {
  return evaluateChecked(src, UNKNOWN_LOOKUP).failed;
}

/**
 * Substitutes every `${{ … }}` in `text`. Known values are inserted as text; unknown ones are kept as written.
 * Returns the alternatives (bounded) when an expression has several possible known values.
 */
export function interpolate(text: string, lookup: Lookup): string[] {
  return interpolateAlternatives(text, lookup).map((a) => a.text);
}

/** One possible text of an interpolated value and the condition under which it is the text. */
export interface TextAlternative {
  text: string;
  when: Formula;
}

/** Like `interpolate`, keeping each alternative's condition; equal texts are merged (their conditions or-ed). */
export function interpolateAlternatives(text: string, lookup: Lookup): TextAlternative[] {
  if (!text.includes('${{')) return [{ text, when: TRUE }];
  // Reading a stored value back does not depend on anything but its text: the same conditional value is read at
  // every command, loop pass and join that sees it, so those reads are remembered (bounded).
  if (lookup === UNKNOWN_LOOKUP) {
    const hit = storedReads.get(text);
    if (hit) return hit.slice();
    const read = interpolateWith(text, lookup);
    if (storedReads.size >= MAX_STORED_READS) storedReads.clear();
    storedReads.set(text, read);
    return read.slice();
  }
  return interpolateWith(text, lookup);
}

const storedReads = new Map<string, TextAlternative[]>();
const MAX_STORED_READS = 4096;

function interpolateWith(text: string, lookup: Lookup): TextAlternative[] {
  let results: TextAlternative[] = [{ text: '', when: TRUE }];
  let last = 0;
  for (const m of expressionsIn(text)) {
    const before = text.slice(last, m.index);
    const vals = evaluateSource(m.inner, lookup);
    const pieces = vals.map((v) => ({ text: v.known && !isPartial(v.value) ? toText(v.value) : !v.known && v.falsy ? '' : v.known ? m.whole : unknownText(v, m.whole), when: whenOf(v) }));
    const next: TextAlternative[] = [];
    for (const r of results)
      for (const p of pieces) {
        const when = and(r.when, p.when);
        if (when.k === 'const' && !when.v) continue;
        next.push({ text: r.text + before + p.text, when });
      }
    // More texts than alternatives a value may hold: keeping some would say the others cannot happen, so the
    // text stays as written (unknown where it has expressions).
    if (next.length > MAX_ALTERNATIVES) return [{ text, when: TRUE }];
    results = next;
    last = m.index + m.whole.length;
  }
  const tail = text.slice(last);
  const merged = new Map<string, Formula>();
  for (const r of results) {
    const t = r.text + tail;
    const prev = merged.get(t);
    merged.set(t, prev ? or(prev, r.when) : r.when);
  }
  return [...merged].map(([t, when]) => ({ text: t, when }));
}

/**
 * Unknown expressions are kept as written, except where their meaning can be written as an expression of its own
 * (a single reference, or a condition), so that a value forwarded from a caller (`inputs.push` =
 * `github.event_name == 'push'`) keeps its meaning.
 */
function unknownText(v: Unknown, written: string): string {
  if (v.written !== undefined) return v.written;
  const own = unknownExpression(v);
  return own !== undefined ? `\${{ ${own} }}` : written;
}

/** An expression that re-evaluates to this unknown, when there is one. */
function unknownExpression(v: Unknown): string | undefined {
  if (v.truth) return formulaText(v.truth);
  if (v.atoms.length === 1) return v.atoms[0]!;
  return undefined;
}

export interface ConditionalValue {
  /** The value, or undefined when it is unknown. */
  value: string | undefined;
  /** The condition under which this is the value (for an unknown value: under which it is also truthy). */
  when: Formula;
}

/**
 * The possible values of a text that is one whole expression, each with the condition it holds under.
 * Used where a decision hangs on an unknown (`push: ${{ inputs.push }}`, `outputs: ${{ c && 'type=image,push=true' || … }}`).
 */
export function conditionalValues(text: string, lookup: Lookup): ConditionalValue[] {
  const inner = wholeExpression(text);
  if (inner === undefined) return [{ value: text.includes('${{') ? interpolateOne(text, lookup) : text, when: TRUE }];
  return evaluateSource(inner, lookup).map((v) =>
    v.known ? { value: toText(v.value), when: whenOf(v) } : { value: v.falsy ? '' : undefined, when: and(whenOf(v), truthOf(v)) },
  );
}

/** A lookup that knows nothing: every reference is an unknown atom. */
export const UNKNOWN_LOOKUP: Lookup = (_path, text) => [unknown(text)];

/**
 * Interpolates into one text. Where an expression has several alternatives under conditions, the text is written
 * as one expression that re-evaluates to the same alternatives and conditions (`${{ c && 'a' || !c && 'b' }}`), so
 * what a step output, an env variable or a reusable workflow's input holds survives being stored as text.
 */
export function interpolateOne(text: string, lookup: Lookup): string {
  if (!text.includes('${{')) return text;
  const pieces: Array<{ literal: string } | { expr: string }> = [];
  let conditional = false;
  let last = 0;
  for (const m of expressionsIn(text)) {
    pieces.push({ literal: text.slice(last, m.index) });
    const vals = evaluateSource(m.inner, lookup);
    const single = vals.length === 1 && !vals[0]!.when ? vals[0]! : undefined;
    if (single?.known) pieces.push({ literal: toText(single.value) });
    else if (single && single.falsy) pieces.push({ literal: '' });
    else if (single) pieces.push({ literal: unknownText(single, m.whole) });
    else {
      const expr = alternativesExpression(vals);
      if (expr === undefined) pieces.push({ literal: interpolate(m.whole, lookup)[0] ?? m.whole });
      else {
        conditional = true;
        pieces.push({ expr });
      }
    }
    last = m.index + m.whole.length;
  }
  pieces.push({ literal: text.slice(last) });
  if (!conditional) return pieces.map((p) => ('literal' in p ? p.literal : '')).join('');
  const parts = pieces.filter((p) => !('literal' in p) || p.literal !== '');
  if (parts.length === 1 && 'expr' in parts[0]!) return `\${{ ${parts[0].expr} }}`;
  // Mixed text (a run: script, `ghcr.io/${{ … }}:1`): the conditional parts stay inline as expressions; whoever reads
  // the text evaluates them (a stored value is re-read with its alternatives, a shell command forks on them).
  return parts.map((p) => ('literal' in p ? p.literal : `\${{ ${p.expr} }}`)).join('');
}

/**
 * Cheap test before evaluating a text for alternatives: conditional values are written `${{ case(c, v, …) }}`
 * (alternativesText), and a repository's own `${{ c && 'a' || 'b' }}` holds alternatives too.
 */
export function mayHoldAlternatives(text: string): boolean {
  return text.includes('${{') && (text.includes('&&') || text.includes('||') || text.includes('case('));
}

/**
 * The combinations of texts that hold conditional values (an env variable written under a step's if:, an argument
 * built from one): one list of texts per combination of their alternatives, under the combination's condition.
 * Bounded: past `bound` combinations a text stays as written (unknown) rather than losing alternatives.
 */
export function alternativeCombinations(texts: readonly string[], bound: number): Array<{ texts: string[]; when: Formula }> {
  let combos: Array<{ texts: string[]; when: Formula }> = [{ texts: [], when: TRUE }];
  for (const text of texts) {
    const alternatives = mayHoldAlternatives(text) ? interpolateAlternatives(text, UNKNOWN_LOOKUP) : [{ text, when: TRUE }];
    const next: typeof combos = [];
    for (const c of combos)
      for (const a of alternatives) {
        const when = and(c.when, a.when);
        if (!(when.k === 'const' && !when.v)) next.push({ texts: [...c.texts, a.text], when });
      }
    combos = next.length > 0 && next.length <= bound ? next : combos.map((c) => ({ texts: [...c.texts, text], when: c.when }));
  }
  return combos;
}

/**
 * The alternatives with those that are themselves conditional flattened (their conditions and-ed) and those that
 * can never hold dropped; equal texts are not merged yet.
 */
export function flatAlternatives(alts: readonly TextAlternative[]): TextAlternative[] {
  const flat: TextAlternative[] = [];
  for (const a of alts) {
    if (isFalse(a.when)) continue;
    if (!a.text.includes('${{')) {
      flat.push(a);
      continue;
    }
    for (const x of interpolateAlternatives(a.text, UNKNOWN_LOOKUP)) {
      const when = and(a.when, x.when);
      if (!isFalse(when)) flat.push({ text: x.text, when });
    }
  }
  return flat;
}

/**
 * Text alternatives as one text: the only one, or one conditional expression that reads back as exactly these
 * alternatives (see writeAlternatives). Alternatives that are themselves conditional are flattened first.
 */
export function alternativesText(alts: TextAlternative[], subject = 'a value that differs between paths'): string {
  return writeAlternatives(mergeAlternatives(flatAlternatives(alts)), subject, alts[0]?.text ?? '');
}

/**
 * Flat alternatives with distinct texts (flatAlternatives, then mergeAlternatives) as one text: the only one, or
 * one conditional expression that reads back as exactly these. A text with unknown parts (`a.io/x,${{ vars.B }}`)
 * is written as a `format()` that reads back as that text. When they cannot be written so (too many, a part that
 * cannot be written back), the value is unknown — written as a run-time value, `$(subject)`, never as one of the
 * alternatives: keeping one would say the others cannot happen. `fallback` is the text when none can hold.
 */
export function writeAlternatives(merged: readonly TextAlternative[], subject: string, fallback: string): string {
  if (merged.length === 0) return fallback;
  if (merged.length === 1) return merged[0]!.text;
  if (merged.length > MAX_ALTERNATIVES) return `$(${subject})`;
  const vals: EValue[] = [];
  for (const a of merged) {
    const v = textValue(a.text);
    if (v === undefined) return `$(${subject})`;
    vals.push(withWhen(v, a.when));
  }
  const expr = alternativesExpression(vals);
  if (expr === undefined) return `$(${subject})`;
  const written = `\${{ ${expr} }}`;
  // It must read back as every one of these texts and nothing else, but for the empty text: an unknown that may be
  // empty (`vars.B`) reads back also as empty, and so do the paths no alternative's condition covers (a variable
  // written only in the `if` and `elif` branches of a shell test is empty after neither). An extra possibility is
  // sound; a lost one would not be.
  const back = interpolateAlternatives(written, UNKNOWN_LOOKUP);
  const texts = new Set(merged.map((a) => a.text));
  if (back.some((b) => !texts.has(b.text) && b.text !== '') || merged.some((a) => !back.some((b) => b.text === a.text))) return `$(${subject})`;
  return written;
}

/** One text as one value: a literal, a whole expression's single value, or a `format()` of its unknown parts. */
function textValue(text: string): EValue | undefined {
  if (!text.includes('${{')) return known(text);
  const inner = wholeExpression(text);
  const source = inner ?? formatSource(text);
  if (source === undefined) return undefined;
  const ev = evaluateSource(source, UNKNOWN_LOOKUP);
  return ev.length === 1 ? ev[0] : undefined;
}

/**
 * `a.io/x,${{ vars.B }}` as `format('{0}{1}', 'a.io/x,', vars.B)`: literal parts are arguments too, so the text
 * they hold (`${GIT_SHA::8}`, braces included) is never read as a placeholder.
 */
function formatSource(text: string): string | undefined {
  const args: string[] = [];
  let last = 0;
  for (const m of expressionsIn(text)) {
    const lit = text.slice(last, m.index);
    if (lit) args.push(quoteLiteral(lit));
    args.push(m.inner.trim());
    last = m.index + m.whole.length;
  }
  const tail = text.slice(last);
  if (tail) args.push(quoteLiteral(tail));
  if (args.length < 2) return undefined;
  return `format(${quoteLiteral(args.map((_, i) => `{${i}}`).join(''))}, ${args.join(', ')})`;
}

/**
 * The alternatives as one expression: `case(w1, v1, w2, v2, …, '')`, which selects by condition alone (an
 * `&&`/`||` chain would fall through a value that turns out empty, and read each value back under the negations of
 * all the conditions before it). The default is the empty text, as on a path where none of the writes happened.
 * Undefined when a value or a condition cannot be written back.
 */
function alternativesExpression(vals: EValue[]): string | undefined {
  const live = vals.filter((v) => !isFalse(whenOf(v)));
  if (!live.length) return undefined;
  const args: string[] = [];
  for (const v of live) {
    const value = v.known ? literalExpression(v.value) : v.falsy ? "''" : unknownExpression(v);
    if (value === undefined || value.includes('${{') || value.includes('}}')) return undefined;
    const cond = formulaText(whenOf(v));
    if (cond.includes('}}')) return undefined;
    args.push(cond, value);
  }
  // The default, for the paths no condition covers (evaluateCase drops it where there are none).
  args.push("''");
  return `case(${args.join(', ')})`;
}

function literalExpression(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quoteLiteral(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `fromJSON(${quoteLiteral(JSON.stringify(v))})`;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * An `if:` condition (with or without `${{ }}`) as a formula: true, false, or a condition over unknown atoms.
 * A condition without a status function implicitly means `success() && (cond)`, which is the same statically.
 */
export function evaluateGuard(condition: string, lookup: Lookup): Formula {
  let src = condition.trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(src);
  if (whole && !whole[1]!.includes('${{')) src = whole[1]!;
  else if (src.includes('${{')) {
    // Mixed text and expressions: a non-empty string is truthy unless it resolves to empty.
    const alts = interpolate(src, lookup);
    return alts.every((a) => a.length > 0 && !a.includes('${{')) ? TRUE : atom(normalizeAtom(condition));
  }
  return truthFormula(evaluateSource(src, lookup));
}

/** "The result is truthy": some alternative holds and is truthy. */
function truthFormula(vals: EValue[]): Formula {
  return or(...vals.map((v) => and(whenOf(v), truthOf(v))));
}

export function normalizeAtom(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/"/g, "'").trim();
}

/** Whether `text` is exactly one `${{ … }}` expression. */
export function wholeExpression(text: string): string | undefined {
  const m = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(text);
  return m && !m[1]!.includes('${{') ? m[1]!.trim() : undefined;
}
