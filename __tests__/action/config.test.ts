import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRepo } from '../../src/discover/repo.js';
import { configToAnalyzeOptions, loadConfig, locateRequiredImageFindings, parseConfig } from '../../src/config/load.js';
import { applySuppressions } from '../../src/suppress/index.js';
import { inlineIgnoresFor } from '../../src/suppress/inline.js';
import { finding, image, report } from './reports.js';

const FIX = join(process.cwd(), '__tests__', 'fixtures', 'action');

test('a valid configuration maps onto the analysis options', () => {
  const { config, findings } = parseConfig(
    [
      'version: 1',
      'ignore:',
      '  - rule: signed-by-tag',
      '    path: ".github/workflows/legacy-*.yml"',
      '    image: "ghcr.io/acme/*"',
      '    reason: legacy pipeline',
      'exclude-images:',
      '  - image: "ghcr.io/acme/e2e-*"',
      '    reason: throwaway test images',
      'require-images: [ghcr.io/acme/operator, "docker.io/acme/*"]',
      'accept-methods: [cosign-keyless, notation, tag]',
      'ephemeral-registries: ["registry.ci.internal:5000"]',
    ].join('\n'),
    'c.yml',
  );
  assert.deepEqual(findings, []);
  assert.deepEqual(config.ignore, [{ rule: 'signed-by-tag', path: '.github/workflows/legacy-*.yml', image: 'ghcr.io/acme/*', reason: 'legacy pipeline', location: { file: 'c.yml', line: 3 } }]);
  assert.deepEqual(configToAnalyzeOptions(config), {
    excludeImages: [{ pattern: 'ghcr.io/acme/e2e-*', reason: 'throwaway test images' }],
    requireImages: ['ghcr.io/acme/operator', 'docker.io/acme/*'],
    acceptMethods: ['cosign-keyless', 'notation', 'tag'],
    ephemeralRegistries: ['registry.ci.internal:5000'],
  });
});

test('invalid entries become config-error findings at their line; valid ones still apply', () => {
  const { config, findings } = parseConfig(
    [
      'ignore:', // 1
      '  - rule: unsigned-image', // 2: no reason
      '  - rule: no-such-rule', // 3
      '    reason: x',
      '  - rule: signed-by-tag', // 5: valid
      '    reason: ok',
      '    colour: red', // 7
      'exclude-images:', // 8
      '  - image: "ghcr.io/x/*"', // 9: no reason
      'accept-methods: [cosign-keyless, magic]', // 10
      'ephemeral-registries: ["not a host"]', // 11
      'require-images: "ghcr.io/a/b"', // 12: not a list
      'requre-images: []', // 13: typo -> warning
    ].join('\n'),
    'cfg.yml',
  );
  const byLine = findings.map((f) => [f.line, f.severity, f.rule]);
  assert.deepEqual(byLine, [
    [2, 'error', 'config-error'],
    [3, 'error', 'config-error'],
    [7, 'error', 'config-error'],
    [9, 'error', 'config-error'],
    [10, 'error', 'config-error'],
    [11, 'error', 'config-error'],
    [12, 'error', 'config-error'],
    [13, 'warning', 'config-error'],
  ]);
  assert.match(findings[0]!.message, /needs a non-empty 'reason'/);
  assert.match(findings[1]!.message, /unknown rule 'no-such-rule'/);
  assert.equal(findings[0]!.file, 'cfg.yml');
  assert.deepEqual(config.ignore.map((i) => i.rule), ['signed-by-tag']);
  assert.deepEqual(config.acceptMethods, ['cosign-keyless']);
});

test('malformed YAML is a config-error, not a crash; an empty file is fine', () => {
  const bad = parseConfig('ignore:\n  - rule: [unclosed\n', 'c.yml');
  assert.ok(bad.findings.length > 0);
  assert.equal(bad.findings[0]!.rule, 'config-error');
  assert.match(bad.findings[0]!.message, /YAML syntax error/);
  assert.deepEqual(parseConfig('', 'c.yml').findings, []);
  assert.deepEqual(parseConfig('# only comments\n', 'c.yml').findings, []);
  assert.equal(parseConfig('- a\n- b\n', 'c.yml').findings[0]!.line, 1);
});

