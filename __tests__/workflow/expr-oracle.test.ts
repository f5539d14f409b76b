/**
 * Differential test of our expression evaluator against GitHub's own (@actions/expressions, the JavaScript port of
 * the runner's evaluator): thousands of expressions from a seeded grammar, over fully known contexts, must give the
 * same result (kind, string or JSON form, truthiness), and where GitHub's evaluator fails ours must say unknown.
 *
 * What the generator leaves out, because the JavaScript port and the runner (actions/runner, DTExpressions2) differ
 * and we follow the runner there:
 * - a second `''` in one string literal: the port unescapes only the first one;
 * - format specifiers and text after the index (`{0:x}`, `{0 a}`): the port ignores them, the runner fails;
 * - numbers the port formats with toFixed(15) and the runner with "G15": beyond 15 digits, from 1e15 up, below 1e-4;
 * - number syntax JavaScript's Number() takes and the runner does not: `0X1F`, `0b1`, `+Infinity`, over 32-bit hex;
 * - characters whose upper case is longer (ß) or that fold differently to lower and upper case (K, the Kelvin sign):
 *   the port lower-cases in contains() and upper-cases whole strings elsewhere, the runner folds per character;
 * - object keys named like Object.prototype members (`constructor`): the port's dictionaries lose them;
 * - a trailing comma in a call (`join(x,)`): the port accepts it;
 * - white space other than space, tab, CR and LF (a no-break space): the port rejects it, the runner skips it;
 * - status functions (success(), …) and unknown contexts: the port does not know them, and their values are not
 *   known-value semantics;
 * - a failing argument of case() that is never reached: the port evaluates every argument first, the runner only
 *   the predicates up to the first true one and its value (Functions/Case.cs), as we do. Inside case() the generator
 *   makes only calls that cannot fail.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy as ghTruthy } from '@actions/expressions/result';
import { evaluateSource, known, truthy, unknown, type Lookup } from '../../src/expr/expr.js';
import { coerceString, deref, isPrimitive, kindOf, toJson } from '../../src/expr/expr-functions.js';
import { mulberry32 } from '../helpers/random.js';

const SEED = 0x5eed2026;
const COUNT = 4000;

// ---------------------------------------------------------------- contexts

const CONTEXTS: Record<string, unknown> = {
  ctx: {
    Name: 'Mona',
    empty: '',
    zero: 0,
    one: 1,
    half: 0.5,
    neg: -2,
    yes: true,
    no: false,
    nothing: null,
    numstr: '42',
    hex: '0x1F',
    padded: ' 7 ',
    upper: 'HELLO',
    accent: 'Été',
    'with-dash': 'dash',
    json: '{"a":[1,"b"],"C":{"d":null}}',
    list: [1, 'two', true, null, { a: 'x' }, [3, 4], 'TWO'],
    strings: ['alpha', 'Beta', 'gamma'],
    objs: [{ os: 'linux', arch: 'amd64' }, { OS: 'Windows' }, { os: 'mac', x: { y: 1 } }, 'plain', [5, 6]],
    nested: { Deep: { Key: 'v', n: 2 }, arr: [[1, 2], [3]] },
    dup: { Key: 1, key: 2 },
    emptyObj: {},
    emptyList: [],
  },
  matrix: { os: 'ubuntu-latest', include: [{ os: 'ubuntu-latest', arch: 'x64' }, { os: 'windows-latest' }], version: 3 },
};

function toData(v: unknown): data.ExpressionData {
  if (v === null || v === undefined) return new data.Null();
  if (typeof v === 'boolean') return new data.BooleanData(v);
  if (typeof v === 'number') return new data.NumberData(v);
  if (typeof v === 'string') return new data.StringData(v);
  if (Array.isArray(v)) return new data.Array(...v.map(toData));
  return new data.Dictionary(...Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: toData(value) })));
}

const GH_CONTEXT = toData(CONTEXTS) as data.Dictionary;

/** Our lookup over the same fully known contexts: names dereferenced as GitHub does. */
const lookup: Lookup = (path, text) => {
  const [head, ...rest] = path;
  const root = Object.entries(CONTEXTS).find(([k]) => k === head!.toLowerCase());
  if (!root) return [unknown(text)];
  return [known(rest.reduce<unknown>((v, k) => deref(v, { star: false, index: k }), root[1]))];
};

