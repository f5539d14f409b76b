import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { buildSarif, findingFingerprint, FINGERPRINT_KEY, renderSarif, toUri } from '../../src/render/sarif.js';
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
  const sarif = buildSarif(report()) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
  sarif.runs[0]!.results[0]!['level'] = 'fatal';
  assert.equal(validate(sarif).valid, false);
  assert.equal(validate({ version: '2.1.0' }).valid, false);
});

test('rules carry help text and a help URI into the rule reference; results point at 1-based regions', () => {
  const sarif = buildSarif(report(), { pathPrefix: 'svc' }) as {
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
  const sarif = buildSarif(report({ findings: [a, { ...a, line: 80 }] })) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> };
  const [f1, f2] = sarif.runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
  assert.notEqual(f1, f2);
});

test('paths become relative URI references', () => {
  assert.equal(toUri('.github/workflows/a b#c?.yml'), '.github/workflows/a%20b%23c%3F.yml');
  assert.equal(toUri('/abs/x.yml'), 'abs/x.yml');
});
