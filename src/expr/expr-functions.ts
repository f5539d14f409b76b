/**
 * Known-value semantics of GitHub Actions expressions: coercions, comparisons, dereference and the built-in
 * functions. Follows the runner's evaluator (actions/runner, src/Sdk/DTExpressions2: EvaluationResult,
 * ExpressionUtility, Functions/*) and is checked against GitHub's JavaScript port (@actions/expressions) by
 * `__tests__/workflow/expr-oracle.test.ts`. Where the two differ the runner wins, and where GitHub would fail the
 * expression we fail too (`undefined` / `{ ok: false }`), so the caller can make the value unknown instead of
 * inventing one.
 *
 * Values are plain JavaScript: null, boolean, number, string, arrays and objects (context data, fromJSON results).
 */

/** The runner's bounds: longer expressions and deeper parse trees are syntax errors (ExpressionConstants). */
export const MAX_EXPRESSION_LENGTH = 21_000;
export const MAX_PARSER_DEPTH = 50;
/** Strings built by format/join/toJSON; the runner stops at about a megabyte too (MemoryCounter). */
export const MAX_RESULT_LENGTH = 1_000_000;
/** fromJSON nesting (Json.NET's default MaxDepth); it also bounds the recursion of toJSON over such values. */
export const MAX_JSON_DEPTH = 64;
const MAX_SERIALIZE_DEPTH = 256;

export type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

export const isPrimitive = (v: unknown): boolean => {
  const k = kindOf(v);
  return k !== 'array' && k !== 'object';
};

// ---------------------------------------------------------------- filtered arrays (`x.*`)

/** Arrays produced by a `*` filter: a further index applies to each element (`matrix.include.*.os`). */
const filtered = new WeakSet<unknown[]>();

function filteredArray(items: unknown[]): unknown[] {
  filtered.add(items);
  return items;
}

// ---------------------------------------------------------------- coercions

/** Numbers as the runner prints them: .NET "G15" (15 significant digits, exponent from 1E+15 and from 1E-05 down). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return '0';
  const r = Number(n.toPrecision(15));
  const [mantissa, e] = r.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp >= 15 || exp <= -5) return `${mantissa}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(r);
}

/**
 * A string as a number (ExpressionUtility.ParseNumber): trimmed, empty is 0, decimal with sign, point and
 * exponent, `0x` hexadecimal and `0o` octal within 32 bits, `Infinity`, `-Infinity`; anything else NaN.
 */
export function parseNumber(s: string): number {
  const t = s.trim();
  if (t === '') return 0;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const radix = /^0x[0-9a-fA-F]+$/.test(t) ? 16 : /^0o[0-7]+$/.test(t) ? 8 : 0;
  if (radix) {
    const digits = t.slice(2).replace(/^0+(?=.)/, '');
    const v = parseInt(digits, radix);
    if (radix === 16) return digits.length <= 8 ? (v > 0x7fffffff ? v - 0x1_0000_0000 : v) : NaN;
    return v <= 0x7fffffff ? v : NaN;
  }
  if (t === 'Infinity') return Infinity;
  if (t === '-Infinity') return -Infinity;
  return NaN;
}

export function toNumber(v: unknown): number {
  switch (kindOf(v)) {
    case 'null':
      return 0;
    case 'boolean':
      return v ? 1 : 0;
    case 'number':
      return v as number;
    case 'string':
      return parseNumber(v as string);
    default:
      return NaN;
  }
}

/** The runner's ConvertToString: what format, join, contains, startsWith and endsWith see. */
export function coerceString(v: unknown): string {
  switch (kindOf(v)) {
    case 'null':
      return '';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatNumber(v as number);
    case 'string':
      return v as string;
    case 'array':
      return 'Array';
    default:
      return 'Object';
  }
}

/**
 * Case folding for OrdinalIgnoreCase: each character to its upper case when that is one character, except the
 * dotless ı (as GitHub's evaluators do), so lengths and positions are kept.
 */
