import { PARTIAL_JSON } from '../model/digest.js';

/**
 * The part of jq that picks fields out of known JSON and joins them: `jq -r '."containerimage.digest"' meta.json`,
 * `jq -r .digest`, `jq '.["image.name"]'`, `.target.app."containerimage.digest"`, `.[0].digest`, `.tags[]`,
 * `.tags | map("-t " + .) | join(" ")`. Anything else (other functions, `--arg`, variables, interpolation) is not
 * evaluated: the caller keeps the output unknown.
 */

export interface JqCall {
  filter: string;
  raw: boolean;
  /** `-c`: one line per value. */
  compact: boolean;
  files: string[];
}

/** Options of jq that take a value (jq 1.6/1.7), so the filter and files are found after them. */
const VALUE_OPTIONS = new Set(['--arg', '--argjson', '--slurpfile', '--rawfile', '--indent', '-L', '--tab']);

/** The filter, `-r`, and input files of a jq command line; undefined when it uses what is not modelled here. */
export function parseJqArgs(args: readonly string[]): JqCall | undefined {
  let raw = false;
  let compact = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (VALUE_OPTIONS.has(a)) return undefined;
    if (a.startsWith('--')) {
      if (a === '--raw-output') raw = true;
      else if (a === '--compact-output') compact = true;
      else if (!['--exit-status', '--monochrome-output', '--join-output'].includes(a)) return undefined;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'r' || c === 'j') raw = true;
        else if (c === 'c') compact = true;
        else if (!'eM'.includes(c)) return undefined;
      }
      continue;
    }
    positional.push(a);
  }
  const [filter, ...files] = positional;
  return filter === undefined ? undefined : { filter, raw, compact, files };
}

/** Longest filter read: real ones are a line; a longer one is not modelled (and costs nothing to refuse). */
const MAX_FILTER = 2048;

/** jq's output for one JSON input text, or undefined when the filter or the input is not understood. */
export function runJq(call: JqCall, input: string): string | undefined {
  if (call.filter.length > MAX_FILTER) return undefined;
  const filter = parseFilter(call.filter);
  if (!filter) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return undefined;
  }
  const stream = evaluate(filter, value);
  if (!stream) return undefined;
  let out = '';
  for (const v of stream) {
    if (isPartial(v)) return undefined;
    out += call.raw && typeof v === 'string' ? `${v}\n` : `${call.compact ? JSON.stringify(v) : JSON.stringify(v, null, 2)}\n`;
  }
  return out;
}

function isPartial(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[PARTIAL_JSON] === true;
}

/**
 * The filters modelled: paths, string literals, `a | b`, `a + b` (strings, arrays, null), `map(f)`, `join("s")`
 * and parentheses: what Docker's documented multi-platform merge step uses,
 * `jq -cr '.tags | map("-t " + .) | join(" ")' <<< "$DOCKER_METADATA_OUTPUT_JSON"`.
 */
type Filter =
  | { kind: 'path'; path: Segment[] }
  | { kind: 'string'; text: string }
  | { kind: 'pipe'; left: Filter; right: Filter }
  | { kind: 'add'; left: Filter; right: Filter }
  | { kind: 'map'; body: Filter }
  | { kind: 'join'; separator: string };

/** Each output of the filter on one input; undefined when it is not known (or jq would fail). */
function evaluate(f: Filter, input: unknown): unknown[] | undefined {
  switch (f.kind) {
    case 'string':
      return [f.text];
    case 'path':
      return walkPath(f.path, input);
    case 'pipe': {
      const left = evaluate(f.left, input);
      if (!left) return undefined;
      const out: unknown[] = [];
      for (const v of left) {
        const r = evaluate(f.right, v);
        if (!r) return undefined;
        out.push(...r);
      }
      return out;
    }
    case 'add': {
      const l = evaluate(f.left, input);
      const r = evaluate(f.right, input);
      // A single value each side: jq's cartesian product over streams is not what real filters use.
      if (l?.length !== 1 || r?.length !== 1) return undefined;
      const sum = add(l[0], r[0]);
      return sum === undefined ? undefined : [sum];
    }
    case 'map': {
      if (!Array.isArray(input)) return undefined;
      const out: unknown[] = [];
      for (const item of input) {
        const r = evaluate(f.body, item);
        if (!r) return undefined;
        out.push(...r);
      }
      return [out];
    }
    case 'join': {
      if (!Array.isArray(input)) return undefined;
      const parts: string[] = [];
      for (const item of input) {
        if (item === null) parts.push('');
        else if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') parts.push(String(item));
        else return undefined; // jq fails on joining objects or arrays
      }
      return [parts.join(f.separator)];
    }
  }
}

function add(a: unknown, b: unknown): unknown {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  return undefined;
}