test('loading: the default file is optional; an explicitly named missing file is an error', () => {
  const repo = openRepo(join(FIX, 'repo-inline'));
  assert.deepEqual(loadConfig(repo).findings, []);
  const missing = loadConfig(repo, 'config/audit.yml', true);
  assert.equal(missing.findings.length, 1);
  assert.match(missing.findings[0]!.message, /was not found/);
  const real = loadConfig(openRepo(join(FIX, 'repo-config')));
  assert.equal(real.file, '.github/image-signing-audit.yml');
  assert.deepEqual(real.config.ephemeralRegistries, ['registry.ci.internal:5000']);
  const named = loadConfig(openRepo(join(FIX, 'repo-config')), '.github/require.yml', true);
  assert.deepEqual(named.findings, []);
  assert.deepEqual(named.config.requireImages, ['ghcr.io/acme/operator']);
});

test('config ignores suppress matching findings, keep them in the report, and recompute the verdict', () => {
  const base = report({
    images: [image('ghcr.io/acme/widget')],
    findings: [finding('no-admission-enforcement', { line: 1 }), finding('signed-by-tag', { severity: 'warning', image: 'ghcr.io/acme/widget' }), finding('signed-by-tag', { severity: 'warning', image: 'docker.io/x/y' })],
  });
  const ignores = [
    { rule: 'no-admission-enforcement', reason: 'enforced elsewhere', location: { file: 'c.yml', line: 2 } },
    { rule: 'signed-by-tag', image: 'ghcr.io/acme/*', path: '.github/**', reason: 'accepted', location: { file: 'c.yml', line: 5 } },
  ];
  const out = applySuppressions(base, { ignores });
  assert.equal(out.findings.length, 3);
  assert.deepEqual(out.findings.map((f) => f.suppressed?.source ?? null), ['config', 'config', null]);
  assert.equal(out.verdict, 'pass', 'the blocking finding is suppressed and every image is signed');
  const none = applySuppressions(base, { ignores: [] });
  assert.equal(none.verdict, 'fail');
  assert.ok(none.findings.every((f) => !f.suppressed));
});

test('inline ignores apply on the line or in the comment block above, for the named rules only, and need a reason', () => {
  const repo = openRepo(join(FIX, 'repo-inline'));
  const file = '.github/workflows/release.yml';
  const at = (line: number, rule = 'unsigned-image') => finding(rule, { file, line });
  const out = applySuppressions(report({ findings: [at(12), at(12, 'signed-by-tag'), at(12, 'committed-private-key'), at(13), at(15), at(16)] }), { ignores: [], repo });
  const state = out.findings.map((f) => [f.line, f.rule, f.suppressed?.source ?? null]);
  assert.deepEqual(state, [
    [12, 'unsigned-image', 'inline'],
    [12, 'signed-by-tag', 'inline'],
    [12, 'committed-private-key', null],
    [13, 'unsigned-image', 'inline'],
    [15, 'unsigned-image', null],
    [16, 'unsigned-image', null],
    [14, 'config-error', null],
  ]);
  assert.equal(out.findings[0]!.suppressed!.reason, 'soak-test image, expires after a day');
  assert.match(out.findings[6]!.message, /has no reason/);
});

test('inline marker parsing stops at the first non-comment line above', () => {
  const lines = ['# image-signing-audit: ignore[unsigned-image] far away', 'run: x', '# comment', 'push here'];
  assert.deepEqual(inlineIgnoresFor(lines, 4), []);
  assert.equal(inlineIgnoresFor(['  # image-signing-audit: ignore[ a , b ] why', 'x'], 2)[0]!.rules.join(), 'a,b');
});

test('required-image-missing findings point at the require-images entry of the configuration that was read', () => {
  const loaded = { ...parseConfig('require-images:\n  - ghcr.io/acme/api\n  - "ghcr.io/acme/*-operator"\n', 'ci/isa.yml'), file: 'ci/isa.yml' };
  const engine = [
    finding('required-image-missing', { file: '.github/image-signing-audit.yml', line: 1, message: 'The configuration requires an image matching ghcr.io/acme/*-operator, but no pipeline was found to push it.' }),
    finding('unsigned-image', { file: 'w.yml', line: 4 }),
  ];
  const out = locateRequiredImageFindings(engine, loaded);
  assert.deepEqual([out[0]!.file, out[0]!.line], ['ci/isa.yml', 3]);
  assert.deepEqual(out[1], engine[1]);
});
