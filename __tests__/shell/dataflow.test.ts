import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, pushes, run } from './helpers.js';

/**
 * Following the data into loops and arrays (issue 8): names produced by known output (metadata-action's json, a
 * tag list) reach the commands that push them; unknown sources stay unresolved.
 */

before(async () => {
  await loadShellParser();
});

const JSON_TAGS = JSON.stringify({ tags: ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:latest'] });
const sorted = (xs: string[]): string[] => [...new Set(xs)].sort();

test('while read over a process substitution of jq over known json: one iteration per tag', () => {
  const r = run(`while read -r tag; do docker push "$tag"; done < <(jq -r '.tags[]' <<< '${JSON_TAGS}')`);
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.raw), ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:latest']);
});

test('… | while read, and a here-string: the same', () => {
  const r = run([`echo '${JSON_TAGS}' | jq -r '.tags[]' | while read -r t; do docker push "$t"; done`, 'while read -r t; do docker push "$t"; done <<< "$TAGS"'].join('\n'), { env: { TAGS: 'ghcr.io/acme/here:1\nghcr.io/acme/here:2' } });
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.raw), ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:latest', 'ghcr.io/acme/here:1', 'ghcr.io/acme/here:2']);
});

test('while read over unknown input stays an unresolved push', () => {
  const r = run('while read -r tag; do docker push "$tag"; done < <(curl -s https://example.com/tags)');
  assert.equal(pushes(r).length, 1);
  assert.equal(pushes(r)[0]!.refs[0]!.raw, '$(read tag)');
});

test('for over $(echo "$TAGS" | tr , " "): tr maps characters, so each tag is an item', () => {
  const r = run(['for t in $(echo "$TAGS" | tr \',\' \' \'); do docker push "$t"; done', 'docker push "$(echo ghcr.io/acme/Upper | tr A-Z a-z):1"', 'docker push "$(echo ghcr.io/acme/x | tr -c a b):1"'].join('\n'), {
    env: { TAGS: 'ghcr.io/acme/a:1,ghcr.io/acme/b:1' },
  });
  assert.deepEqual(pushedNames(r).slice(0, 3), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/upper']);
  // `tr -c` is not modelled: the output is unknown, not the input passed through.
  assert.match(pushes(r)[3]!.refs[0]!.raw, /^\$\(echo ghcr.io\/acme\/x \| tr -c a b\)/);
});

test('mapfile / readarray from known output; ${#arr[@]} is the count', () => {
  const r = run([`mapfile -t arr < <(jq -r '.tags[]' <<< '${JSON_TAGS}')`, 'for t in "${arr[@]}"; do docker push "$t"; done', 'N=${#arr[@]}', 'docker push "ghcr.io/acme/count-$N:1"', 'readarray -t other < <(curl x)', 'docker push "${other[0]}"'].join('\n'));
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.raw), ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:latest', 'ghcr.io/acme/count-2:1', '$(mapfile other)']);
});

