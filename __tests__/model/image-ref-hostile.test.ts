/**
 * Image names from hostile input are single long lines. Every scan over them must be linear: the former regular
 * expressions rescanned the rest of the line from each `${`, `$(`, `{{`, `<`, `${{` or slash without a closer,
 * and took minutes on lines like these (the test would hang; no clock is read).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasUnresolvedPart, normalizeImageName, parseImageRef } from '../../src/model/image-ref.js';

/** The former test, kept as the reference for the one-pass scan. */
const FORMER = /\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|<[^>]*>/;

function* words(alphabet: string[], maxLength: number): Generator<string> {
  let layer = [''];
  yield '';
  for (let n = 1; n <= maxLength; n++) {
    layer = layer.flatMap((w) => alphabet.map((a) => w + a));
    yield* layer;
  }
}

test('hasUnresolvedPart answers as the former regular expression on every short text', () => {
  for (const t of words(['$', '{', '}', '(', ')', '<', '>', 'a', '1'], 6)) assert.equal(hasUnresolvedPart(t), FORMER.test(t), JSON.stringify(t));
});

test('long lines of unclosed template openers are scanned once', () => {
  const n = 200_000;
  for (const opener of ['${', '$(', '{{', '<', '${{', '{{ }']) {
    const line = `ghcr.io/o/${opener.repeat(n)}`;
    assert.equal(hasUnresolvedPart(line), FORMER.test(`${opener}${opener}`), opener);
    const ref = parseImageRef(line);
    assert.ok(ref.name.startsWith('ghcr.io/o/'), opener);
  }
  // 30,000 and 125,000 `${X}` (the unresolved-part probes) and template parts full of separators.
  for (const count of [30_000, 125_000]) assert.equal(parseImageRef(`ghcr.io/o/${'${X}'.repeat(count)}`).resolved, false);
  assert.equal(parseImageRef(`ghcr.io/o/a${'${@}'.repeat(100_000)}`).digest, undefined);
  assert.equal(parseImageRef(`ghcr.io/o/a${'${:}'.repeat(100_000)}`).tag, undefined);
  assert.equal(normalizeImageName(`ghcr.io/o${'/'.repeat(300_000)}b`).length, 300_010);
  assert.equal(normalizeImageName(`ghcr.io/o/b${'/'.repeat(300_000)}`), 'ghcr.io/o/b');
});
