import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { implies } from '../../src/logic/formula.js';
import { pushedNames, pushes, run, signs } from './helpers.js';

/**
 * Writes on paths the interpreter cannot decide join as alternatives (issue 8): `case`, `&&`/`||`, loops that run
 * an unknown number of times. Each test names what the old last-write-wins reading got wrong.
 */

before(async () => {
  await loadShellParser();
});

const sorted = (xs: string[]): string[] => [...new Set(xs)].sort();

test('case on an unknown subject: every arm that can match joins, an arm after *) never runs', () => {
  const r = run(
    [
      'case "$(git describe)" in',
      '  v*) IMG=ghcr.io/acme/rel ;;',
      '  *) IMG=ghcr.io/acme/dev ;;',
      '  x*) IMG=ghcr.io/acme/never ;;',
      'esac',
      'docker push "$IMG:1"',
    ].join('\n'),
  );
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/dev', 'ghcr.io/acme/rel']);
  const rel = pushes(r).find((p) => p.refs[0]!.name === 'ghcr.io/acme/rel')!;
  const dev = pushes(r).find((p) => p.refs[0]!.name === 'ghcr.io/acme/dev')!;
  assert.equal(implies(rel.guard.formula, dev.guard.formula), false, 'the arms hold under different conditions');
});

test('case arms are decided against a subject known at its start or end, and against a known subject', () => {
  const r = run(
    [
      'K="build-$(date +%s)"',
      'case "$K" in release-*) docker push ghcr.io/acme/no1:1 ;; build-*) docker push ghcr.io/acme/build:1 ;; *) docker push ghcr.io/acme/no2:1 ;; esac',
      'case "$(uname -m).tar" in *.zip) docker push ghcr.io/acme/no3:1 ;; *.tar) docker push ghcr.io/acme/tar:1 ;; esac',
      'case linux/amd64 in */arm64) docker push ghcr.io/acme/no4:1 ;; linux/*) docker push ghcr.io/acme/linux:1 ;; esac',
      'case "$X" in "v*") docker push ghcr.io/acme/quoted:1 ;; esac',
    ].join('\n'),
    { env: { X: 'v1' } },
  );
  // A quoted `*` is literal: "v*" does not match v1.
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/build', 'ghcr.io/acme/tar', 'ghcr.io/acme/linux']);
});

test('case with no matching arm keeps the value from before; fall-through (;& and ;;&) joins the bodies it reaches', () => {
  const r = run(
    [
      'IMG=ghcr.io/acme/default',
      'case "$TARGET" in prod) IMG=ghcr.io/acme/prod ;; staging|stage) IMG=ghcr.io/acme/staging ;; esac',
      'docker push "$IMG:1"',
      'case "$MODE" in all) A=ghcr.io/acme/base ;& app) B=ghcr.io/acme/app ;; esac',
      'docker push "${A:-ghcr.io/acme/no-base}:1" "${B:-ghcr.io/acme/no-app}:1"',
      'case "$MODE" in a*) C=ghcr.io/acme/c1 ;;& *b) C=ghcr.io/acme/c2 ;; esac',
      'docker push "${C:-ghcr.io/acme/no-c}:1"',
    ].join('\n'),
  );
  assert.deepEqual(sorted(pushedNames(r)), [
    'ghcr.io/acme/app',
    'ghcr.io/acme/base',
    'ghcr.io/acme/c1',
    'ghcr.io/acme/c2',
    'ghcr.io/acme/default',
    'ghcr.io/acme/no-app',
    'ghcr.io/acme/no-base',
    'ghcr.io/acme/no-c',
    'ghcr.io/acme/prod',
    'ghcr.io/acme/staging',
  ]);
});

test('a && b || c: b is the value where a holds, c where it does not', () => {
  const r = run(['[ -f x ] && IMG=ghcr.io/acme/x || IMG=ghcr.io/acme/y', 'docker push "$IMG:1"', '[ -f x ] && cosign sign --yes "$IMG:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/x', 'ghcr.io/acme/y']);
  const x = pushes(r).find((p) => p.refs[0]!.name === 'ghcr.io/acme/x')!;
  const sx = signs(r).find((s) => s.refs[0]!.name === 'ghcr.io/acme/x')!;
  assert.equal(implies(x.guard.formula, sx.guard.formula), true, 'x is signed wherever it is pushed');
  assert.ok(!signs(r).some((s) => s.refs[0]!.name === 'ghcr.io/acme/y' && implies(pushes(r).find((p) => p.refs[0]!.name === 'ghcr.io/acme/y')!.guard.formula, s.guard.formula) === true), 'y is not signed where it is pushed');
});

