import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, run } from './helpers.js';

before(loadShellParser);

test('docker compose push / docker-compose push / compose build --push push the services that build an image', () => {
  for (const script of [
    'docker compose -f deploy/compose.yaml push',
    'docker-compose --file deploy/compose.yaml push',
    'docker compose -f deploy/compose.yaml build --push',
  ]) {
    assert.deepEqual(pushedNames(run(script)).sort(), ['ghcr.io/acme/api', 'ghcr.io/acme/worker'], script);
  }
  assert.deepEqual(pushedNames(run('docker compose -f deploy/compose.yaml push api')), ['ghcr.io/acme/api']);
});

test('must find nothing: compose up, build without --push, pull', () => {
  for (const script of ['docker compose -f deploy/compose.yaml up -d', 'docker compose -f deploy/compose.yaml build', 'docker-compose -f deploy/compose.yaml pull']) {
    assert.deepEqual(pushedNames(run(script)), [], script);
  }
});
