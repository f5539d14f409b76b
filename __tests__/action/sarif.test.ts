import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { automationId, buildSarif, findingFingerprint, FINGERPRINT_KEY, renderSarif, toUri } from '../../src/render/sarif.js';
import { parseInputs } from '../../src/action/inputs.js';
import { RULES } from '../../src/rules/index.js';
import { ruleHelpUri } from '../../src/rules/rule.js';
import { finding, HOSTILE, report } from './reports.js';

/**
 * The official schema has two known defects that stop any validator from compiling it: `anyOf` written inside
 * region's `properties` (meant as a sibling), and `(?i)` inline flags that JavaScript regexes do not support
 * (only on `language`, which this tool never writes). Repair exactly those before compiling.
 */
function sarifValidator(): (data: unknown) => { valid: boolean; errors: string } {
  const schema = JSON.parse(readFileSync(join(process.cwd(), '__tests__', 'fixtures', 'action', 'sarif-schema-2.1.0.json'), 'utf8')) as {
    definitions: Record<string, { properties: Record<string, unknown>; anyOf?: unknown }>;
  };
  const region = schema.definitions['region']!;
  region.anyOf = region.properties['anyOf'];
  delete region.properties['anyOf'];
  const text = JSON.stringify(schema).replaceAll('^(?i)[a-zA]{2}(-[a-z]{2})?$', '^[a-zA-Z]{2}(-[a-zA-Z]{2})?$');
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const validate = ajv.compile(JSON.parse(text) as object);
  return (data) => ({ valid: validate(data) as boolean, errors: ajv.errorsText(validate.errors) });
}

const validate = sarifValidator();

test('SARIF output validates against the SARIF 2.1.0 schema', () => {
  for (const r of [report(), report({ findings: [], images: [], limits: [] }), report({ findings: [finding('unsigned-image', { file: 'dir with space/#weird?.yml', message: HOSTILE, line: 0 })] })]) {
    const result = validate(JSON.parse(renderSarif(r, { pathPrefix: 'sub/dir' })));
    assert.ok(result.valid, result.errors);
  }
});

test('the schema check is real: a broken log is rejected', () => {
  const sarif = buildSarif(report()) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
  sarif.runs[0]!.results[0]!['level'] = 'fatal';
  assert.equal(validate(sarif).valid, false);
  assert.equal(validate({ version: '2.1.0' }).valid, false);
});

