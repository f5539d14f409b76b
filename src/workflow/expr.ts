/**
 * GitHub Actions expressions (`${{ … }}`), evaluated statically.
 *
 * A value is either known or unknown. Unknown values remember the atomic sub-expressions they came from
 * (`github.event_name == 'push'`), so two guards can be compared ("the sign step runs whenever the push runs")
 * without knowing the event. Evaluation yields a small set of alternatives because idioms such as
 * `cond && 'x' || ''` pick between literals on an unknown condition.
 */

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

type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'ref'; path: Array<string | Node>; text: string }
  | { t: 'call'; name: string; args: Node[]; text: string }
  | { t: 'not'; e: Node }
  | { t: 'index'; base: Node; seg: string | Node; text: string }
  | { t: 'bin'; op: string; l: Node; r: Node; text: string };

// ---------------------------------------------------------------- tokenizer and parser

type Tok = { k: 'str' | 'num' | 'id' | 'op' | 'end'; v: string; pos: number };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length) {
        if (src[j] === "'" && src[j + 1] === "'") {
          s += "'";
          j += 2;
        } else if (src[j] === "'") break;
        else s += src[j++];
      }
      toks.push({ k: 'str', v: s, pos: i });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      toks.push({ k: 'op', v: two, pos: i });
      i += 2;
      continue;
    }
    if ('!<>()[],.*'.includes(c)) {
      toks.push({ k: 'op', v: c, pos: i });
      i++;
      continue;
    }
    const num = /^(0x[0-9a-f]+|-?\d+(\.\d+)?(e[+-]?\d+)?)/i.exec(src.slice(i));
    if (num && !/[A-Za-z_]/.test(src[i + num[0].length] ?? '')) {
      toks.push({ k: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      toks.push({ k: 'id', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw new Error(`unexpected character '${c}'`);
  }
  toks.push({ k: 'end', v: '', pos: src.length });
  return toks;
}

export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p]!;
  const eat = (v: string) => {
    if (peek().v !== v || peek().k === 'str') throw new Error(`expected '${v}'`);
    p++;
  };
  const slice = (from: number) => src.slice(toks[from]!.pos, peek().pos).trim();
  const binary = (next: () => Node, ops: string[]) => (): Node => {
    const start = p;
    let l = next();
    while (peek().k === 'op' && ops.includes(peek().v)) {
      const op = toks[p++]!.v;
      const r = next();
      l = { t: 'bin', op, l, r, text: slice(start) };
    }
    return l;
  };
  const primary = (): Node => {
    const tok = peek();
    if (tok.k === 'op' && tok.v === '(') {
      p++;
      const e = or();
      eat(')');
      return postfix(e, p);
    }
    if (tok.k === 'op' && tok.v === '!') {
      p++;
      return { t: 'not', e: primary() };
    }
    if (tok.k === 'str') {
      p++;
      return { t: 'lit', v: tok.v };
    }
    if (tok.k === 'num') {
      p++;
      return { t: 'lit', v: Number(tok.v) };
    }
    if (tok.k === 'id') {
      const start = p;
      p++;
      const lower = tok.v.toLowerCase();
      if (lower === 'true' || lower === 'false') return { t: 'lit', v: lower === 'true' };
      if (lower === 'null') return { t: 'lit', v: null };
      if (peek().v === '(' && peek().k === 'op') {
        p++;
        const args: Node[] = [];
        if (peek().v !== ')') {
          args.push(or());
          while (peek().v === ',') {
            p++;
            args.push(or());
          }
        }
        eat(')');
        return postfix({ t: 'call', name: lower, args, text: slice(start) }, start);
      }
      return postfix({ t: 'ref', path: [tok.v], text: tok.v }, start);
    }
    throw new Error(`unexpected token '${tok.v}'`);
  };
  const postfix = (base: Node, start: number): Node => {
    let node = base;
    for (;;) {
      if (peek().v === '.' && peek().k === 'op') {
        p++;
        const t = toks[p++]!;
        const seg = t.k === 'op' && t.v === '*' ? '*' : t.v;
        node = extend(node, seg, slice(start));
      } else if (peek().v === '[' && peek().k === 'op') {
        p++;
        const idx = or();
        eat(']');
        node = extend(node, idx.t === 'lit' ? String(idx.v) : idx, slice(start));
      } else return node;
    }
  };
  const extend = (node: Node, seg: string | Node, text: string): Node =>
    node.t === 'ref' ? { t: 'ref', path: [...node.path, seg], text } : { t: 'index', base: node, seg, text };
  const unary = (): Node => primary();
  const comparison = binary(unary, ['<', '<=', '>', '>=']);
  const equality = binary(comparison, ['==', '!=']);
  const and = binary(equality, ['&&']);
  const or = binary(and, ['||']);
  const tree = or();
  if (peek().k !== 'end') throw new Error(`unexpected '${peek().v}'`);
  return tree;
}

// ---------------------------------------------------------------- evaluation

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0) return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

