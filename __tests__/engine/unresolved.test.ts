import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { separateUnresolved } from '../../src/engine/unresolved.js';
import { loadShellParser } from '../../src/shell/index.js';
import { pushes, run } from '../shell/helpers.js';

before(loadShellParser);

/** Which pushed names stay images and which become unresolved-push findings. */
function classify(script: string): { images: string[]; unresolved: number } {
  const r = separateUnresolved(pushes(run(script)));
  return { images: r.pushes.flatMap((p) => p.refs.map((x) => x.name)).sort(), unresolved: r.findings.filter((f) => f.rule === 'unresolved-push').length };
}

test('a name made by a shell operator or a template function is a computation, not an image', () => {
  assert.deepEqual(classify('docker push "${GITHUB_REF#refs/tags/}"'), { images: [], unresolved: 1 });
  assert.deepEqual(classify('docker push "ghcr.io/acme/${NAME//_/-}:1"'), { images: [], unresolved: 1 });
  assert.deepEqual(classify('docker push "ghcr.io/acme/${NAME:0:8}:1"'), { images: [], unresolved: 1 });
  assert.deepEqual(classify('docker push \'${generate_tags("", "")}\''), { images: [], unresolved: 1 });
});

test('must stay images: a configured name, and one with a default', () => {
  assert.deepEqual(classify('docker push "${REGISTRY}/app:1"'), { images: ['${REGISTRY}/app'], unresolved: 0 });
  assert.deepEqual(classify('docker push "${REGISTRY:-ghcr.io/acme}/app:1"').unresolved, 0);
});
