import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionalValues, evaluateGuard, interpolate, known, UNKNOWN_LOOKUP, unknown, type Lookup } from '../../src/workflow/expr.js';
import { EVENTS, githubContext, REFS, scopeLookup, emptyScope } from '../../src/workflow/scope.js';

const scope = emptyScope(githubContext('dexidp/dex'));
scope.inputs = { publish: '${{ github.event_name == \'push\' }}', flag: true };
scope.env = { IMAGE: 'ghcr.io/dexidp/dex' };
scope.steps = { meta: { outputs: { tags: 'ghcr.io/dexidp/dex:v1' } } };
const lookup = scopeLookup(scope);

test('interpolates known contexts and keeps unknown ones as written', () => {
  assert.deepEqual(interpolate('${{ env.IMAGE }}@${{ steps.build.outputs.digest }}', lookup), ['ghcr.io/dexidp/dex@${{ steps.build.outputs.digest }}']);
  assert.deepEqual(interpolate('x-${{ secrets.KEY }}', lookup), ['x-${{ secrets.KEY }}']);
  assert.deepEqual(interpolate('${{ github.repository_owner }}/${{ github.event.repository.name }}', lookup), ['dexidp/dex']);
});

test('the `cond && a || b` idiom yields the value the repository makes true', () => {
  assert.deepEqual(interpolate("${{ github.repository == 'dexidp/dex' && 'dexidp/dex' || '' }}", lookup), ['dexidp/dex']);
  const other: Lookup = scopeLookup(emptyScope(githubContext('fork/dex')));
  assert.deepEqual(interpolate("${{ github.repository == 'dexidp/dex' && 'dexidp/dex' || '' }}", other), ['']);
  // Unknown repository: both alternatives are possible.
  assert.deepEqual(interpolate("${{ github.repository == 'dexidp/dex' && 'dexidp/dex' || '' }}", UNKNOWN_LOOKUP).sort(), ['', 'dexidp/dex']);
});

test('guards: known values decide, unknown ones keep their atoms, forwarded inputs keep the caller expression', () => {
  assert.deepEqual(evaluateGuard('inputs.flag', lookup), { value: true });
  assert.deepEqual(evaluateGuard("${{ github.repository != 'dexidp/dex' }}", lookup), { value: false });
  assert.deepEqual(evaluateGuard("github.event_name == 'release'", lookup), { atoms: ["github.event_name == 'release'"] });
  assert.deepEqual(evaluateGuard('inputs.publish', lookup), { atoms: ["github.event_name == 'push'"] });
  assert.deepEqual(evaluateGuard('success() && always()', lookup), { value: true });
  assert.deepEqual(evaluateGuard("contains(github.repository, 'DEX')", lookup), { value: true });
});

test('conditional values remember the condition of each alternative', () => {
  const alts = conditionalValues("${{ (github.event_name == 'push') && 'type=image,push=true' || 'type=oci,dest=x.tar' }}", UNKNOWN_LOOKUP);
  assert.deepEqual(alts, [
    { value: 'type=image,push=true', when: ["github.event_name == 'push'"] },
    { value: 'type=oci,dest=x.tar', when: ["!(github.event_name == 'push')"] },
  ]);
});

test('functions and comparisons follow GitHub semantics', () => {
  const l: Lookup = (path) => (path[0] === 'x' ? [known('Hello')] : [unknown(path.join('.'))]);
  assert.deepEqual(interpolate("${{ format('{0}-{1}', x, 'b') }}", l), ['Hello-b']);
  assert.deepEqual(interpolate("${{ x == 'hello' }}", l), ['true']);
  assert.deepEqual(interpolate("${{ startsWith(x, 'he') && endsWith(x, 'LO') }}", l), ['true']);
  assert.deepEqual(interpolate("${{ fromJSON('[1,2]')[1] }}", l), ['2']);
  assert.deepEqual(interpolate("${{ join(fromJSON('[\"a\",\"b\"]'), ' ') }}", l), ['a b']);
});

test('a syntax error in an expression is kept as written, not thrown', () => {
  assert.deepEqual(interpolate('${{ ((( }}', UNKNOWN_LOOKUP), ['${{ ((( }}']);
});

test('github.event_name comparisons are decided or canonicalized over the workflow triggers', () => {
  const s = emptyScope({ ...githubContext('acme/app'), [EVENTS]: ['push', 'pull_request'] });
  const l = scopeLookup(s);
  assert.deepEqual(evaluateGuard("github.event_name != 'pull_request'", l), evaluateGuard("github.event_name == 'push'", l));
  assert.deepEqual(evaluateGuard("github.event_name == 'release'", l), { value: false });
  assert.deepEqual(evaluateGuard("github.event_name != 'schedule'", l), { value: true });
  const wide = scopeLookup(emptyScope({ ...githubContext('acme/app'), [EVENTS]: ['push', 'pull_request', 'workflow_dispatch'] }));
  assert.notDeepEqual(evaluateGuard("github.event_name != 'pull_request'", wide), evaluateGuard("github.event_name == 'push'", wide));
  // Without a known domain the atoms stay as written.
  assert.deepEqual(evaluateGuard("github.event_name == 'push'", lookup), { atoms: ["github.event_name == 'push'"] });
});

test('github.ref comparisons are decided when the triggers pin literal refs', () => {
  const l = scopeLookup(emptyScope({ ...githubContext('acme/app'), [REFS]: ['refs/heads/main'] }));
  assert.deepEqual(evaluateGuard("github.ref == 'refs/heads/main'", l), { value: true });
  assert.deepEqual(evaluateGuard("github.ref != 'refs/heads/main'", l), { value: false });
});
