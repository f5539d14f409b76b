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

/** `when` lists the unknown conditions under which this alternative is the result (`c && 'x' || 'y'`). */
export type Known = { known: true; value: unknown; when?: string[] };
/**
 * `falsy` marks the left side of `unknown && x` when it short-circuits: unknown, but certainly falsy.
 * `domain` lists the values an unknown can take when they are known (github.event_name: the workflow's triggers).
 */
export type Unknown = { known: false; atoms: string[]; falsy?: boolean; domain?: string[] };
export type EValue = Known | Unknown;

const MAX_ALTERNATIVES = 8;

export const known = (value: unknown): Known => ({ known: true, value });
export const unknown = (...atoms: string[]): Unknown => ({ known: false, atoms: [...new Set(atoms)] });

/** Looks up a context path (`github.repository`, `inputs.push`, `steps.meta.outputs.tags`). */
export type Lookup = (path: string[], text: string) => EValue[];

/** `*` in a `path` or `seg` is the filter (`.*`, `[*]`); a bracketed key is always a Node. */
type Node =
  | { t: 'lit'; v: unknown }
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

function cap(vals: EValue[]): EValue[] {
  const out: EValue[] = [];
  const seen = new Set<string>();
  for (const v of vals) {
    const key = v.known ? 'k' + JSON.stringify(v.value) + (v.when ?? []).join('\u0000') : (v.falsy ? 'f' : 'u') + v.atoms.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
    if (out.length >= MAX_ALTERNATIVES) break;
  }
  return out;
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
    case 'not':
      return cap(evaluate(node.e, lookup).map((v) => (v.known ? known(!truthy(v.value)) : unknown(...v.atoms.map((a) => `!(${a})`)))));
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
      if (i === node.path.length) return cap(found);
      const rest = segments(node.path.slice(i), lookup);
      if (!rest) return [unknown(node.text)];
      return cap(found.map((b) => (b.known ? { ...b, value: rest.reduce(deref, b.value) } : unknown(node.text))));
    }
    case 'call':
      return cap(callFunction(node, lookup));
    case 'index': {
      const seg = segments([node.seg], lookup);
      if (!seg) return [unknown(node.text)];
      return cap(evaluate(node.base, lookup).map((b) => (b.known ? { ...b, value: deref(b.value, seg[0]!) } : unknown(node.text))));
    }
    case 'bin': {
      const ls = evaluate(node.l, lookup);
      if (node.op === '&&' || node.op === '||') {
        const out: EValue[] = [];
        for (const l of ls) {
          if (l.known) {
            const pickLeft = node.op === '&&' ? !truthy(l.value) : truthy(l.value);
            if (pickLeft) out.push(l);
            else out.push(...evaluate(node.r, lookup));
          } else {
            // Unknown condition: either side may be the result. For `&&` the left side would be falsy.
            const rs = evaluate(node.r, lookup);
            if (node.op === '&&') {
              out.push(...rs.map((r): EValue => (r.known ? { ...r, when: [...(r.when ?? []), ...l.atoms] } : unknown(...l.atoms, ...r.atoms))));
              out.push({ known: false, atoms: l.atoms, falsy: true });
            } else if (l.falsy) {
              // `c && 'x' || 'y'`: the right side is the result exactly when c is false.
              out.push(...rs.map((r): EValue => (r.known ? { ...r, when: [...(r.when ?? []), ...l.atoms.map((a) => `!(${a})`)] } : r)));
            } else {
              out.push(l, ...rs);
            }
          }
        }
        return cap(out);
      }
      const rs = evaluate(node.r, lookup);
      const out: EValue[] = [];
      for (const l of ls)
        for (const r of rs) {
          if (!l.known || !r.known) {
            out.push(compareWithDomain(node.op, l, r) ?? unknown(node.text));
            continue;
          }
          out.push(known(compareValues(node.op, l.value, r.value)));
        }
      return cap(out);
    }
  }
}

/**
 * `github.event_name != 'pull_request'` in a workflow triggered by push and pull_request is the same condition as
 * `github.event_name == 'push'`: with a known domain, equality tests become a set of values, decided when the set is
 * empty or the whole domain, and otherwise one canonical atom, so equal conditions compare equal.
 */
function compareWithDomain(op: string, l: EValue, r: EValue): EValue | undefined {
  if (op !== '==' && op !== '!=') return undefined;
  const [u, k] = !l.known && r.known ? [l, r] : !r.known && l.known ? [r, l] : [undefined, undefined];
  if (!u || !k || !u.domain || typeof k.value !== 'string') return undefined;
  const value = k.value.toLowerCase();
  const set = u.domain.filter((d) => (op === '==' ? d.toLowerCase() === value : d.toLowerCase() !== value));
  if (set.length === 0) return known(false);
  if (set.length === u.domain.length) return known(true);
  return unknown(`${u.atoms.join(' ')} in [${[...set].sort().join(', ')}]`);
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
      if (args.some((a) => !a.known)) return [unknown(node.text)];
      const r = callKnown(node.name, args.map((a) => (a as Known).value));
      if (r.ok) return [known(r.value)];
      if (isKnownFunction(node.name)) evaluationFailed = true;
      return [unknown(node.text)];
    }
  }
}