test('rules carry help text and a help URI into the rule reference; results point at 1-based regions', () => {
  const sarif = buildSarif(report(), { pathPrefix: 'svc' }) as unknown as {
    runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string; help: { text: string } }> } }; results: Array<Record<string, any>> }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- ad-hoc JSON walk
  };
  const run = sarif.runs[0]!;
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), RULES.map((r) => r.id));
  for (const r of run.tool.driver.rules) {
    assert.equal(r.helpUri, ruleHelpUri(r.id));
    assert.ok(r.help.text.length > 20);
  }
  const unsigned = run.results.find((r) => r['ruleId'] === 'unsigned-image')!;
  assert.equal(unsigned['level'], 'error');
  assert.equal(unsigned['ruleIndex'], RULES.findIndex((r) => r.id === 'unsigned-image'));
  assert.deepEqual(unsigned['locations'][0].physicalLocation, { artifactLocation: { uri: 'svc/.github/workflows/release.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 42 } });
  assert.equal(unsigned['relatedLocations'][0].physicalLocation.region.startLine, 20);
  assert.equal(unsigned['relatedLocations'][0].message.text, 'image name set here');
  assert.equal(unsigned['relatedLocations'][0].id, 1);
  assert.equal(unsigned['message'].text, 'docker.io/acme/widget is pushed at .github/workflows/release.yml:42 and never signed.\nRelated: [image name set here](1).', 'the related location is linked from the message');
  const suppressed = run.results.find((r) => r['ruleId'] === 'no-admission-enforcement')!;
  assert.deepEqual(suppressed['suppressions'], [{ kind: 'external', justification: 'enforced in the platform repo' }]);
  assert.equal(run.results.find((r) => r['ruleId'] === 'signed-by-tag')!['suppressions'], undefined);
});

test('fingerprints are stable when lines move and differ between different findings', () => {
  const a = finding('unsigned-image', { image: 'ghcr.io/a/b', message: 'ghcr.io/a/b pushed at x.yml:12 is unsigned', line: 12 });
  const moved = { ...a, line: 30, message: 'ghcr.io/a/b pushed at x.yml:30 is unsigned' };
  assert.equal(findingFingerprint(a), findingFingerprint(moved));
  assert.notEqual(findingFingerprint(a), findingFingerprint({ ...a, image: 'ghcr.io/a/c', message: 'ghcr.io/a/c pushed at x.yml:12 is unsigned' }));
  assert.notEqual(findingFingerprint(a), findingFingerprint({ ...a, rule: 'signed-by-tag' }));
  // Two identical findings in one file still get distinct fingerprints.
  const sarif = buildSarif(report({ findings: [a, { ...a, line: 80 }] }));
  const [f1, f2] = sarif.runs[0]!.results!.map((r) => r.partialFingerprints![FINGERPRINT_KEY]);
  assert.notEqual(f1, f2);
});

test('paths become relative URI references', () => {
  assert.equal(toUri('.github/workflows/a b#c?.yml'), '.github/workflows/a%20b%23c%3F.yml');
  assert.equal(toUri('/abs/x.yml'), 'abs/x.yml');
});

test('no automationDetails unless a category is given, so upload-sarif\'s category applies; two categories stay distinct', () => {
  const r = report();
  assert.equal(buildSarif(r).runs[0]!.automationDetails, undefined, 'upload-sarif never replaces an id already in the file');
  const api = buildSarif(r, { pathPrefix: 'services/api', category: 'image-signing-audit/api' });
  const web = buildSarif(r, { pathPrefix: 'services/web', category: 'image-signing-audit/web' });
  assert.equal(api.runs[0]!.automationDetails!.id, 'image-signing-audit/api/');
  assert.equal(web.runs[0]!.automationDetails!.id, 'image-signing-audit/web/');
  assert.equal(automationId('already/'), 'already/');
  for (const log of [api, web]) assert.ok(validate(log).valid, validate(log).errors);
});

test('tool.driver carries the version, and semanticVersion when it is one; unknown stays out', () => {
  const driver = (v?: string) => buildSarif(report(), v === undefined ? {} : { toolVersion: v }).runs[0]!.tool.driver;
  assert.equal(driver('1.4.0').version, '1.4.0');
  assert.equal(driver('1.4.0').semanticVersion, '1.4.0');
  assert.equal(driver('1.4.0-rc.1+build.5').semanticVersion, '1.4.0-rc.1+build.5');
  assert.equal(driver('nightly').version, 'nightly');
  assert.equal(driver('nightly').semanticVersion, undefined);
  // The compiled tests are not bundled: no version was injected, and none is made up.
  assert.equal(driver().version, undefined);
});

test('security-severity only on security rules; tool-health rules are notes and warnings', () => {
  const rules = buildSarif(report()).runs[0]!.tool.driver.rules!;
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const rule of RULES) {
    const d = byId.get(rule.id)!;
    const tags = d.properties!['tags'] as string[];
    if (rule.kind === 'security') {
      assert.ok(d.properties!['security-severity'], `${rule.id} has a security-severity`);
      assert.ok(tags.includes('security'));
    } else {
      assert.equal(d.properties!['security-severity'], undefined, `${rule.id} is tool health`);
      assert.ok(!tags.includes('security') && tags.includes('tool-health'), rule.id);
      assert.notEqual(d.defaultConfiguration!.level, 'error', rule.id);
    }
  }
  for (const id of ['config-error', 'parse-error', 'not-inspected', 'input-bound-exceeded', 'analysis-budget-exceeded', 'unresolved-push']) assert.equal(byId.get(id)!.properties!['security-severity'], undefined, id);
  assert.equal(byId.get('unsigned-image')!.properties!['security-severity'], '7.5');
  const results = buildSarif(report({ findings: [finding('config-error', { message: 'unknown key' }), finding('parse-error', { severity: 'warning', message: 'does not parse' }), finding('unsigned-image')] })).runs[0]!.results!;
  assert.deepEqual(results.map((r) => r.level), ['warning', 'note', 'error']);
});

test('literal brackets in a message are escaped so they are not taken for links; related links past ten are counted', () => {
  const related = Array.from({ length: 12 }, (_, i) => ({ file: 'a.yml', line: i + 1, message: `step [${i}]` }));
  const [r] = buildSarif(report({ findings: [finding('parse-error', { message: 'shell script does not parse: "for foo [in words]" must be followed by "do"', related })] })).runs[0]!.results!;
  assert.match(r!.message.text!, /^shell script does not parse: "for foo \\\[in words\\\]" must be followed by "do"\nRelated: \[step \\\[0\\\]\]\(1\), /);
  assert.match(r!.message.text!, /\[step \\\[9\\\]\]\(10\) and 2 more\.$/);
  assert.equal(r!.relatedLocations!.length, 12);
  assert.ok(validate(buildSarif(report({ findings: [finding('parse-error', { related })] }))).valid);
});

test('the sarif-category input is one line; absent means no category', () => {
  const get = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  const with_ = parseInputs(get({ 'sarif-category': 'image-signing-audit/api' }));
  assert.ok(!('error' in with_) && with_.sarifCategory === 'image-signing-audit/api');
  const without = parseInputs(get({}));
  assert.ok(!('error' in without) && without.sarifCategory === undefined);
  assert.ok('error' in parseInputs(get({ 'sarif-category': 'a\nb' })));
  assert.ok('error' in parseInputs(get({ 'sarif-category': 'x'.repeat(201) })));
});