export function foldCase(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    if (ch === 'ı') {
      out += ch;
      continue;
    }
    const u = ch.toUpperCase();
    out += u.length === ch.length ? u : ch;
  }
  return out;
}

// ---------------------------------------------------------------- comparisons

/** CoerceTypes: number and string meet as numbers; booleans and null become numbers; objects stay as they are. */
function coerce(a: unknown, b: unknown): [unknown, unknown] {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === kb) return [a, b];
  if (ka === 'number' && kb === 'string') return [a, toNumber(b)];
  if (ka === 'string' && kb === 'number') return [toNumber(a), b];
  if (ka === 'boolean' || ka === 'null') return coerce(toNumber(a), b);
  if (kb === 'boolean' || kb === 'null') return coerce(a, toNumber(b));
  return [a, b];
}

/** `==`: like JavaScript's abstract equality, strings case-insensitively, NaN equal to nothing, objects by identity. */
export function looseEquals(a: unknown, b: unknown): boolean {
  const [x, y] = coerce(a, b);
  const k = kindOf(x);
  if (k !== kindOf(y)) return false;
  switch (k) {
    case 'null':
      return true;
    case 'number':
      return !Number.isNaN(x) && !Number.isNaN(y) && x === y;
    case 'string':
      return foldCase(x as string) === foldCase(y as string);
    default:
      return x === y;
  }
}

/** Order after coercion: -1, 0 or 1, or undefined when the values do not compare (other kinds, NaN). */
function order(a: unknown, b: unknown): number | undefined {
  const [x, y] = coerce(a, b);
  const k = kindOf(x);
  if (k !== kindOf(y)) return undefined;
  switch (k) {
    case 'number': {
      const [m, n] = [x as number, y as number];
      return Number.isNaN(m) || Number.isNaN(n) ? undefined : m < n ? -1 : m > n ? 1 : 0;
    }
    case 'string': {
      const [m, n] = [foldCase(x as string), foldCase(y as string)];
      return m < n ? -1 : m > n ? 1 : 0;
    }
    case 'boolean':
      return x === y ? 0 : x ? 1 : -1;
    default:
      return undefined;
  }
}

export function compareValues(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(a, b);
    case '!=':
      return !looseEquals(a, b);
    case '<':
      return order(a, b) === -1;
    case '>':
      return order(a, b) === 1;
    case '<=':
      return looseEquals(a, b) || order(a, b) === -1;
    case '>=':
      return looseEquals(a, b) || order(a, b) === 1;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- dereference

/** One `.name`, `[index]` or `*` step. */
export type Segment = { star: true } | { star: false; index: unknown };

export const STAR: Segment = { star: true };

/** An object's value for a key, case-insensitively; the first of keys that differ only in case wins. */
function property(obj: Record<string, unknown>, key: string): unknown {
  const folded = foldCase(key);
  for (const k of Object.keys(obj)) if (k === key || foldCase(k) === folded) return obj[k];
  return undefined;
}

/** The values of an object with case-insensitively repeated keys dropped (the runner's dictionaries). */
function propertyValues(obj: Record<string, unknown>): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const k of Object.keys(obj)) {
    const f = foldCase(k);
    if (seen.has(f)) continue;
    seen.add(f);
    out.push(obj[k]);
  }
  return out;
}

function propertyEntries(obj: Record<string, unknown>): Array<[string, unknown]> {
  const seen = new Set<string>();
  const out: Array<[string, unknown]> = [];
  for (const k of Object.keys(obj)) {
    const f = foldCase(k);
    if (seen.has(f)) continue;
    seen.add(f);
    out.push([k, obj[k]]);
  }
  return out;
}

/** An index value as a key (primitives as text) and as an array position (finite, non-negative, floored). */
function indexParts(index: unknown): { key: string | undefined; pos: number | undefined } {
  const key = isPrimitive(index) ? coerceString(index) : undefined;
  const f = toNumber(index);
  return { key, pos: Number.isFinite(f) && f >= 0 ? Math.floor(f) : undefined };
}

