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

test('remote builders push what they build: gcloud builds submit, az acr build, regctl image copy, nerdctl push', () => {
  assert.deepEqual(pushedNames(run('gcloud builds submit --tag gcr.io/acme-prod/api:v1 .')), ['gcr.io/acme-prod/api']);
  assert.deepEqual(pushedNames(run('az acr build -r acmeprod -t api:{{.Run.ID}} .')), ['acmeprod.azurecr.io/api']);
  assert.deepEqual(pushedNames(run('az acr build -r acmeprod -t api:1 --no-push .')), []);
  assert.deepEqual(pushedNames(run('regctl image copy ghcr.io/acme/api:1 docker.io/acme/api:1')), ['docker.io/acme/api']);
  assert.deepEqual(pushedNames(run('nerdctl push ghcr.io/acme/api:1')), ['ghcr.io/acme/api']);
  assert.deepEqual(pushedNames(run('gcloud run deploy api --image gcr.io/acme-prod/api:v1')), []);
});