// ---------------------------------------------------------------- the two evaluators

type Outcome = { error: true } | { kind: string; text: string; truthy: boolean };

const GH_KINDS: Record<number, string> = {
  [data.Kind.String]: 'string',
  [data.Kind.Array]: 'array',
  [data.Kind.Dictionary]: 'object',
  [data.Kind.Boolean]: 'boolean',
  [data.Kind.Number]: 'number',
  [data.Kind.Null]: 'null',
};

function github(src: string): Outcome {
  try {
    const tokens = new Lexer(src).lex().tokens;
    const tree = new Parser(tokens, Object.keys(CONTEXTS), []).parse();
    if (!tree) return { error: true };
    const r = new Evaluator(tree, GH_CONTEXT).evaluate();
    return { kind: GH_KINDS[r.kind]!, text: r.primitive ? r.coerceString() : JSON.stringify(r, data.replacer, '  '), truthy: ghTruthy(r) };
  } catch {
    return { error: true };
  }
}

function ours(src: string): Outcome | { alternatives: number } | { crash: string } {
  let vals;
  try {
    vals = evaluateSource(src, lookup);
  } catch (e) {
    return { crash: String(e) };
  }
  if (vals.length !== 1) return { alternatives: vals.length };
  const v = vals[0]!;
  if (!v.known) return { error: true };
  return { kind: kindOf(v.value), text: isPrimitive(v.value) ? coerceString(v.value) : (toJson(v.value) ?? '?'), truthy: truthy(v.value) };
}

// ---------------------------------------------------------------- the generator

const rnd = mulberry32(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number) => rnd() < p;

const NUMBERS = ['0', '1', '-1', '2', '42', '2.5', '-0', '.5', '-.5', '5.', '+3', '007', '0x1F', '0xff', '1e3', '1E-2', '2.5e+2', '0.1', '3.14159', '-7.25', '123456789', 'NaN', 'Infinity', '-Infinity', '0.0001'];
const STRINGS = ['', ' ', '0', '1', '1.0', ' 2 ', '42', '0x1F', '0x10', '1e3', '-0', 'NaN', 'Infinity', 'abc', 'ABC', 'Abc', 'mona', 'MONA', 'true', 'false', 'null', 'TRUE', 'é', 'É', 'été', 'ÉTÉ', 'ı', 'I', 'a_b', 'a-b', '_', 'z', '[', '{', 'linux', 'ubuntu-latest', 'Windows'];
const JSONS = ['[1,"a",true,null]', '{"a":{"B":[1,2]},"c":"d"}', '"str"', '1.5', 'null', 'true', ' 3 ', '', '  ', '{', '[1,]', 'tru', '{"A":1,"a":2}', '[]', '{}', '[[1,[2,[3]]]]', '{"x":[{"os":"linux"},{"os":"mac"}]}', '-0', '"{0}"'];
const KEYS = ['Name', 'name', 'NAME', 'empty', 'zero', 'one', 'half', 'neg', 'yes', 'no', 'nothing', 'numstr', 'hex', 'padded', 'upper', 'accent', 'with-dash', 'json', 'list', 'strings', 'objs', 'nested', 'deep', 'Deep', 'key', 'KEY', 'n', 'arr', 'dup', 'emptyObj', 'emptyList', 'os', 'OS', 'arch', 'x', 'y', 'a', 'include', 'version', 'missing', 'true', 'null'];
const CONTEXT_NAMES = ['ctx', 'CTX', 'Ctx', 'matrix', 'Matrix'];
const MALFORMED = ['', '(', ')', '(1', '1)', "'open", '1 = 2', 'a & b', 'ctx |', '!', ',', '[]', 'ctx.', 'ctx.0', "ctx.'a'", '1 2', 'ctx..a', 'ctx[', 'ctx[]', '*', 'ctx.*.', '1-1', '--1', 'a*b', '$x', "'a'[0]", 'true.x', '== 1', 'format', 'nosuchfn(1)', 'contains(1)', 'format()', 'join()', 'toJSON(1, 2)', 'case(true, 1)', 'ctx.a(1)'];

function stringLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function randomString(): string {
  if (chance(0.6)) return pick(STRINGS);
  const alphabet = 'aAbBzZ0129 _-.,{}[]éÉıI';
  let s = '';
  for (let n = int(6); n > 0; n--) s += alphabet[int(alphabet.length)];
  return s;
}

/** A string literal, at most one `''` escape in it (see the header). */
function stringLit(): string {
  const s = randomString();
  if (chance(0.1)) {
    const at = int(s.length + 1);
    return stringLiteral(s.slice(0, at) + "'" + s.slice(at));
  }
  return stringLiteral(s);
}

function literal(): string {
  switch (int(4)) {
    case 0:
      return chance(0.7) ? pick(NUMBERS) : String(int(2000) - 1000);
    case 1:
      return stringLit();
    default:
      return pick(['true', 'false', 'null']);
  }
}

function contextRef(depth: number): string {
  let s = pick(CONTEXT_NAMES);
  for (let n = int(4); n > 0; n--) {
    switch (int(7)) {
      case 0:
      case 1:
      case 2:
        s += '.' + pick(KEYS);
        break;
      case 3:
        s += `[${stringLiteral(pick(KEYS))}]`;
        break;
      case 4:
        s += `[${pick(['0', '1', '2', '4', '5', '9', '-1', '1.7', "'1'", "''", 'null', 'true', "' 1 '"])}]`;
        break;
      case 5:
        s += pick(['.*', '[*]']);
        break;
      default:
        s += `[${expr(depth - 1)}]`;
    }
  }
  return s;
}

function formatLiteral(): string {
  const pieces: string[] = [];
  for (let n = 1 + int(4); n > 0; n--) {
    switch (int(6)) {
      case 0:
      case 1:
        pieces.push(`{${int(4)}}`);
        break;
      case 2:
        pieces.push(pick(['{{', '}}', '{{0}}']));
        break;
      case 3:
        // Invalid everywhere: GitHub fails these, we must say unknown.
        if (chance(0.3)) pieces.push(pick(['}', '{x}', '{}', '{-1}']));
        break;
      default:
        pieces.push(pick(['a', 'B', ' ', '-', 'é', 'v', ':']));
    }
  }
  // A lone `{` only at the end (with a `}` after it the port would read `{0 …}`, see the header).
  if (chance(0.05)) pieces.push('{');
  return stringLiteral(pieces.join(''));
}

/** Two operands that are close: the same text in other case, a number and its text, null and its look-alikes. */
const RELATED: Array<[string, string[]]> = [
  ["'abc'", ["'ABC'", "'Abc'", "'abd'", "'ab'", "'abc '"]],
  ["'été'", ["'ÉTÉ'", "'Été'", "'ete'"]],
  ["'ı'", ["'I'", "'i'"]],
  ['1', ["'1'", "' 1 '", "'1.0'", "'0x1'", "'1e0'", 'true', "'true'", '1.0', "'01'", "''"]],
  ['0', ["''", "' '", 'null', 'false', "'0'", '-0', "'-0'", "'x'", 'NaN']],
  ['null', ["''", '0', 'false', 'null', "'null'", 'ctx.nothing', 'ctx.missing']],
  ['true', ['1', "'1'", "'true'", 'ctx.yes', '2']],
  ['NaN', ['NaN', "'NaN'", '0', "'abc'"]],
  ['ctx.Name', ["'mona'", "'MONA'", "'Mon'", "'mo'", "'ONA'"]],
  ['ctx.numstr', ['42', "'42'", '42.0', '41', '43', "'042'"]],
  ['ctx.hex', ['31', '0x1F', "'0X1F'", '30']],
  ['ctx.padded', ['7', "'7'", "' 7 '"]],
  ['ctx.upper', ["'hello'", "'HELLO'", "'hell'", "'LO'"]],
  ['ctx.accent', ["'ÉTÉ'", "'été'", "'Ét'", "'TÉ'"]],
  ['ctx.list', ['ctx.list', 'CTX.LIST', "fromJSON('[]')", "'Array'"]],
  ['ctx.nested', ['ctx.NESTED', 'ctx.nested.deep', "'Object'"]],
  ["'b'", ["'B'", "'a'", "'_'", "'['", "'é'"]],
];

