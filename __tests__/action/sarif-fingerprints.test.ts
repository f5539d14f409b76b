// Fingerprints across two analyses of a repository: what an unrelated change must leave alone.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { buildSarif, FINGERPRINT_KEY } from '../../src/render/sarif.js';
import { FIXTURES } from './harness.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The fixture, with `edit` applied to a copy. */
async function audit(edit: (dir: string) => void = () => undefined): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), 'isa-fp-'));
  dirs.push(dir);
  cpSync(join(FIXTURES, 'repo-fingerprints'), dir, { recursive: true });
  edit(dir);
  return analyze({ root: dir, repository: 'acme/widget' });
}

/** rule + image + file → fingerprint, for every result. */
function fingerprints(report: Report): Map<string, string> {
  const sarif = buildSarif(report);
  const out = new Map<string, string>();
  sarif.runs[0]!.results!.forEach((r, i) => {
    const f = report.findings[i]!;
    // no-admission-enforcement is about the repository: it has no image or file of its own.
    const key = f.rule === 'no-admission-enforcement' ? f.rule : `${f.rule} ${f.image ?? ''} ${f.file}`;
    assert.ok(!out.has(key), `one finding per key in this fixture: ${key}`);
    out.set(key, r.partialFingerprints![FINGERPRINT_KEY]!);
  });
  return out;
}

function assertKept(before: Map<string, string>, afterChange: Map<string, string>): void {
  for (const [key, fp] of before) {
    assert.ok(afterChange.has(key), `still reported: ${key}`);
    assert.equal(afterChange.get(key), fp, `fingerprint of ${key} unchanged`);
  }
}

test('adding an unrelated push path (a new image, above the others) leaves every other fingerprint unchanged', async () => {
  const base = await audit();
  const changed = await audit((dir) => {
    const file = join(dir, '.github/workflows/release.yml');
    // A new first job: every line below moves, and the new image sorts first (where no-admission-enforcement is filed).
    const text = readFileSync(file, 'utf8').replace('jobs:\n', 'jobs:\n  aaa:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/acme/aaa-extra:latest\n');
    writeFileSync(file, text);
  });
  const before = fingerprints(base);
  assert.deepEqual([...before.keys()].sort(), [
    'no-admission-enforcement',
    'partially-signed-image ghcr.io/acme/worker .github/workflows/nightly.yml',
    'signed-by-tag ghcr.io/acme/api .github/workflows/release.yml',
    'unsigned-image ghcr.io/acme/web .github/workflows/release.yml',
  ]);
  // What used to change the hashed text: no-admission-enforcement now sits at the new image's push and counts 4 images.
  const noEnforcement = (r: Report) => r.findings.find((f) => f.rule === 'no-admission-enforcement')!;
  assert.equal(noEnforcement(changed).image, 'ghcr.io/acme/aaa-extra');
  assert.match(noEnforcement(base).message, /3 pushed images/);
  assert.match(noEnforcement(changed).message, /4 pushed images/);
  assert.notEqual(changed.findings.find((f) => f.rule === 'unsigned-image' && f.image === 'ghcr.io/acme/web')!.line, base.findings.find((f) => f.rule === 'unsigned-image' && f.image === 'ghcr.io/acme/web')!.line, 'lines moved');
  const afterChange = fingerprints(changed);
  assertKept(before, afterChange);
  const added = changed.findings.filter((f) => f.image === 'ghcr.io/acme/aaa-extra' && f.rule === 'unsigned-image');
  assert.equal(added.length, 1, 'the new push is reported');
  assert.ok(![...before.values()].includes(fingerprints(changed).get(`unsigned-image ghcr.io/acme/aaa-extra .github/workflows/release.yml`)!), 'and is a new alert');
});

test('another push path of the same image changes its count ("1 of 3 push paths"), not its fingerprint', async () => {
  const base = await audit();
  const changed = await audit((dir) => {
    writeFileSync(join(dir, '.github/workflows/weekly.yml'), "name: weekly\non:\n  schedule:\n    - cron: '0 4 * * 1'\njobs:\n  worker:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/acme/worker:weekly\n");
  });
  const partial = (r: Report) => r.findings.find((f) => f.rule === 'partially-signed-image' && f.file === '.github/workflows/nightly.yml')!;
  assert.match(partial(base).message, /signed on 1 of 2 push paths/);
  assert.match(partial(changed).message, /signed on 1 of 3 push paths/);
  const before = fingerprints(base);
  const afterChange = new Map([...fingerprints(changed)].filter(([k]) => !k.includes('weekly.yml')));
  assertKept(before, afterChange);
});