// ---------------------------------------------------------------- helpers used by the workflow reader

const EXPR_RE = /\$\{\{([\s\S]*?)\}\}/g;

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
  const node = parseCached(src);
  if (!node) return [unknown(src.trim())];
  // An evaluation error (invalid format string, bad JSON) stops GitHub's whole evaluation: all of it is unknown.
  const [outerFailed, outerMemo] = [evaluationFailed, memo];
  evaluationFailed = false;
  memo = new Map();
  try {
    const vals = evaluate(node, lookup);
    return evaluationFailed ? [unknown(src.trim())] : vals;
  } finally {
    [evaluationFailed, memo] = [outerFailed, outerMemo];
  }
}

/**
 * Substitutes every `${{ … }}` in `text`. Known values are inserted as text; unknown ones are kept as written.
 * Returns the alternatives (bounded) when an expression has several possible known values.
 */
export function interpolate(text: string, lookup: Lookup): string[] {
  if (!text.includes('${{')) return [text];
  let results = [''];
  let last = 0;
  EXPR_RE.lastIndex = 0;
  for (let m = EXPR_RE.exec(text); m; m = EXPR_RE.exec(text)) {
    const before = text.slice(last, m.index);
    const vals = evaluateSource(m[1]!, lookup);
    const pieces = [...new Set(vals.map((v) => (v.known ? toText(v.value) : v.falsy ? '' : unknownText(v, m![0]))))];
    const next: string[] = [];
    for (const r of results) for (const p of pieces) if (next.length < MAX_ALTERNATIVES) next.push(r + before + p);
    results = next;
    last = m.index + m[0].length;
  }
  const tail = text.slice(last);
  return results.map((r) => r + tail);
}

/**
 * Unknown expressions are kept as written, except a single atom, which is written as its own expression so
 * that an input forwarded from a caller (`inputs.push` = `github.event_name == 'push'`) keeps its meaning.
 */
function unknownText(v: Unknown, written: string): string {
  if (v.atoms.length === 1) return `\${{ ${v.atoms[0]} }}`;
  return written;
}

export interface ConditionalValue {
  /** The value, or undefined when it is unknown. */
  value: string | undefined;
  /** Unknown conditions under which this is the value. */
  when: string[];
}

/**
 * The possible values of a text that is one whole expression, each with the conditions it depends on.
 * Used where a decision hangs on an unknown (`push: ${{ inputs.push }}`, `outputs: ${{ c && 'type=image,push=true' || … }}`).
 */
export function conditionalValues(text: string, lookup: Lookup): ConditionalValue[] {
  const inner = wholeExpression(text);
  if (inner === undefined) return [{ value: text.includes('${{') ? interpolateOne(text, lookup) : text, when: [] }];
  return evaluateSource(inner, lookup).map((v) =>
    v.known ? { value: toText(v.value), when: (v.when ?? []).map(normalizeAtom) } : { value: v.falsy ? '' : undefined, when: v.atoms.map(normalizeAtom) },
  );
}

/** A lookup that knows nothing: every reference is an unknown atom. */
export const UNKNOWN_LOOKUP: Lookup = (_path, text) => [unknown(text)];

/** Interpolates and returns the first alternative (for values where alternatives do not matter). */
export function interpolateOne(text: string, lookup: Lookup): string {
  return interpolate(text, lookup)[0] ?? text;
}

export type GuardValue = { value: boolean } | { atoms: string[] };

/**
 * Evaluates an `if:` condition (with or without `${{ }}`) to true, false, or the unknown atoms it depends on.
 * A condition without a status function implicitly means `success() && (cond)`, which is the same statically.
 */
export function evaluateGuard(condition: string, lookup: Lookup): GuardValue {
  let src = condition.trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(src);
  if (whole && !whole[1]!.includes('${{')) src = whole[1]!;
  else if (src.includes('${{')) {
    // Mixed text and expressions: a non-empty string is truthy unless it resolves to empty.
    const alts = interpolate(src, lookup);
    return alts.every((a) => a.length > 0 && !a.includes('${{')) ? { value: true } : { atoms: [normalizeAtom(condition)] };
  }
  const vals = evaluateSource(src, lookup);
  if (vals.every((v) => v.known && truthy(v.value))) return { value: true };
  if (vals.every((v) => (v.known && !truthy(v.value)) || (!v.known && v.falsy === true))) return { value: false };
  const atoms = new Set<string>();
  for (const v of vals) if (!v.known) for (const a of v.atoms) atoms.add(normalizeAtom(a));
  if (atoms.size === 0) return { atoms: [normalizeAtom(src)] };
  return { atoms: [...atoms] };
}

export function normalizeAtom(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/"/g, "'").trim();
}

/** Whether `text` is exactly one `${{ … }}` expression. */
export function wholeExpression(text: string): string | undefined {
  const m = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(text);
  return m && !m[1]!.includes('${{') ? m[1]!.trim() : undefined;
}