function related(): [string, string] {
  const [a, bs] = pick(RELATED);
  return chance(0.5) ? [a, pick(bs)] : [pick(bs), a];
}

function fn(name: string): string {
  return pick([name, name.toLowerCase(), name.toUpperCase()]);
}

/** Inside case() arguments: no calls that can fail (see the header). */
let safe = 0;

function call(depth: number): string {
  const e = () => expr(depth - 1);
  switch (safe ? pick([0, 1, 2, 4, 5]) : int(9)) {
    case 0:
      return `${fn('contains')}(${chance(0.5) ? related().join(', ') : `${e()}, ${e()}`})`;
    case 1:
      return `${fn('startsWith')}(${chance(0.5) ? related().join(', ') : `${e()}, ${e()}`})`;
    case 2:
      return `${fn('endsWith')}(${chance(0.5) ? related().join(', ') : `${e()}, ${e()}`})`;
    case 3: {
      const args = Array.from({ length: int(4) }, e);
      return `${fn('format')}(${[chance(0.85) ? formatLiteral() : e(), ...args].join(', ')})`;
    }
    case 4:
      return chance(0.5) ? `${fn('join')}(${e()})` : `${fn('join')}(${e()}, ${e()})`;
    case 5:
      return `${fn('toJSON')}(${e()})`;
    case 6:
      return `${fn('fromJSON')}(${chance(0.7) ? stringLiteral(pick(JSONS)) : e()})`;
    case 7: {
      safe++;
      const pairs = 1 + int(2);
      const args: string[] = [];
      for (let i = 0; i < pairs; i++) args.push(chance(0.8) ? `${e()} ${pick(['==', '!=', '<', '>='])} ${e()}` : e(), e());
      const out = `${fn('case')}(${[...args, e()].join(', ')})`;
      safe--;
      return out;
    }
    default:
      return `${fn('fromJSON')}(${stringLiteral(pick(JSONS))})${pick(['', '[0]', '.a', '.x.*.os', '[1]', '.*', "['c']"])}`;
  }
}

function expr(depth: number): string {
  if (depth <= 0) return chance(0.5) ? literal() : contextRef(0);
  const e = () => expr(depth - 1);
  switch (int(10)) {
    case 0:
      return literal();
    case 1:
    case 2:
      return contextRef(depth);
    case 3:
      return `!${chance(0.5) ? e() : `(${e()})`}`;
    case 4:
    case 5: {
      const [a, b] = chance(0.5) ? related() : [e(), e()];
      return `${a} ${pick(['==', '!=', '<', '<=', '>', '>='])} ${b}`;
    }
    case 6:
      return `${e()} ${pick(['&&', '||'])} ${e()}`;
    case 7:
      return `(${e()})`;
    default:
      return call(depth);
  }
}

function generate(): string[] {
  const out: string[] = [];
  while (out.length < COUNT) out.push(chance(0.03) ? pick(MALFORMED) : expr(1 + int(3)));
  return out;
}

// ---------------------------------------------------------------- the test

test(`${COUNT} generated expressions evaluate as GitHub's evaluator does`, () => {
  const exprs = generate();
  const mismatches: Array<{ src: string; github: Outcome; ours: unknown }> = [];
  let errors = 0;
  for (const src of exprs) {
    const g = github(src);
    const o = ours(src);
    if ('error' in g) errors++;
    if (JSON.stringify(g) !== JSON.stringify(o)) mismatches.push({ src, github: g, ours: o });
  }
  // ORACLE_DUMP=1 prints every mismatch, not only the first ten.
  if (process.env.ORACLE_DUMP) for (const m of mismatches) console.log(JSON.stringify(m));
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} of ${exprs.length} expressions differ`);
  // The generator reaches both outcomes: values and GitHub's failures.
  assert.ok(errors > exprs.length * 0.02 && errors < exprs.length * 0.5, `${errors} failures`);
});
