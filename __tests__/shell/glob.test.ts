/**
 * The shell pattern matcher (src/util/glob.ts with SHELL_PATTERN) against a reference: the regular expressions the interpreter used to build from
 * patterns (correct, but exponential on some inputs), on every small pattern and text over a tiny alphabet.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileShellPattern, type GlobMeter } from '../../src/util/glob.js';
import { removePattern, replacePattern } from '../../src/shell/text.js';

const free: GlobMeter = { charge: () => true };

/** The former glob → RegExp translation (for `*`, `?`, literals and simple classes it is exact). */
function reference(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

function* words(alphabet: string[], maxLength: number): Generator<string> {
  let layer = [''];
  yield '';
  for (let n = 1; n <= maxLength; n++) {
    layer = layer.flatMap((w) => alphabet.map((a) => w + a));
    yield* layer;
  }
}

const PATTERNS = [...words(['a', 'b', '*', '?', '[ab]', '[!a]'], 3)];
const TEXTS = [...words(['a', 'b', 'c'], 5)];

test('whole-text, prefix and suffix matching agree with the regular-expression reference', () => {
  for (const p of PATTERNS) {
    const g = compileShellPattern(p);
    const whole = new RegExp(`^(?:${reference(p)})$`);
    for (const t of TEXTS) {
      assert.equal(g.matches(t, free), whole.test(t), `${p} on ${t}`);
      const prefixes = [...Array(t.length + 1).keys()].filter((n) => whole.test(t.slice(0, n)));
      const suffixes = [...Array(t.length + 1).keys()].filter((n) => whole.test(t.slice(t.length - n)));
      assert.equal(g.prefixMatch(t, false, free), prefixes[0] ?? null, `#${p} on ${t}`);
      assert.equal(g.prefixMatch(t, true, free), prefixes[prefixes.length - 1] ?? null, `##${p} on ${t}`);
      assert.equal(g.suffixMatch(t, false, free), suffixes[0] ?? null, `%${p} on ${t}`);
      assert.equal(g.suffixMatch(t, true, free), suffixes[suffixes.length - 1] ?? null, `%%${p} on ${t}`);
    }
  }
});

test('search finds the leftmost match and the longest one starting there, as bash replaces', () => {
  for (const p of PATTERNS) {
    if (p === '') continue;
    const g = compileShellPattern(p);
    const whole = new RegExp(`^(?:${reference(p)})$`);
    for (const t of TEXTS) {
      let expected: { start: number; end: number } | null = null;
      for (let s = 0; s <= t.length && !expected; s++) for (let e = t.length; e >= s && !expected; e--) if (whole.test(t.slice(s, e))) expected = { start: s, end: e };
      assert.deepEqual(g.search(t, 0, free), expected, `${p} in ${t}`);
    }
  }
});

test('brackets, classes and escapes', () => {
  const m = (p: string, t: string) => compileShellPattern(p).matches(t, free);
  assert.equal(m('[[:digit:]]*', '1a'), true);
  assert.equal(m('[[:digit:]]*', 'a1'), false);
  assert.equal(m('[a-c]x', 'bx'), true);
  assert.equal(m('[!a-c]x', 'bx'), false);
  assert.equal(m('[]]', ']'), true);
  assert.equal(m('[!]]', 'a'), true);
  assert.equal(m('\\*', '*'), true);
  assert.equal(m('\\*', 'a'), false);
  assert.equal(m('[ab', '[ab'), true);
  assert.equal(m('v[0-9].*', 'v1.2'), true);
});

test('parameter expansion operators on the matcher', () => {
  assert.equal(removePattern('refs/tags/v1.2', 'refs/tags/', '#', free), 'v1.2');
  assert.equal(removePattern('a/b/c', '*/', '#', free), 'b/c');
  assert.equal(removePattern('a/b/c', '*/', '##', free), 'c');
  assert.equal(removePattern('img:tag:x', ':*', '%', free), 'img:tag');
  assert.equal(removePattern('img:tag:x', ':*', '%%', free), 'img');
  assert.equal(replacePattern('a-b-c', '-', '_', true, free, 1e6), 'a_b_c');
  assert.equal(replacePattern('a-b-c', '-', '_', false, free, 1e6), 'a_b-c');
  assert.equal(replacePattern('abc', '#a', 'x', false, free, 1e6), 'xbc');
  assert.equal(replacePattern('abc', '%c', 'x', false, free, 1e6), 'abx');
  assert.equal(replacePattern('abc', '#', 'p', false, free, 1e6), 'pabc');
  assert.equal(replacePattern('abc', '*', 'Z', true, free, 1e6), 'Z');
  assert.equal(replacePattern('', '*', 'Z', false, free, 1e6), 'Z');
  assert.equal(replacePattern('aXbXc', 'X*', '-', true, free, 1e6), 'a-');
  // Past maxLength the result is not built.
  assert.equal(replacePattern('aaaa', 'a', 'bbb', true, free, 10), undefined);
});

test('steps are charged to the meter, and a refusal leaves the match undecided', () => {
  let steps = 0;
  const meter: GlobMeter = {
    charge: (n) => {
      steps += n;
      return true;
    },
  };
  const text = 'a'.repeat(262_144);
  // `${A%%*x}` on a 256 KB value: one backwards pass (the former code tried every suffix with a new RegExp).
  assert.equal(removePattern(text, '*x', '%%', meter), text);
  assert.ok(steps <= 3 * text.length, `${steps} steps`);
  steps = 0;
  assert.equal(compileShellPattern('*a'.repeat(60) + 'b').matches(text, meter), false);
  assert.ok(steps <= 130 * text.length, `${steps} steps`);
  let left = 10_000;
  const small: GlobMeter = { charge: (n) => (left -= n) >= 0 };
  assert.equal(compileShellPattern('*a'.repeat(60) + 'b').matches(text, small), undefined);
  assert.equal(removePattern(text, '*a*b', '##', { charge: () => false }), undefined);
});
