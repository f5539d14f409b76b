/**
 * The shell's former glob engine (src/shell/glob.ts) against src/util/glob.ts with SHELL_PATTERN, on generated
 * patterns and texts, for every operation the shell uses: identical answers, the work bound kept, and a meter's
 * refusal never turned into a guess. The golden file holds the former engine's answers, so the cases stay checked
 * after it is gone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as old from '../../src/shell/glob.js';
import type { GlobMeter } from '../../src/util/glob.js';
import { assertGolden } from '../helpers/golden.js';
import { cases, FREE, line, OPERATIONS, random, run, UTIL_GLOB, type Case, type Operation, type ShellMatcher } from './glob-cases.js';

const meterFn = (m: GlobMeter): old.Meter => (n) => m.charge(n);

const OLD_GLOB: ShellMatcher = {
  matches: (p, t, m) => old.globMatches(old.compileGlob(p), t, meterFn(m)),
  prefix: (p, t, longest, m) => old.globPrefix(old.compileGlob(p), t, longest, meterFn(m)),
  suffix: (p, t, longest, m) => old.globSuffix(old.compileGlob(p), t, longest, meterFn(m)),
  search: (p, t, from, m) => old.globSearch(old.compileGlob(p), t, from, meterFn(m)),
  partly: (p, start, end, m) => old.globMatchesPartly(old.compileGlob(p), start, end, meterFn(m)),
  everything: (p) => {
    const g = old.compileGlob(p);
    return g.tokens.length > 0 && g.tokens.every((t) => t.k === 'star');
  },
};

/** A meter that counts, and refuses once `allowance` steps are spent. */
function counting(allowance = Infinity): GlobMeter & { used: number } {
  return {
    used: 0,
    charge(n: number): boolean {
      this.used += n;
      return this.used <= allowance;
    },
  };
}

/** The text an operation reads (the partly known one reads only its known ends). */
function readLength(c: Case, op: Operation): number {
  return op === 'partly' ? c.startLength + c.endLength : c.text.length;
}

const CASES = cases(20260, 30_000);

function compare(all: Case[], label: string): { answers: number; sameSteps: number } {
  let answers = 0;
  let sameSteps = 0;
  for (const c of all) {
    for (const op of OPERATIONS) {
      const a = counting();
      const b = counting();
      const expected = run(OLD_GLOB, c, op, a);
      const actual = run(UTIL_GLOB, c, op, b);
      const what = `${label} ${op} ${JSON.stringify(c)}`;
      assert.deepEqual(actual, expected, what);
      answers++;
      if (a.used === b.used) sameSteps++;
      // The work bound: at most (characters read + 1) × (pattern size + 2) steps.
      assert.ok(b.used <= (readLength(c, op) + 1) * (c.pattern.length + 2), `${what}: ${b.used} steps`);
      // Under a meter that refuses part way, an answer is the free answer or undecided, never another one.
      for (const allowance of [0, Math.floor(b.used / 2), b.used - 1]) {
        if (allowance < 0) continue;
        const limited = run(UTIL_GLOB, c, op, counting(allowance));
        if (limited !== undefined) assert.deepEqual(limited, expected, `${what} with ${allowance} steps allowed`);
      }
    }
  }
  return { answers, sameSteps };
}

test('differential: 30,000 generated shell patterns and texts, every operation, the same answers from both engines', () => {
  const { answers, sameSteps } = compare(CASES, 'small');
  assert.equal(answers, CASES.length * OPERATIONS.length);
  // Not vacuous: the cases match, fail and search in every way.
  const yes = CASES.filter((c) => run(OLD_GLOB, c, 'matches', FREE) === true).length;
  const partlyUndecided = CASES.filter((c) => run(OLD_GLOB, c, 'partly', FREE) === undefined).length;
  const partlyTrue = CASES.filter((c) => run(OLD_GLOB, c, 'partly', FREE) === true).length;
  const found = CASES.filter((c) => Array.isArray(run(OLD_GLOB, c, 'searchFrom', FREE))).length;
  assert.ok(yes > 3000 && yes < 27_000, `${yes} whole matches`);
  assert.ok(partlyUndecided > 1000 && partlyTrue > 500, `${partlyUndecided} undecided, ${partlyTrue} true partly`);
  assert.ok(found > 3000 && found < 27_000, `${found} searches found`);
  console.log(`differential: ${answers} answers identical; steps charged identical in ${sameSteps}`);
});

test('differential: long patterns and texts (chunked charging, patterns over the bounded syntaxes’ length bound)', () => {
  const rnd = random(7);
  const long: Case[] = [];
  const pieces = ['*', 'a', '?', '[ab]', '[!b]', 'b', '\\*', '[[:alpha:]]', 'é'];
  for (let k = 0; k < 60; k++) {
    let pattern = '';
    const n = 1 + Math.floor(rnd() * (k < 10 ? 3000 : 40));
    for (let i = 0; i < n; i++) pattern += pieces[Math.floor(rnd() * pieces.length)]!;
    let text = '';
    const len = Math.floor(rnd() * (k < 10 ? 500 : 20_000));
    for (let i = 0; i < len; i++) text += 'abé*'[Math.floor(rnd() * 4)]!;
    if (k % 3 === 0) text = 'a'.repeat(len);
    const from = Math.floor(rnd() * (text.length + 1));
    const startLength = Math.floor(rnd() * (text.length + 1));
    const endLength = Math.floor(rnd() * (text.length - startLength + 1));
    long.push({ pattern, text, from, startLength, endLength });
  }
  long.push({ pattern: 'x'.repeat(5000), text: 'x'.repeat(5000) + 'y', from: 3, startLength: 4000, endLength: 1001 });
  long.push({ pattern: '*a'.repeat(60) + 'b', text: 'a'.repeat(20_000), from: 0, startLength: 9000, endLength: 9000 });
  const { answers } = compare(long, 'long');
  assert.equal(answers, long.length * OPERATIONS.length);
});

test('fixed expectations: 3,000 cases answered by the former engine (golden), and by the shell’s matcher now', () => {
  const fixed = cases(1, 3000);
  const expected = fixed.map((c) => line(OLD_GLOB, c)).join('\n') + '\n';
  assertGolden('shell/glob-cases.txt', expected);
  assert.equal(fixed.map((c) => line(UTIL_GLOB, c)).join('\n') + '\n', expected);
});
