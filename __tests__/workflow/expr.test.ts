import assert from 'node:assert/strict';
import { formulaText, implies } from '../../src/logic/formula.js';
import { test } from 'node:test';
import { conditionalValues, evaluateGuard, evaluateSource, interpolate, known, toText, UNKNOWN_LOOKUP, unknown, type Lookup } from '../../src/expr/expr.js';
import { EVENTS, githubContext, REFS, scopeLookup, emptyScope } from '../../src/ci/github/scope.js';

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

test('known values follow the runner: coercions, case-insensitive comparison, number text, functions, dereference', () => {
  const data: Lookup = (path) => {
    if (path[0] !== 'ctx') return [unknown(path.join('.'))];
    const ctx: unknown = { list: [{ os: 'linux' }, { OS: 'mac' }, 'x'], obj: { Key: 'v' }, n: 3 };
    let v = ctx;
    for (const k of path.slice(1)) v = v && typeof v === 'object' ? (Object.entries(v).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1] ?? null) : null;
    return [known(v)];
  };
  const cases: Array<[string, string]> = [
    ["'1' == 1", 'true'],
    ['null == 0', 'true'],
    ["null == ''", 'true'],
    ["'' == 0", 'true'],
    ['true == 1', 'true'],
    ["true == 'true'", 'false'],
    ['NaN == NaN', 'false'],
    ["'0x1F' == 31", 'true'],
    ["' 7 ' == 7", 'true'],
    ["'abc' == 'ABC'", 'true'],
    ["'a' < '_'", 'true'],
    ["'B' > 'a'", 'true'],
    ["'abc' <= 'ABC'", 'true'],
    ['fromJSON(\'[]\') < 1', 'false'],
    ['1e3', '1000'],
    ['.5', '0.5'],
    ['-0', '0'],
    ['0x1F', '31'],
    ['1e15', '1E+15'],
    ['0.00001', '1E-05'],
    ['-Infinity', '-Infinity'],
    ["format('{0}{{x}}{1}', 1.50, null)", '1.5{x}'],
    ["format('{0}', fromJSON('[1]'))", 'Array'],
    ["join(fromJSON('[1,null,true]'))", '1,,true'],
    ["join('abc', '-')", 'abc'],
    ["contains(fromJSON('[1,2]'), '2')", 'true'],
    ["contains(ctx.obj, 'Key')", 'false'],
    ["startsWith('Hello', 'hE')", 'true'],
    ["endsWith(1.50, '.5')", 'true'],
    ["toJSON(fromJSON('{\"A\":[1,{}],\"a\":2}'))", '{\n  "A": [\n    1,\n    {}\n  ]\n}'],
    ['ctx.list.*.os', '[\n  "linux",\n  "mac"\n]'],
    ["join(ctx.list[*].OS, ' ')", 'linux mac'],
    ["ctx['OBJ'].key", 'v'],
    ['ctx.obj.missing', ''],
    ["fromJSON('[5,6]')[1.9]", '6'],
    ["fromJSON('[5,6]')[true]", '6'],
    ["fromJSON('[5,6]')[-1] == null", 'true'],
    ["case(ctx.n > 2, 'big', 'small')", 'big'],
    ["'a' ==\u00a0'A'", 'true'],
    ["'it''s ''quoted'''", "it's 'quoted'"],
  ];
  // evaluateSource, not interpolate: the text between `${{` and `}}` may itself hold `}}`.
  const text = (src: string) => evaluateSource(src, data).map((v) => (v.known ? toText(v.value) : undefined));
  for (const [src, want] of cases) assert.deepEqual(text(src), [want], src);
  // GitHub fails these: unknown.
  for (const src of ["format('{0')", "format('}')", "format('{1}', 'a')", "format('{0:x}', 1)", "fromJSON('')", "fromJSON('{')", "case(1, 'a', 'b')", 'TRUE', "'a'[0]", 'ctx.0', '1 = 1', 'join(ctx.list,)'])
    assert.deepEqual(text(src), [undefined], src);
  // An error anywhere makes the whole expression unknown, as GitHub's evaluation stops.
  assert.deepEqual(interpolate("${{ fromJSON('{') || 'x' }}", data), ["${{ fromJSON('{') || 'x' }}"]);
});

test('more alternatives than a result can hold make it unknown, never the first few of them', () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  // Nine values, one per input: keeping eight would say the ninth cannot happen.
  const nine = names.map((n) => `inputs.${n} == 'x' && '${n}'`).join(' || ') + " || 'z'";
  // `||` groups from the left: the first eight alternatives pass the bound as one unknown value, written as the
  // expression, and the last two stay known. No value a run can produce is missing.
  const many = interpolate(`\${{ ${nine} }}`, UNKNOWN_LOOKUP);
  assert.equal(many.length, 3);
  assert.match(many[0]!, /^\$\{\{ inputs\.a == 'x' && 'a' \|\| .*'h' \}\}$/, 'the first eight stay a run-time expression');
  assert.deepEqual(many.slice(1), ['i', 'z']);
  // Eight alternatives still fit and are all kept.
  const eight = names.slice(0, 7).map((n) => `inputs.${n} == 'x' && '${n}'`).join(' || ') + " || 'z'";
  assert.deepEqual(interpolate(`\${{ ${eight} }}`, UNKNOWN_LOOKUP).sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'z']);
  // A function over arguments whose combinations pass the bound is unknown as a whole.
  const three = (p: string) => `(inputs.${p}1 && '${p}1' || inputs.${p}2 && '${p}2' || '${p}3')`;
  const joined = interpolate(`\${{ format('{0}-{1}', ${three('p')}, ${three('q')}) }}`, UNKNOWN_LOOKUP);
  assert.equal(joined.length, 1);
  assert.match(joined[0]!, /^\$\{\{/);
});

test('a partly known object (a build metadata output) gives its modelled fields; every other use is unknown', () => {
  const s = emptyScope(githubContext('acme/app'));
  // As the build-push-action handler writes it: the digest is run-time text, so the output itself is unknown text.
  const meta = JSON.stringify({ 'containerimage.digest': '$(push-digest-of:release.yml:9)', 'image.name': 'ghcr.io/acme/api:1', '\uE012partial': true });
  s.steps = { build: { outputs: { metadata: meta } } };
  const l = scopeLookup(s);
  assert.deepEqual(interpolate("${{ fromJSON(steps.build.outputs.metadata)['containerimage.digest'] }}", l), ['$(push-digest-of:release.yml:9)']);
  assert.deepEqual(interpolate("${{ fromJSON(steps.build.outputs.metadata)['IMAGE.NAME'] }}", l), ['ghcr.io/acme/api:1']);
  for (const e of [
    "fromJSON(steps.build.outputs.metadata)['buildx.build.ref']",
    'fromJSON(steps.build.outputs.metadata).provenance',
    'toJSON(fromJSON(steps.build.outputs.metadata))',
    "fromJSON(steps.build.outputs.metadata) == 'x'",
    'fromJSON(steps.build.outputs.metadata)',
  ])
    assert.deepEqual(interpolate(`\${{ ${e} }}`, l), [`\${{ ${e} }}`], e);
});

test('a text whose expressions combine into more alternatives than a value holds stays as written', () => {
  const three = (p: string) => `\${{ inputs.${p}1 && '${p}1' || inputs.${p}2 && '${p}2' || '${p}3' }}`;
  const text = `ghcr.io/acme/${three('a')}-${three('b')}`;
  assert.deepEqual(interpolate(text, UNKNOWN_LOOKUP), [text]);
});