test('a command that may fail: what || writes joins the value from before', () => {
  const r = run(['IMG=ghcr.io/acme/primary', 'docker pull "$IMG:1" || IMG=ghcr.io/acme/fallback', 'docker push "$IMG:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/fallback', 'ghcr.io/acme/primary']);
});

test('nested undecided branches flatten into one set of alternatives', () => {
  const r = run(['if [ -f a ]; then', '  if [ -f b ]; then IMG=ghcr.io/acme/ab; else IMG=ghcr.io/acme/a; fi', 'else', '  IMG=ghcr.io/acme/none', 'fi', 'docker push "$IMG:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/a', 'ghcr.io/acme/ab', 'ghcr.io/acme/none']);
});

test('more alternatives than the cap is an unknown value, not some of them', () => {
  const lines = ['IMG=ghcr.io/acme/i0'];
  for (let i = 1; i <= 9; i++) lines.push(`[ -f f${i} ] && IMG=ghcr.io/acme/i${i}`);
  lines.push('docker push "$IMG:1"');
  const r = run(lines.join('\n'));
  // The last write still holds where its test held; on every other path the value is unknown.
  assert.deepEqual(sorted(pushedNames(r).filter((n) => !n.startsWith('$('))), ['ghcr.io/acme/i9']);
  assert.ok(pushedNames(r).some((n) => n.startsWith('$(value of IMG')));
});

test('a loop over an unknown list runs zero or more times: the value from before joins the body writes', () => {
  const r = run(['IMG=ghcr.io/acme/a', 'for f in $(ls); do IMG=ghcr.io/acme/b; done', 'docker push "$IMG:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/a', 'ghcr.io/acme/b']);
});

test('a while loop on an undecided condition joins too; one whose condition is false never runs', () => {
  const r = run(
    [
      'IMG=ghcr.io/acme/a',
      'while ! docker info; do IMG=ghcr.io/acme/b; sleep 1; done',
      'docker push "$IMG:1"',
      'until true; do docker push ghcr.io/acme/never:1; done',
      'while [ -n "" ]; do docker push ghcr.io/acme/never:1; done',
    ].join('\n'),
  );
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/a', 'ghcr.io/acme/b']);
});

test('a value that keeps changing with each pass of an unknown loop is unknown after it', () => {
  const r = run(['ARGS=""', 'for t in $(cat tags); do ARGS="$ARGS ghcr.io/acme/x:$t"; done', 'docker push $ARGS'].join('\n'));
  assert.equal(pushes(r).length, 1);
  assert.match(pushes(r)[0]!.refs[0]!.raw, /^\$\(value of ARGS after the loop/);
});

test('pushes inside a loop that is run several times are recorded once per name', () => {
  const r = run(['PREV=ghcr.io/acme/first', 'for t in $(cat list); do docker push "$PREV:1"; PREV=ghcr.io/acme/next; done'].join('\n'));
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/first', 'ghcr.io/acme/next']);
});

test('a known list runs exactly its items; break leaves the value of the iteration it happens in', () => {
  const r = run(
    [
      'for n in one two; do IMG=ghcr.io/acme/$n; done',
      'docker push "$IMG:1"',
      'for n in a b c; do OUT=ghcr.io/acme/$n; if curl -f "$n"; then break; fi; OUT=ghcr.io/acme/none; done',
      'docker push "$OUT:1"',
      'for x in; do docker push ghcr.io/acme/empty:1; done',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r).slice(0, 1), ['ghcr.io/acme/two']);
  assert.deepEqual(sorted(pushedNames(r).slice(1)), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/c', 'ghcr.io/acme/none']);
});

test('a condition in one iteration is not the same condition in the next', () => {
  const r = run(['IMG=ghcr.io/acme/none', 'for a in amd64 arm64; do if curl -f x; then IMG=ghcr.io/acme/$a; fi; done', 'docker push "$IMG:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/amd64', 'ghcr.io/acme/arm64', 'ghcr.io/acme/none']);
});

test('parameter operators apply to each alternative of a joined value', () => {
  const r = run(['if [ -f x ]; then IMG=ghcr.io/acme/set; fi', 'docker push "${IMG:-ghcr.io/acme/default}:1"', 'docker push "${IMG/set/other}:2"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/default', 'ghcr.io/acme/other', 'ghcr.io/acme/set']);
});
