import { PARTIAL_JSON } from '../model/digest.js';

/**
 * The part of jq that picks a field out of known JSON: `jq -r '."containerimage.digest"' meta.json`,
 * `jq -r .digest`, `jq '.["image.name"]'`, `.target.app."containerimage.digest"`, `.[0].digest`. Anything else
 * (pipes, functions, `--arg`, several filters) is not evaluated: the caller keeps the output unknown.
 */

export interface JqCall {
  filter: string;
  raw: boolean;
  files: string[];
}

/** Options of jq that take a value (jq 1.6/1.7), so the filter and files are found after them. */
const VALUE_OPTIONS = new Set(['--arg', '--argjson', '--slurpfile', '--rawfile', '--indent', '-L', '--tab']);

/** The filter, `-r`, and input files of a jq command line; undefined when it uses what is not modelled here. */
export function parseJqArgs(args: readonly string[]): JqCall | undefined {
  let raw = false;
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
      else if (!['--compact-output', '--exit-status', '--monochrome-output', '--join-output'].includes(a)) return undefined;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'r' || c === 'j') raw = true;
        else if (!'ceM'.includes(c)) return undefined;
      }
      continue;
    }
    positional.push(a);
  }
  const [filter, ...files] = positional;
  return filter === undefined ? undefined : { filter, raw, files };
}

/** jq's output for one JSON input text, or undefined when the filter or the input is not understood. */
export function runJq(call: JqCall, input: string): string | undefined {
  const path = parsePath(call.filter.trim());
  if (!path) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return undefined;
  }
  // `.tags[]` makes a stream: each value is printed on its own.
  let stream: unknown[] = [value];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of stream) {
      if (seg === EACH) {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object' && (v as Record<string, unknown>)[PARTIAL_JSON] !== true) next.push(...Object.values(v));
        else return undefined; // jq fails on iterating a scalar; a partial object's values are not all known
        continue;
      }
      const d = deref(v, seg);
      if (d === undefined) return undefined;
      next.push(d);
    }
    stream = next;
  }
  let out = '';
  for (const v of stream) {
    if (typeof v === 'object' && v !== null && (v as Record<string, unknown>)[PARTIAL_JSON] === true) return undefined;
    out += call.raw && typeof v === 'string' ? `${v}\n` : `${JSON.stringify(v, null, 2)}\n`;
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