/** `base[index]`, `base.name`, `base.*`: missing keys and out-of-range positions are null. */
export function deref(base: unknown, seg: Segment): unknown {
  const parts = seg.star ? { key: undefined, pos: undefined } : indexParts(seg.index);
  const kind = kindOf(base);
  if (kind === 'array' && filtered.has(base as unknown[])) {
    const out: unknown[] = [];
    for (const item of base as unknown[]) {
      const k = kindOf(item);
      if (k === 'object') {
        const obj = item as Record<string, unknown>;
        if (seg.star) out.push(...propertyValues(obj));
        else if (parts.key !== undefined) {
          const v = property(obj, parts.key);
          if (v !== undefined) out.push(v);
        }
      } else if (k === 'array') {
        const arr = item as unknown[];
        if (seg.star) out.push(...arr);
        else if (parts.pos !== undefined && parts.pos < arr.length) out.push(arr[parts.pos] ?? null);
      }
    }
    return filteredArray(out);
  }
  if (kind === 'array') {
    const arr = base as unknown[];
    if (seg.star) return filteredArray([...arr]);
    return parts.pos !== undefined && parts.pos < arr.length ? (arr[parts.pos] ?? null) : null;
  }
  if (kind === 'object') {
    const obj = base as Record<string, unknown>;
    if (seg.star) return filteredArray(propertyValues(obj));
    const v = parts.key === undefined ? undefined : property(obj, parts.key);
    return v === undefined ? null : v;
  }
  return seg.star ? filteredArray([]) : null;
}

// ---------------------------------------------------------------- JSON

/** toJSON's text: two-space indented JSON; undefined when the value nests too deeply to print. */
export function toJson(v: unknown): string | undefined {
  const out: string[] = [];
  let size = 0;
  const write = (s: string) => {
    out.push(s);
    size += s.length;
  };
  const go = (x: unknown, indent: string, depth: number): boolean => {
    if (depth > MAX_SERIALIZE_DEPTH || size > MAX_RESULT_LENGTH) return false;
    const k = kindOf(x);
    if (k === 'null') write('null');
    else if (k === 'boolean') write(x ? 'true' : 'false');
    else if (k === 'number') write(JSON.stringify(x));
    else if (k === 'string') write(JSON.stringify(x));
    else {
      const entries: Array<[string | undefined, unknown]> =
        k === 'array' ? (x as unknown[]).map((e): [undefined, unknown] => [undefined, e]) : propertyEntries(x as Record<string, unknown>);
      const [open, close] = k === 'array' ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        write(open + close);
        return true;
      }
      const inner = indent + '  ';
      write(open);
      for (let i = 0; i < entries.length; i++) {
        const [key, value] = entries[i]!;
        write((i ? ',\n' : '\n') + inner + (key === undefined ? '' : JSON.stringify(key) + ': '));
        if (!go(value, inner, depth + 1)) return false;
      }
      write('\n' + indent + close);
    }
    return true;
  };
  return go(v, '', 0) && size <= MAX_RESULT_LENGTH ? out.join('') : undefined;
}

/** fromJSON: strict JSON, not empty, nested at most MAX_JSON_DEPTH deep; undefined when GitHub would fail. */
export function fromJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_JSON_DEPTH) return { ok: false };
    } else if (c === ']' || c === '}') depth--;
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------- functions

/** Parameter counts of the functions GitHub knows; a call outside them is a syntax error. */
const ARITY: Record<string, [number, number]> = {
  contains: [2, 2],
  startswith: [2, 2],
  endswith: [2, 2],
  format: [1, 255],
  join: [1, 2],
  tojson: [1, 1],
  fromjson: [1, 1],
  case: [3, Infinity],
  success: [0, 0],
  always: [0, 0],
  failure: [0, 0],
  cancelled: [0, 0],
  hashfiles: [1, Infinity],
};