test('arrays: +=, [i]=, "${a[@]}", ${a[0]}, IFS=, read -ra', () => {
  const r = run(
    [
      'A=(ghcr.io/acme/a:1)',
      'A+=(ghcr.io/acme/b:1)',
      'for i in "${A[@]}"; do docker push "$i"; done',
      'docker push "${A[1]}"',
      'A[1]=ghcr.io/acme/c:1',
      'A[2]=ghcr.io/acme/d:1',
      'docker push "${A[@]}"',
      'IFS=, read -ra P <<< "ghcr.io/acme/p:1,ghcr.io/acme/q:1"',
      'docker push "${P[@]}"',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/b', 'ghcr.io/acme/a', 'ghcr.io/acme/c', 'ghcr.io/acme/d', 'ghcr.io/acme/p', 'ghcr.io/acme/q']);
});

test('an array extended on an undecided path: the item joins with "absent", its count is unknown', () => {
  const r = run(['T=(ghcr.io/acme/base:1)', 'if [ -f x ]; then T+=(ghcr.io/acme/extra:1); fi', 'for t in "${T[@]}"; do docker push "$t"; done', 'docker push "ghcr.io/acme/n${#T[@]}:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r).filter((n) => !n.includes('n$'))), ['ghcr.io/acme/base', 'ghcr.io/acme/extra']);
  assert.ok(!pushedNames(r).includes('ghcr.io/acme/n1') && !pushedNames(r).includes('ghcr.io/acme/n2'), 'no count is claimed');
});

test('positional parameters: "$@" and $1 forwarded to functions, shift, set --, local', () => {
  const r = run(
    [
      'push_all() { for i in "$@"; do docker push "$i"; done; }',
      'first() { local img="$1"; shift; docker push "$img" "$1"; }',
      'push_all ghcr.io/acme/f1:1 ghcr.io/acme/f2:1',
      'first ghcr.io/acme/one:1 ghcr.io/acme/two:1',
      'set -- ghcr.io/acme/s1:1 ghcr.io/acme/s2:1',
      'docker push "$2"',
      'img=ghcr.io/acme/outer:1',
      'first ghcr.io/acme/inner:1 ghcr.io/acme/x:1',
      'docker push "$img"',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/f1', 'ghcr.io/acme/f2', 'ghcr.io/acme/one', 'ghcr.io/acme/two', 'ghcr.io/acme/s2', 'ghcr.io/acme/inner', 'ghcr.io/acme/x', 'ghcr.io/acme/outer']);
});

test('positional parameters of an unknown call run the loop any number of times', () => {
  const r = run(['IMG=ghcr.io/acme/none', 'for a in "$@"; do IMG=ghcr.io/acme/$a; done', 'docker push "$IMG:1"'].join('\n'));
  assert.ok(pushedNames(r).includes('ghcr.io/acme/none'), 'zero iterations keep the value from before');
});

test('output captured from a command run once per alternative holds one alternative per path, not all of them', () => {
  const r = run(['if [ -f x ]; then IMG=ghcr.io/acme/a; else IMG=ghcr.io/acme/b; fi', 'OUT=$(echo "$IMG")', 'docker push "$OUT:1"'].join('\n'));
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/a', 'ghcr.io/acme/b']);
});

test('IFS=, read -ra over a value written in branches: read once per alternative, the loop pushes each name under its condition', () => {
  const r = run(
    [
      'REGS=ghcr.io/acme/a',
      'if [ -n "$QUAY" ]; then REGS="$REGS,quay.io/acme/a"; fi',
      "IFS=',' read -ra IMAGES <<< \"$REGS\"",
      'for img in "${IMAGES[@]}"; do docker push "$img:1"; done',
    ].join('\n'),
  );
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/a', 'quay.io/acme/a']);
  const quay = pushes(r).filter((p) => p.refs.some((x) => x.name === 'quay.io/acme/a'));
  assert.ok(quay.every((p) => p.guard.formula.k !== 'const'), 'the second registry is pushed only where the test held');
});

test('a loop over an array whose items hold run-time text runs once per item, not any number of times', () => {
  const r = run(
    [
      'TAGS=(latest "${GITHUB_REF#refs/tags/}")',
      'ARGS=()',
      'for t in "${TAGS[@]}"; do ARGS+=(-t "ghcr.io/acme/app:$t"); done',
      'docker buildx imagetools create "${ARGS[@]}" ghcr.io/acme/app@sha256:0000',
    ].join('\n'),
  );
  assert.deepEqual(sorted(pushedNames(r)), ['ghcr.io/acme/app']);
  assert.equal(r.findings.filter((f) => f.rule === 'unresolved-push').length, 0);
});

test('imagetools create whose tags come from an array of unknown length is a push, never nothing', () => {
  const r = run(['ARGS=()', 'for t in $TAGS; do ARGS+=(-t "$t"); done', 'docker buildx imagetools create "${ARGS[@]}" ghcr.io/acme/app@sha256:0000'].join('\n'));
  const p = pushes(r);
  assert.equal(p.length, 1, 'the push is kept');
  assert.ok(p[0]!.refs.every((x) => x.raw.startsWith('$(')), 'its name is computed at run time');
});

test('appending to an array read from unknown input leaves an array of unknown length', () => {
  const r = run(['read -ra IMGS <<< "$(cat images.txt)"', 'IMGS+=(ghcr.io/acme/extra)', 'for i in "${IMGS[@]}"; do docker push "$i:1"; done'].join('\n'));
  const names = pushes(r).flatMap((p) => p.refs.map((x) => x.raw));
  assert.ok(names.includes('ghcr.io/acme/extra:1'));
  assert.ok(names.some((n) => n.startsWith('$(')), 'the unknown items are still pushed (unresolved)');
});
