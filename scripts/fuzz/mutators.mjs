// Mutators over byte strings (latin1 strings: one character per byte, so byte flips and NUL bytes survive).
// Each returns { text, op } where op names what was done, for the report of where a defect came from.
import { Buffer } from 'node:buffer';
import { HOSTILE_TOKENS } from './hostile.mjs';

/** Files above this are refused by the reader (1 MiB); mutators aim below it, so the analysis sees the content. */
export const MAX_MUTATED_BYTES = 1_000_000;

export const toBytes = (s) => Buffer.from(s, 'utf8').toString('latin1');
const HOSTILE_BYTES = HOSTILE_TOKENS.map(toBytes);

/** Nesting pairs per grammar: wrapping a fragment in N of these is how stack-depth defects are found. */
const NEST_PAIRS = {
  workflow: [['(', ')'], ['!', ''], ['[', ']'], ['{a: ', '}'], ["format('{0}', ", ')'], ['${{ ', ' }}']],
  action: [['(', ')'], ['[', ']'], ['$(', ')'], ['${{ ', ' }}']],
  script: [['$(', ')'], ['( ', ' )'], ['{ ', '; }'], ['"$(', ')"'], ['if true; then ', '; fi'], ['`', '`'], ['$((', '))'], ['${X:-', '}'], ['while x; do ', '; done']],
  make: [['$(', ')'], ['$(strip ', ')'], ['$(if a,', ',b)'], ['$(call f,', ')'], ['${', '}'], ['$(foreach a,b,', ')']],
  goreleaser: [['{{ if .Env.A }}', '{{ end }}'], ['[', ']'], ['{', '}'], ['{{ with . }}', '{{ end }}'], ['(', ')']],
  bake: [['[', ']'], ['{ a = ', ' }'], ['(', ')'], ['"${', '}"'], ['f(', ')'], ['a ? ', ' : b']],
  manifest: [['[', ']'], ['{', '}'], ['(', ')'], ['- ', '']],
  helm: [['{{ if . }}', '{{ end }}'], ['{{ include "x" (', ') }}'], ['(', ')'], ['{{ range . }}', '{{ end }}']],
  config: [['[', ']'], ['{', '}'], ['{a,', '}'], ['(', ')']],
};

function lines(text) {
  return text.split(/(?<=\n)/);
}

/** A random fragment: a line, a few lines, or a token-bounded substring of one line. */
function fragment(rng, text) {
  const ls = lines(text);
  if (ls.length === 0 || text.length === 0) return { start: 0, end: 0 };
  const i = rng.int(0, ls.length - 1);
  let start = 0;
  for (let k = 0; k < i; k++) start += ls[k].length;
  const r = rng.float();
  if (r < 0.4) return { start, end: start + ls[i].length };
  if (r < 0.55) {
    const n = rng.int(1, Math.min(8, ls.length - i));
    let end = start;
    for (let k = i; k < i + n; k++) end += ls[k].length;
    return { start, end };
  }
  const line = ls[i];
  const a = rng.int(0, Math.max(0, line.length - 1));
  const b = Math.min(line.length, a + rng.count(40));
  return { start: start + a, end: start + b };
}

function repetitions(rng, unitLength, maxBytes) {
  const n = rng.weighted([
    [4, rng.int(2, 10)],
    [3, rng.int(10, 200)],
    [2, rng.pick([1000, 3000, 10000])],
    [1, rng.pick([50000, 100000, 400000])],
  ]);
  return Math.max(1, Math.min(n, Math.floor(maxBytes / Math.max(1, unitLength))));
}