const IMPLEMENTED = new Set(['contains', 'startswith', 'endswith', 'format', 'join', 'tojson', 'fromjson']);

/** Whether callKnown implements the function, so that its failure is GitHub's (hashFiles() is merely unknown). */
export const isKnownFunction = (name: string): boolean => IMPLEMENTED.has(name);

/** Whether `name(…)` with `count` arguments is a valid call of a known function (unknown names pass). */
export function validArity(name: string, count: number): boolean {
  const a = ARITY[name];
  if (!a) return true;
  if (count < a[0] || count > a[1]) return false;
  return name !== 'case' || count % 2 === 1;
}

/** format(): `{N}` placeholders and `{{`/`}}` escapes; anything else (format specifiers too) is an error. */
export function formatString(fmt: string, args: string[]): string | undefined {
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const l = fmt.indexOf('{', i);
    const r = fmt.indexOf('}', i);
    if (l >= 0 && (r < 0 || r > l)) {
      if (fmt[l + 1] === '{') {
        out += fmt.slice(i, l + 1);
        i = l + 2;
        continue;
      }
      let j = l + 1;
      while (j < fmt.length && fmt[j]! >= '0' && fmt[j]! <= '9') j++;
      if (j === l + 1 || fmt[j] !== '}') return undefined;
      const n = Number(fmt.slice(l + 1, j));
      if (n > 255 || n >= args.length) return undefined;
      out += fmt.slice(i, l) + args[n]!;
      i = j + 1;
    } else if (r >= 0) {
      if (fmt[r + 1] !== '}') return undefined;
      out += fmt.slice(i, r + 1);
      i = r + 2;
    } else {
      out += fmt.slice(i);
      break;
    }
    if (out.length > MAX_RESULT_LENGTH) return undefined;
  }
  return out.length > MAX_RESULT_LENGTH ? undefined : out;
}

export type CallResult = { ok: true; value: unknown } | { ok: false };

const fail: CallResult = { ok: false };
const ok = (value: unknown): CallResult => ({ ok: true, value });

/**
 * A known function on known arguments (`case` and the status functions are the evaluator's, they decide on
 * unknowns). `{ ok: false }` where GitHub's evaluation fails, or for a name this does not implement.
 */
export function callKnown(name: string, args: unknown[]): CallResult {
  if (!validArity(name, args.length)) return fail;
  const [a, b] = args;
  switch (name) {
    case 'contains':
      if (isPrimitive(a)) return ok(isPrimitive(b) && foldCase(coerceString(a)).includes(foldCase(coerceString(b))));
      if (kindOf(a) === 'array') return ok((a as unknown[]).some((item) => looseEquals(b, item)));
      return ok(false);
    case 'startswith':
    case 'endswith': {
      if (!isPrimitive(a) || !isPrimitive(b)) return ok(false);
      const [hay, needle] = [foldCase(coerceString(a)), foldCase(coerceString(b))];
      return ok(name === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle));
    }
    case 'format': {
      const s = formatString(coerceString(a), args.slice(1).map(coerceString));
      return s === undefined ? fail : ok(s);
    }
    case 'join': {
      if (isPrimitive(a)) return ok(coerceString(a));
      if (kindOf(a) !== 'array') return ok('');
      const sep = args.length > 1 && isPrimitive(b) ? coerceString(b) : ',';
      let out = '';
      const items = a as unknown[];
      for (let i = 0; i < items.length; i++) {
        out += (i ? sep : '') + coerceString(items[i]);
        if (out.length > MAX_RESULT_LENGTH) return fail;
      }
      return ok(out);
    }
    case 'tojson': {
      const s = toJson(a);
      return s === undefined ? fail : ok(s);
    }
    case 'fromjson':
      return fromJson(coerceString(a));
    default:
      return fail;
  }
}
