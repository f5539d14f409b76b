/**
 * The shell's glob matcher (src/util/glob.ts with SHELL_PATTERN) on generated patterns and texts, for every
 * operation the shell uses. The golden file holds the answers of the shell's former engine (src/shell/glob.ts,
 * removed once a differential test showed both engines answering alike on 30,000 cases): the answers are fixed,
 * not recomputed. Besides: the work bound on every run, and a meter's refusal never turned into a guess.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GlobMeter } from '../../src/util/glob.js';
import { assertGolden } from '../helpers/golden.js';
import { mulberry32 } from '../helpers/random.js';
import { cases, FREE, line, OPERATIONS, run, UTIL_GLOB, type Case, type Operation } from './glob-cases.js';

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

function checkBounds(all: Case[], label: string): number {
  let runs = 0;
  for (const c of all) {
    for (const op of OPERATIONS) {
      const free = counting();
      const expected = run(UTIL_GLOB, c, op, free);
      const what = `${label} ${op} ${JSON.stringify(c)}`;
      // With a free meter every answer is decided, but that of a partly known text may be undecided.
      if (op !== 'partly') assert.notEqual(expected, undefined, what);
      // The work bound: at most (characters read + 1) × (pattern size + 2) steps.
      assert.ok(free.used <= (readLength(c, op) + 1) * (c.pattern.length + 2), `${what}: ${free.used} steps`);
      // Under a meter that refuses part way, an answer is the free answer or undecided, never another one.
      for (const allowance of [0, Math.floor(free.used / 2), free.used - 1]) {
        if (allowance < 0) continue;
        const limited = run(UTIL_GLOB, c, op, counting(allowance));
        if (limited !== undefined) assert.deepEqual(limited, expected, `${what} with ${allowance} steps allowed`);
      }
      runs++;
    }
  }
  return runs;
}

test('fixed expectations: 3,000 generated cases, every operation, answered as the former shell engine answered (golden)', () => {
  const fixed = cases(1, 3000);
  const lines = fixed.map((c) => line(UTIL_GLOB, c));
  assertGolden('shell/glob-cases.txt', lines.join('\n') + '\n');
  // Not vacuous: the cases match, fail, search and stay undecided in every way.
  const answers = fixed.map((c) => OPERATIONS.map((op) => String(JSON.stringify(run(UTIL_GLOB, c, op, FREE)))));
  assert.equal(answers.length, 3000);
  const at = (op: Operation) => OPERATIONS.indexOf(op);
  const count = (op: Operation, v: string) => answers.filter((a) => a[at(op)] === v).length;
  assert.ok(count('matches', 'true') > 300 && count('matches', 'false') > 300);
  assert.ok(count('partly', 'true') > 50 && count('partly', 'false') > 300 && count('partly', 'undefined') > 300);
  assert.ok(count('##', '-1') > 300 && count('##', '-1') < 2700);
  assert.ok(count('searchFrom', 'null') > 300 && count('searchFrom', 'null') < 2700);
});

test('work bound and refusals: 30,000 generated cases and 62 long ones, every operation', () => {
  assert.equal(checkBounds(cases(20260, 30_000), 'small'), 30_000 * OPERATIONS.length);
  const rnd = mulberry32(7);
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
  // Longer than the bounded syntaxes' 4096 characters: a shell pattern is still matched.
  long.push({ pattern: 'x'.repeat(5000), text: 'x'.repeat(5000) + 'y', from: 3, startLength: 4000, endLength: 1001 });
  long.push({ pattern: '*a'.repeat(60) + 'b', text: 'a'.repeat(20_000), from: 0, startLength: 9000, endLength: 9000 });
  assert.equal(checkBounds(long, 'long'), long.length * OPERATIONS.length);
  assert.deepEqual(run(UTIL_GLOB, long[60]!, '#', FREE), 5000);
});