function walkPath(path: Segment[], value: unknown): unknown[] | undefined {
  // `.tags[]` makes a stream: each value is printed on its own.
  let stream: unknown[] = [value];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of stream) {
      if (seg === EACH) {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object' && !isPartial(v)) next.push(...Object.values(v));
        else return undefined; // jq fails on iterating a scalar; a partial object's values are not all known
        continue;
      }
      const d = deref(v, seg);
      if (d === undefined) return undefined;
      next.push(d);
    }
    stream = next;
  }
  return stream;
}

/** Parses a filter of the modelled subset; undefined for anything else. */
function parseFilter(text: string): Filter | undefined {
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const pipe = (): Filter | undefined => {
    let left = sum();
    while (left && peek() === '|') {
      i++;
      const right = sum();
      left = right ? { kind: 'pipe', left, right } : undefined;
    }
    return left;
  };
  const sum = (): Filter | undefined => {
    let left = primary();
    while (left && peek() === '+') {
      i++;
      const right = primary();
      left = right ? { kind: 'add', left, right } : undefined;
    }
    return left;
  };
  const primary = (): Filter | undefined => {
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if (t.startsWith('"')) return { kind: 'string', text: t.slice(1) };
    if (t === '(') {
      const inner = pipe();
      return tokens[i++] === ')' ? inner : undefined;
    }
    if (t === 'map' && tokens[i++] === '(') {
      const body = pipe();
      return body && tokens[i++] === ')' ? { kind: 'map', body } : undefined;
    }
    if (t === 'join' && tokens[i++] === '(') {
      const sep = tokens[i++];
      return sep?.startsWith('"') && tokens[i++] === ')' ? { kind: 'join', separator: sep.slice(1) } : undefined;
    }
    const path = t.startsWith('.') ? parsePath(t) : undefined;
    return path ? { kind: 'path', path } : undefined;
  };
  const f = pipe();
  return f && i === tokens.length ? f : undefined;
}

/**
 * Tokens of a filter: `|`, `+`, `(`, `)`, names, paths (`.a."b"[0][]`, one token) and string literals (kept as
 * `"` followed by their decoded text). Undefined on anything else (string interpolation, other operators).
 */
function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('|+()'.includes(c)) {
      out.push(c);
      i++;
    } else if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined) return undefined;
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1];
          const decoded = e === 'n' ? '\n' : e === 't' ? '\t' : e === '"' || e === '\\' || e === '/' ? e : undefined;
          if (decoded === undefined) return undefined; // `\(…)` interpolation and unicode escapes are not modelled
          s += decoded;
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push(`"${s}`);
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push(m[0]);
      i += m[0].length;
    } else if (c === '.') {
      // A path runs to the next space or operator, its quoted keys included.
      let j = i;
      while (j < text.length && !/[\s|+()]/.test(text[j]!)) {
        if (text[j] === '"') {
          const end = text.indexOf('"', j + 1);
          if (end < 0) return undefined;
          j = end + 1;
        } else j++;
      }
      out.push(text.slice(i, j));
      i = j;
    } else return undefined;
  }
  return out;
}

/** One step of a path; undefined when the answer is not known. */
function deref(value: unknown, seg: string | number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof seg === 'number') return Array.isArray(value) ? (value[seg < 0 ? value.length + seg : seg] ?? null) : undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    // A field the writer of a partial object did not model is unknown, not null.
    if (!Object.hasOwn(obj, seg) && obj[PARTIAL_JSON] === true) return undefined;
    return obj[seg] ?? null;
  }
  return undefined;
}

const EACH = Symbol('each');

type Segment = string | number | typeof EACH;

/** `.a.b`, `."a.b"`, `.["a.b"]`, `.[0]`, `.a[0]`, `.`; undefined for anything else. */
function parsePath(filter: string): Segment[] | undefined {
  if (filter === '.') return [];
  const out: Segment[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i];
    if (c === '.' && filter[i + 1] === '"') {
      const end = filter.indexOf('"', i + 2);
      if (end < 0) return undefined;
      out.push(filter.slice(i + 2, end));
      i = end + 1;
    } else if (c === '.' && filter[i + 1] === '[') {
      i++;
    } else if (c === '.') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(filter.slice(i + 1));
      if (!m) return undefined;
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[' && filter[i + 1] === ']') {
      out.push(EACH);
      i += 2;
    } else if (c === '[') {
      const m = /^\[\s*(?:"([^"]*)"|(-?\d+))\s*\]/.exec(filter.slice(i));
      if (!m) return undefined;
      out.push(m[1] !== undefined ? m[1] : Number(m[2]));
      i += m[0].length;
    } else return undefined;
  }
  return out;
}
