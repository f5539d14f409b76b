import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { run } from './helpers.js';

before(async () => {
  await loadShellParser();
});

test('$GITHUB_OUTPUT: echo, printf, tee -a, grouped block, cat here-doc, name<<DELIM form, legacy set-output', () => {
  const r = run(
    [
      'echo "image=ghcr.io/${GITHUB_REPOSITORY,,}" >> "$GITHUB_OUTPUT"',
      "printf 'digest=%s\\n' \"$DIGEST\" >> $GITHUB_OUTPUT",
      'echo "version=1.2" | tee -a "${GITHUB_OUTPUT}"',
      '{',
      '  echo "a=1"',
      '  echo "b=2"',
      '} >> "$GITHUB_OUTPUT"',
      'cat <<EOF >> $GITHUB_OUTPUT',
      'tags<<TAGS',
      'ghcr.io/acme/app:1',
      'ghcr.io/acme/app:latest',
      'TAGS',
      'EOF',
      'echo "::set-output name=legacy::ghcr.io/acme/legacy"',
      'echo "not-an-output=1" >> build.log',
    ].join('\n'),
    { env: { GITHUB_REPOSITORY: 'Acme/App', DIGEST: 'sha256:abc' } },
  );
  assert.deepEqual(r.outputWrites, {
    image: 'ghcr.io/acme/app',
    digest: 'sha256:abc',
    version: '1.2',
    a: '1',
    b: '2',
    tags: 'ghcr.io/acme/app:1\nghcr.io/acme/app:latest',
    legacy: 'ghcr.io/acme/legacy',
  });
});

test('$GITHUB_ENV: argo-cd style name<<EOF over three echo commands, and plain writes', () => {
  const r = run(
    [
      "echo 'SIGNING_TAGS<<EOF' >> $GITHUB_ENV",
      'echo $TAGS >> $GITHUB_ENV',
      "echo 'EOF' >> $GITHUB_ENV",
      'echo "IMAGE_NAME=${REGISTRY}/app" >> $GITHUB_ENV',
    ].join('\n'),
    { env: { TAGS: 'quay.io/a/b:1 ghcr.io/a/b:1', REGISTRY: 'ghcr.io/acme' } },
  );
  assert.deepEqual(r.envWrites, { SIGNING_TAGS: 'quay.io/a/b:1 ghcr.io/a/b:1', IMAGE_NAME: 'ghcr.io/acme/app' });
  assert.deepEqual(r.outputWrites, {});
});

test('writes inside loops and command output keep unknown parts as written', () => {
  const r = run('echo "version=$(git describe --tags)" >> $GITHUB_OUTPUT\necho "digest=$(crane digest ghcr.io/acme/a:1)" >> $GITHUB_OUTPUT\nfor v in x y; do echo "last=$v" >> $GITHUB_OUTPUT; done');
  // crane digest's output is unknown too, written as what it stands for: the digest that reference points to.
  assert.deepEqual(r.outputWrites, { version: '$(git describe --tags)', digest: '$(digest-of:ghcr.io/acme/a:1)', last: 'y' });
});
