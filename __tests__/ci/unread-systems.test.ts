import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readUnreadSystems } from '../../src/ci/unread/reader.js';
import { scanUnread, UNREAD_SYSTEMS } from '../../src/ci/unread/systems.js';
import type { RepoReader } from '../../src/discover/repo.js';
import { analyze } from '../../src/engine/analyze.js';
import { CI_SYSTEM_NAMES, type CiSystem, type Report } from '../../src/model/report.js';
import { loadShellParser } from '../../src/shell/index.js';
import { assertGolden, FIXTURES } from '../helpers/golden.js';
import { summarize } from '../helpers/summary.js';

/**
 * CI systems without a reader (src/ci/unread/): one fixture tree per system that pushes or signs (it must fail closed:
 * one image not inspected, a not-inspected finding naming the system and the file) and one that shows no image work
 * (it must find nothing: not applicable, no finding). Each file cites the system's documentation.
 */
const DIR = join(FIXTURES, 'unread');

const reports = new Map<string, Report>();
async function reportOf(name: string): Promise<Report> {
  let r = reports.get(name);
  if (!r) {
    r = await analyze({ root: join(DIR, name), repository: 'acme/app' });
    reports.set(name, r);
  }
  return r;
}

const SYSTEM_OF: Record<string, CiSystem> = {
  jenkins: 'jenkins',
  tekton: 'tekton',
  circleci: 'circleci',
  azure: 'azure-pipelines',
  buildkite: 'buildkite',
  drone: 'drone',
  woodpecker: 'woodpecker',
  bitbucket: 'bitbucket-pipelines',
};

function tree(files: Record<string, string>): RepoReader {
  return {
    root: '<memory>',
    files: Object.keys(files).map((path) => ({ path, size: files[path]!.length })),
    limits: [],
    has: (p: string) => p in files,
    read: (p: string) => (p in files ? { ok: true as const, text: files[p]! } : { ok: false as const, reason: 'no such file' }),
  };
}

const system = (ci: CiSystem) => UNREAD_SYSTEMS.find((s) => s.ci === ci)!;

describe('CI systems without a reader', () => {
  before(loadShellParser);
  const names = readdirSync(DIR).sort();

  for (const name of names) {
    test(`golden: ${name}`, async () => {
      const r = await reportOf(name);
      assertGolden(`unread/${name}.json`, JSON.stringify({ ...(summarize(r) as object), ci: r.images.flatMap((i) => i.pushes.map((p) => `${i.name}: ${p.ci}`)), limits: r.limits }, null, 2) + '\n');
    });
  }

  for (const name of names.filter((n) => !n.endsWith('-nothing'))) {
    test(`${name}: image work in a file of a system with no reader fails closed`, async () => {
      const r = await reportOf(name);
      const ci = SYSTEM_OF[name.split('-')[0]!]!;
      assert.equal(r.verdict, 'fail');
      assert.equal(r.images.length, 1, r.images.map((i) => i.name).join(', '));
      const img = r.images[0]!;
      assert.match(img.name, /^\(not inspected\) .+ pipeline .+ \(no reader for this CI system yet\)$/);
      assert.equal(img.confidence, 'low');
      assert.equal(img.signed, false, 'a signature in a file that is not read is never credited');
      assert.deepEqual(img.pushes.map((p) => p.ci), [ci]);
      const ni = r.findings.find((f) => f.rule === 'not-inspected');
      assert.ok(ni, r.findings.map((f) => f.rule).join(', '));
      assert.equal(ni.file, img.pushes[0]!.file);
      assert.ok(ni.message.includes(`pipeline file of ${CI_SYSTEM_NAMES[ci]}`), ni.message);
      assert.match(r.findings.find((f) => f.rule === 'unsigned-image')!.message, /no reader for that CI system yet/);
    });
  }

  for (const name of names.filter((n) => n.endsWith('-nothing'))) {
    test(`${name}: a file that shows no image work yields nothing`, async () => {
      const r = await reportOf(name);
      assert.equal(r.verdict, 'not-applicable');
      assert.deepEqual(r.images, []);
      assert.deepEqual(r.findings, []);
      assert.ok(r.limits.some((l) => /not read \(no reader for .+ yet\); its text shows no image push or signing/.test(l)), r.limits.join('; '));
    });
  }

  test('make targets and repository scripts the pipeline calls are followed: the push there is the evidence', async () => {
    const jenkins = (await reportOf('jenkins-make')).findings.find((f) => f.rule === 'not-inspected')!;
    assert.match(jenkins.message, /make release → docker push at Makefile:6/);
    const circle = (await reportOf('circleci-script')).findings.find((f) => f.rule === 'not-inspected')!;
    assert.match(circle.message, /\.\/hack\/publish\.sh .* → docker push at hack\/publish\.sh:4/);
  });

  test('what each system pushes with: the quoting of Jenkins sh steps, Tekton values, orb requires, dry runs', () => {
    assert.deepEqual(scanUnread(system('jenkins'), `sh(script: "docker push \${IMG}", returnStdout: true)`).map((h) => h.text), ['docker push ${IMG}']);
    assert.deepEqual(scanUnread(system('jenkins'), 'def list = []\nlist.push(1)\n'), [], 'a Groovy list push is not the Docker Pipeline plugin');
    assert.deepEqual(scanUnread(system('tekton'), 'script: |\n  buildah push $(params.IMAGE)\n').map((h) => h.kind), ['push']);
    assert.deepEqual(scanUnread(system('circleci'), 'workflows:\n  w:\n    jobs:\n      - test:\n          requires: [docker/publish]\n'), [], 'requires: names a job, it does not run one');
    assert.deepEqual(scanUnread(system('azure-pipelines'), 'steps:\n- task: Docker@1\n  inputs:\n    command: Build an image\n'), [], 'Docker@1 builds by default');
    assert.deepEqual(scanUnread(system('drone'), 'steps:\n- name: p\n  image: plugins/kaniko\n  settings: {repo: a/b}\n').map((h) => h.text), ['plugin plugins/kaniko']);
    assert.deepEqual(scanUnread(system('azure-pipelines'), 'steps:\n- task: Docker@2\n  inputs: [unclosed\n').map((h) => h.kind), ['push'], 'a file that does not parse still shows its tasks');
  });

  test('vendored copies, fixtures and Tekton examples are not the repository pipeline; Tekton is found by content', () => {
    const r = readUnreadSystems({
      repo: tree({
        'vendor/github.com/x/y/azure-pipelines.yml': 'steps:\n- task: Docker@2\n',
        'test/fixtures/Jenkinsfile': "sh 'docker push a/b'\n",
        'docs/examples/task.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n  - image: gcr.io/kaniko-project/executor\n    args: [--destination=a/b]\n',
        'deploy/tekton/release.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n  - image: gcr.io/kaniko-project/executor\n    args: [--destination=a/b]\n',
        'deploy/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\n',
      }),
    });
    assert.equal(r.get('azure-pipelines')!.files, 0);
    assert.equal(r.get('jenkins')!.files, 0);
    assert.equal(r.get('tekton')!.files, 1);
    assert.deepEqual(r.get('tekton')!.operations.map((o) => o.location.file), ['deploy/tekton/release.yaml']);
  });
});