/** GitHub's string form of a value (objects as JSON). */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, null, 2);
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b) return a === b;
  const num = (x: unknown) => (x === null ? 0 : typeof x === 'boolean' ? (x ? 1 : 0) : typeof x === 'string' ? (x.trim() === '' ? 0 : Number(x)) : NaN);
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return num(a) === num(b);
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

export function evaluate(node: Node, lookup: Lookup): EValue[] {
  switch (node.t) {
    case 'lit':
      return [known(node.v)];
    case 'not':
      return cap(evaluate(node.e, lookup).map((v) => (v.known ? known(!truthy(v.value)) : unknown(...v.atoms.map((a) => `!(${a})`)))));
    case 'ref': {
      const path: string[] = [];
      for (const seg of node.path) {
        if (typeof seg === 'string') path.push(seg);
        else {
          const idx = evaluate(seg, lookup);
          if (idx.length !== 1 || !idx[0]!.known) return [unknown(node.text)];
          path.push(toText(idx[0]!.value));
        }
      }
      return cap(lookup(path, node.text));
    }
    case 'call':
      return cap(callFunction(node, lookup));
    case 'index': {
      let key: string;
      if (typeof node.seg === 'string') key = node.seg;
      else {
        const idx = evaluate(node.seg, lookup);
        if (idx.length !== 1 || !idx[0]!.known) return [unknown(node.text)];
        key = toText(idx[0]!.value);
      }
      return cap(
        evaluate(node.base, lookup).map((b) => {
          if (!b.known || b.value === null || typeof b.value !== 'object') return unknown(node.text);
          if (key === '*') return known(Array.isArray(b.value) ? b.value : Object.values(b.value as object));
          const obj = b.value as Record<string, unknown>;
          const k = Array.isArray(obj) ? key : Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
          return k !== undefined && k in obj ? known(obj[k]) : known(null);
        }),
      );
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
          out.push(known(compare(node.op, l.value, r.value)));
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

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(a, b);
    case '!=':
      return !looseEquals(a, b);
    default: {
      const x = typeof a === 'string' && typeof b === 'string' ? a.localeCompare(b) : Number(a) - Number(b);
      return op === '<' ? x < 0 : op === '<=' ? x <= 0 : op === '>' ? x > 0 : x >= 0;
    }
  }
}

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
    case 'contains':
    case 'startswith':
    case 'endswith': {
      const a = single(0);
      const b = single(1);
      if (!a.known || !b.known) return [unknown(node.text)];
      const needle = toText(b.value).toLowerCase();
      if (node.name === 'contains') {
        if (Array.isArray(a.value)) return [known(a.value.some((x) => looseEquals(x, b.value)))];
        return [known(toText(a.value).toLowerCase().includes(needle))];
      }
      const hay = toText(a.value).toLowerCase();
      return [known(node.name === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle))];
    }
    case 'format': {
      const args = node.args.map((_, i) => single(i));
      if (args.some((a) => !a.known)) return [unknown(node.text)];
      const fmt = toText((args[0] as Known).value);
      return [known(fmt.replace(/\{(\d+)\}/g, (_, d: string) => toText((args[Number(d) + 1] as Known | undefined)?.value ?? '')).replace(/\{\{/g, '{').replace(/\}\}/g, '}'))];
    }
    case 'join': {
      const a = single(0);
      const sep = node.args[1] ? single(1) : known(',');
      if (!a.known || !sep.known) return [unknown(node.text)];
      return [known(Array.isArray(a.value) ? a.value.map(toText).join(toText(sep.value)) : toText(a.value))];
    }
    case 'tojson': {
      const a = single(0);
      return a.known ? [known(JSON.stringify(a.value, null, 2))] : [unknown(node.text)];
    }
    case 'fromjson': {
      const a = single(0);
      if (!a.known) return [unknown(node.text)];
      try {
        return [known(JSON.parse(toText(a.value)))];
      } catch {
        return [unknown(node.text)];
      }
    }
    case 'case': {
      // case(pred1, val1, pred2, val2, …, default)
      const out: EValue[] = [];
      for (let i = 0; i + 1 < node.args.length; i += 2) {
        const pred = single(i);
        if (pred.known && !truthy(pred.value)) continue;
        out.push(single(i + 1));
        if (pred.known) return out;
      }
      if (node.args.length % 2 === 1) out.push(single(node.args.length - 1));
      return out.length ? out : [unknown(node.text)];
    }
    default:
      return [unknown(node.text)];
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
  return node ? evaluate(node, lookup) : [unknown(src.trim())];
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
