import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { loadShellParser } from '../../src/shell/index.js';
import { assertGolden, FIXTURES } from '../helpers/golden.js';
import { summarize } from '../helpers/summary.js';

/**
 * GitLab CI fixture trees (one folder each in fixtures/gitlab, each `.gitlab-ci.yml` citing the GitLab page it
 * follows), compared with golden/gitlab/<folder>.json: the workflow fixtures' summary plus the CI system of
 * every push and signature. The assertions below pin what each shape is about, so a golden rewritten without
 * looking cannot hide a regression in it.
 */
const DIR = join(FIXTURES, 'gitlab');

function summary(report: Report): unknown {
  return {
    ...(summarize(report) as object),
    ci: report.images.map((i) => `${i.name}: ${[...i.pushes.map((p) => `push ${p.ci}`), ...i.signatures.map((s) => `sign ${s.ci}`)].join(', ')}`),
  };
}

const reports = new Map<string, Report>();

async function reportOf(name: string): Promise<Report> {
  let r = reports.get(name);
  if (!r) {
    r = await analyze({ root: join(DIR, name), repository: 'acme/app' });
    reports.set(name, r);
  }
  return r;
}

function image(r: Report, name: string) {
  const img = r.images.find((i) => i.name === name);
  assert.ok(img, `${name} is among the images: ${r.images.map((i) => i.name).join(', ')}`);
  return img;
}

const rules = (r: Report) => r.findings.map((f) => `${f.rule} ${f.image ?? ''}`.trim());

describe('GitLab CI fixtures', () => {
  before(loadShellParser);
  for (const name of readdirSync(DIR).sort()) {
    test(`golden: ${name}`, async () => {
      assertGolden(`gitlab/${name}.json`, JSON.stringify(summary(await reportOf(name)), null, 2) + '\n');
    });
  }

  test('include:local: the push and the signature come from two included files, both GitLab CI', async () => {
    const r = await reportOf('include-local');
    const img = image(r, 'registry.gitlab.com/acme/app');
    assert.equal(img.signed, true);
    assert.deepEqual(img.pushes.map((p) => `${p.file}:${p.line} ${p.ci}`), ['ci/build.yml:7 gitlab-ci']);
    assert.deepEqual(img.signatures.map((s) => `${s.file}:${s.line} ${s.ci}`), ['ci/sign-cosign.yml:8 gitlab-ci']);
    assert.ok(!rules(r).includes('keyless-without-id-token'));
  });

  test('extends, default and !reference: the job is read with its parents; hidden jobs never run', async () => {
    const r = await reportOf('extends-reference');
    assert.equal(image(r, 'registry.example.com/acme/api').signed, true);
    assert.ok(!r.images.some((i) => i.name.includes('experimental')), 'a hidden job is not run');
  });

  test('rules narrower on the sign job: the default-branch push is unsigned', async () => {
    const r = await reportOf('rules-narrower-sign');
    const img = image(r, 'quay.io/acme/web');
    // As for GitHub's narrower `if:`: the signature does not cover every run of the push, so it is not counted.
    assert.equal(img.signed, false);
    const unsigned = r.findings.find((f) => f.rule === 'unsigned-image' && f.image === 'quay.io/acme/web');
    assert.ok(unsigned, rules(r).join('; '));
    assert.match(unsigned.message + JSON.stringify(unsigned.related ?? []), /narrower/);
    // The fix names no GitHub step output: a GitLab job has none.
    assert.doesNotMatch(unsigned.message, /steps\.|\$\{\{/);
    assert.match(unsigned.message, /cosign sign --yes quay\.io\/acme\/web@DIGEST/);
  });

  test('allow_failure, when: manual and after_script leave the push unsigned', async () => {
    for (const [tree, name] of [['allow-failure-sign', 'ghcr.io/acme/worker'], ['manual-sign', 'docker.io/acme/batch'], ['after-script-sign', 'ghcr.io/acme/agent-debug']] as const) {
      const r = await reportOf(tree);
      assert.equal(image(r, name).signed, false, tree);
      assert.ok(rules(r).includes(`unsigned-image ${name}`), `${tree}: ${rules(r).join('; ')}`);
    }
    assert.equal(image(await reportOf('after-script-sign'), 'ghcr.io/acme/agent').signed, true, 'the script: signature counts');
  });

  test('parallel:matrix: each combination is a job; the one the sign matrix leaves out is unsigned', async () => {
    const r = await reportOf('parallel-matrix');
    assert.equal(image(r, 'registry.example.com/acme/api').signed, true);
    assert.equal(image(r, 'registry.example.com/acme/web').signed, false);
  });

  test('must find nothing: a registry service, localhost, kaniko --no-push and a plain build are local builds', async () => {
    const r = await reportOf('nothing-pushed');
    assert.equal(r.verdict, 'not-applicable');
    assert.deepEqual(r.images, []);
    assert.ok(r.localBuilds.length >= 4, r.localBuilds.map((b) => b.name).join(', '));
  });

  test('unread includes: an image-related template fails closed, the SAST template and a lint project are only reported', async () => {
    const r = await reportOf('include-unread');
    assert.equal(r.verdict, 'fail');
    const names = r.images.map((i) => i.name);
    assert.ok(names.some((n) => n.includes('Docker.gitlab-ci.yml')), names.join(', '));
    assert.ok(names.some((n) => n.includes('job publish')), 'a job extending an unread hidden job is not inspected');
    assert.ok(!names.some((n) => n.includes('SAST') || n.includes('lint')), names.join(', '));
    assert.equal(r.findings.filter((f) => f.rule === 'not-inspected').length, 4);
  });

  test('a key from env:// names a CI/CD settings variable unless the YAML sets it', async () => {
    assert.ok(!rules(await reportOf('allow-failure-sign')).includes('signing-key-not-secret'));
  });

  test('keyless signing needs id_tokens in GitLab', async () => {
    const r = await reportOf('keyless-no-id-token');
    const keyless = r.findings.filter((f) => f.rule === 'keyless-without-id-token');
    assert.equal(keyless.length, 1);
    assert.match(keyless[0]!.message, /id_tokens/);
    assert.equal(keyless[0]!.line, 21);
  });

  test('only: [tags] and rules: if: $CI_COMMIT_TAG are one condition; kaniko --destination is a push', async () => {
    const r = await reportOf('only-tags-kaniko');
    const img = image(r, 'registry.example.com/acme/svc');
    assert.equal(img.signed, true);
    assert.ok(!rules(r).includes('partially-signed-image registry.example.com/acme/svc'));
  });
});
