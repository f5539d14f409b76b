import assert from 'node:assert/strict';
import { formulaText, implies } from '../../src/logic/formula.js';
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

/** A guard as the expression text of its formula. */
const guardText = (condition: string, l: Lookup) => formulaText(evaluateGuard(condition, l));

test('guards: known values decide, unknown ones keep their atoms, forwarded inputs keep the caller expression', () => {
  assert.equal(guardText('inputs.flag', lookup), 'true');
  assert.equal(guardText("${{ github.repository != 'dexidp/dex' }}", lookup), 'false');
  assert.equal(guardText("github.event_name == 'release'", lookup), "github.event_name == 'release'");
  assert.equal(guardText('inputs.publish', lookup), "github.event_name == 'push'");
  assert.equal(guardText('success() && always()', lookup), 'true');
  assert.equal(guardText("contains(github.repository, 'DEX')", lookup), 'true');
  // || is a disjunction, not a list of required conditions.
  assert.equal(guardText("github.event_name == 'push' || inputs.other", lookup), "github.event_name == 'push' || inputs.other");
});

test('conditional values remember the condition of each alternative', () => {
  const alts = conditionalValues("${{ (github.event_name == 'push') && 'type=image,push=true' || 'type=oci,dest=x.tar' }}", UNKNOWN_LOOKUP);
  assert.deepEqual(
    alts.map((a) => ({ value: a.value, when: formulaText(a.when) })),
    [
      { value: 'type=image,push=true', when: "github.event_name == 'push'" },
      { value: 'type=oci,dest=x.tar', when: "github.event_name != 'push'" },
    ],
  );
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
  assert.equal(guardText("github.event_name == 'release'", l), 'false');
  assert.equal(guardText("github.event_name != 'schedule'", l), 'true');
  const wide = scopeLookup(emptyScope({ ...githubContext('acme/app'), [EVENTS]: ['push', 'pull_request', 'workflow_dispatch'] }));
  assert.equal(implies(evaluateGuard("github.event_name == 'push'", wide), evaluateGuard("github.event_name != 'pull_request'", wide)), true);
  assert.equal(implies(evaluateGuard("github.event_name != 'pull_request'", wide), evaluateGuard("github.event_name == 'push'", wide)), false);
  // Without a known domain the atoms stay as written.
  assert.equal(guardText("github.event_name == 'push'", lookup), "github.event_name == 'push'");
});

test('github.ref comparisons are decided when the triggers pin literal refs', () => {
  const l = scopeLookup(emptyScope({ ...githubContext('acme/app'), [REFS]: ['refs/heads/main'] }));
  assert.equal(guardText("github.ref == 'refs/heads/main'", l), 'true');
  assert.equal(guardText("github.ref != 'refs/heads/main'", l), 'false');
});