export const MUTATORS = {
  byteFlip(rng, text) {
    if (!text.length) return { text: '\u00ff', op: 'byte-flip' };
    const chars = text.split('');
    const n = rng.count(16);
    for (let i = 0; i < n; i++) {
      const p = rng.int(0, chars.length - 1);
      chars[p] = rng.chance(0.5) ? String.fromCharCode(chars[p].charCodeAt(0) ^ (1 << rng.int(0, 7))) : rng.pick(['\u0000', '\n', ' ', '\t', '"', "'", '{', '}', '$', '\u00ff', '\u00e2', ':', '-', '#', '\\']);
    }
    return { text: chars.join(''), op: `byte-flip×${n}` };
  },

  truncate(rng, text) {
    if (rng.chance(0.5)) return { text: text.slice(0, rng.int(0, text.length)), op: 'truncate' };
    const { start, end } = fragment(rng, text);
    return { text: text.slice(0, start) + text.slice(end), op: 'cut' };
  },

  duplicateLines(rng, text, ctx) {
    const { start, end } = fragment(rng, text);
    const frag = text.slice(start, end);
    const n = Math.min(rng.int(2, 4), Math.floor((ctx.maxBytes - text.length) / Math.max(1, frag.length)) + 1);
    return { text: text.slice(0, start) + frag.repeat(Math.max(1, n)) + text.slice(end), op: `duplicate×${n}` };
  },

  moveBlock(rng, text) {
    const { start, end } = fragment(rng, text);
    const frag = text.slice(start, end);
    const rest = text.slice(0, start) + text.slice(end);
    const at = rng.int(0, rest.length);
    return { text: rest.slice(0, at) + frag + rest.slice(at), op: 'move-block' };
  },

  splice(rng, text, ctx) {
    const other = ctx.other();
    const a = lines(text);
    const b = lines(other);
    const i = rng.int(0, a.length);
    const j = rng.int(0, b.length);
    const k = rng.int(j, Math.min(b.length, j + rng.count(60)));
    const out = [...a.slice(0, i), ...b.slice(j, k), ...(rng.chance(0.5) ? a.slice(i) : [])].join('');
    return { text: out.slice(0, ctx.maxBytes), op: 'splice' };
  },

  /** The blow-up class: one fragment repeated N times in place. */
  repeat(rng, text, ctx) {
    let { start, end } = fragment(rng, text);
    if (end === start) end = Math.min(text.length, start + 1);
    const frag = text.slice(start, end) || 'x';
    const n = repetitions(rng, frag.length, ctx.maxBytes - text.length);
    return { text: text.slice(0, start) + frag.repeat(n) + text.slice(end), op: `repeat×${n}` };
  },

  /** A fragment wrapped in N open/close pairs of the file's own grammar. */
  nest(rng, text, ctx) {
    const pairs = NEST_PAIRS[ctx.kind] ?? NEST_PAIRS.manifest;
    const [open, close] = rng.pick(pairs);
    const { start, end } = fragment(rng, text);
    const n = repetitions(rng, open.length + close.length, ctx.maxBytes - text.length);
    return { text: text.slice(0, start) + open.repeat(n) + text.slice(start, end) + close.repeat(n) + text.slice(end), op: `nest×${n}` };
  },

  replaceToken(rng, text) {
    const tokens = [...text.matchAll(/[A-Za-z_][\w.-]*|\$\{\{|\}\}|[$(){}[\]"'`|&;:*!<>\\]/g)];
    const token = HOSTILE_BYTES[rng.int(0, HOSTILE_BYTES.length - 1)];
    if (tokens.length === 0) return { text: text + token, op: 'append-hostile' };
    const n = rng.count(8);
    let out = text;
    for (let i = 0; i < n; i++) {
      const m = tokens[rng.int(0, tokens.length - 1)];
      if (m.index + m[0].length > out.length) continue;
      out = out.slice(0, m.index) + token + out.slice(m.index + m[0].length);
    }
    return { text: out, op: `replace-token×${n}` };
  },

  insertHostile(rng, text) {
    const token = HOSTILE_BYTES[rng.int(0, HOSTILE_BYTES.length - 1)];
    const at = rng.int(0, text.length);
    return { text: text.slice(0, at) + token + text.slice(at), op: 'insert-hostile' };
  },

  reindent(rng, text) {
    const ls = lines(text);
    if (!ls.length) return { text, op: 'reindent' };
    const i = rng.int(0, ls.length - 1);
    const n = rng.int(1, Math.min(20, ls.length - i));
    const delta = rng.pick([-4, -2, -1, 1, 2, 4, 40]);
    for (let k = i; k < i + n; k++) ls[k] = delta > 0 ? ' '.repeat(delta) + ls[k] : ls[k].replace(new RegExp(`^ {0,${-delta}}`), '');
    return { text: ls.join(''), op: 'reindent' };
  },
};

const MUTATOR_WEIGHTS = [
  [3, 'byteFlip'],
  [2, 'truncate'],
  [3, 'duplicateLines'],
  [1, 'moveBlock'],
  [3, 'splice'],
  [3, 'repeat'],
  [2, 'nest'],
  [4, 'replaceToken'],
  [2, 'insertHostile'],
  [2, 'reindent'],
];

/** Applies 1..k random mutations; returns the text and the list of operations. */
export function mutate(rng, text, ctx) {
  const ops = [];
  const n = rng.weighted([
    [5, 1],
    [3, 2],
    [2, 3],
    [1, 6],
  ]);
  let out = text;
  for (let i = 0; i < n; i++) {
    const name = rng.weighted(MUTATOR_WEIGHTS);
    const r = MUTATORS[name](rng, out, ctx);
    out = r.text.length > ctx.maxBytes * 1.2 ? r.text.slice(0, ctx.maxBytes) : r.text;
    ops.push(r.op);
  }
  return { text: out, ops };
}
