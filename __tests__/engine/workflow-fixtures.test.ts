import { before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { loadShellParser } from '../../src/shell/index.js';
import { assertGolden, FIXTURES } from '../helpers/golden.js';

/**
 * Golden tests over real-shaped workflow trees (actionlint style): each folder in fixtures/workflows is scanned and
 * a compact summary of images, signatures and findings is compared with golden/workflows/<folder>.json.
 */
const DIR = join(FIXTURES, 'workflows');
const REPOSITORY: Record<string, string> = { 'dynamic-image-name': 'acme/dyn', 'local-action-own': 'docker/build-push-action' };
const REMOTE: Record<string, string> = { 'remote-inspected': join(DIR, 'remote-checkouts'), 'goreleaser-includes': join(DIR, 'remote-checkouts'), 'remote-opaque-action': join(DIR, 'remote-checkouts') };

export function summarize(report: Report): unknown {
  return {
    verdict: report.verdict,
    sentence: report.sentence,
    images: report.images.map((i) => ({
      name: i.name,
      signed: i.signed,
      methods: i.methods,
      byDigest: i.byDigest,
      confidence: i.confidence,
      pushes: i.pushes.map((p) => `${p.file}:${p.line}`),
      signatures: i.signatures.map((s) => `${s.file}:${s.line} ${s.method}`),
    })),
    localBuilds: report.localBuilds.map((b) => `${b.name} (${b.reason}) ${b.file}:${b.line}`),
    ...(report.artifacts ? { artifacts: report.artifacts.map((a) => `${a.name} (${a.kind}, ${a.tool}) ${a.file}:${a.line}${(a.signatures ?? []).map((s) => ` signed ${s.method} ${s.file}:${s.line}`).join('')}`) } : {}),
    findings: report.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}${f.image ? ` [${f.image}]` : ''}`),
  };
}

describe('workflow fixtures', () => {
  before(loadShellParser);
  for (const name of readdirSync(DIR).sort()) {
    if (name === 'remote-checkouts') continue;
    test(name, async () => {
      const report = await analyze({
        root: join(DIR, name),
        repository: REPOSITORY[name] ?? 'acme/app',
        ...(REMOTE[name] ? { remoteCheckouts: REMOTE[name] } : {}),
      });
      assertGolden(`workflows/${name}.json`, JSON.stringify(summarize(report), null, 2) + '\n');
    });
  }
});
