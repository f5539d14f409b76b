import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, run } from './helpers.js';

before(loadShellParser);

test('an if whose operands are known follows only the branch that runs', () => {
  const script = `if [[ "$GITHUB_REPOSITORY" == "acme/app" || "$NS" != acme/* ]]; then
  IMAGE=ghcr.io/acme/app
elif [ -z "$OTHER" ]; then
  IMAGE=ghcr.io/acme/fork
else
  IMAGE=ghcr.io/acme/else
fi
docker push "$IMAGE:1"`;
  assert.deepEqual(pushedNames(run(script, { env: { GITHUB_REPOSITORY: 'acme/app', NS: 'acme/x' } })), ['ghcr.io/acme/app']);
  // A variable the step does not set is unknown here (the runner may set it), so OTHER is given explicitly.
  assert.deepEqual(pushedNames(run(script, { env: { GITHUB_REPOSITORY: 'someone/app', NS: 'acme/x', OTHER: '' } })), ['ghcr.io/acme/fork']);
  assert.deepEqual(pushedNames(run(script, { env: { GITHUB_REPOSITORY: 'someone/app', NS: 'acme/x', OTHER: 'y' } })), ['ghcr.io/acme/else']);
});

test('an unknown condition keeps following every branch, and $(…) in a condition is never evaluated twice', () => {
  const unknown = 'if [[ "$GITHUB_REF" == refs/tags/* ]]; then docker push ghcr.io/acme/rel:1; else docker push ghcr.io/acme/dev:1; fi';
  assert.deepEqual(pushedNames(run(unknown)).sort(), ['ghcr.io/acme/dev', 'ghcr.io/acme/rel']);
  const subst = 'if [ -n "$(docker push ghcr.io/acme/probe:1)" ]; then echo pushed; fi';
  assert.deepEqual(pushedNames(run(subst)), ['ghcr.io/acme/probe']);
});
