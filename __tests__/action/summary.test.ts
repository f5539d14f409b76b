import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md, mermaidText, renderSummary } from '../../src/render/summary.js';
import { renderText } from '../../src/render/text.js';
import { finding, HOSTILE, image, report } from './reports.js';

test('first line: verdict and sentence; then images, policies, findings, flows', () => {
  const s = renderSummary(report());
  const lines = s.split('\n');
  assert.equal(lines[0], '### ❌ Image signing audit: FAIL — 1 of 2 images are signed; verification enforced via none found.');
  assert.match(s, /\| Image \| Pushed at \| Signed \| Method \| By digest \| Covered by \|/);
  assert.match(s, /\| ghcr\.io\/acme\/widget \| \.github\/workflows\/release\.yml:42 \| ✅ yes \| cosign-keyless \| yes \| — \|/);
  assert.match(s, /\| docker\.io\/acme\/widget \| .* \| ❌ no \| — \| — \| — \|/);
  assert.match(s, /\| kyverno \| ClusterPolicy\/verify-images \| 🛡️ enforce \| deploy\/policy\.yaml:3 \| listed in deploy\/kustomization\.yaml:4, applied by kubectl apply -k deploy &#40;\.github\/workflows\/deploy\.yml:20&#41; \| ghcr\.io\/acme\/widget \|/);
  assert.match(s, /<summary>1 policy not counted<\/summary>[\s\S]*kyverno ClusterPolicy\/example \(docs\/example\.yaml:1\): in an examples\/samples folder/);
  assert.match(s, /\*\*\[unsigned-image\]\(https:\/\/[^)]+#rule-unsigned-image\)\*\* \(error, 1\)/);
  assert.match(s, /<details><summary>1 suppressed finding<\/summary>[\s\S]*suppressed \(config\): enforced in the platform repo/);
  assert.match(s, /```mermaid\nflowchart LR/);
  assert.match(s, /no enforcing admission policy/);
  assert.match(s, /\*\*1\*\* suppressed/);
});

test('nothing pushed: short, no flows, still the verdict first', () => {
  const s = renderSummary(report({ verdict: 'not-applicable', sentence: '0 of 0 images are signed; verification enforced via none found.', images: [], findings: [], localBuilds: [], limits: [], enforcement: [] }));
  assert.match(s, /^### ➖ Image signing audit: NOT-APPLICABLE/);
  assert.doesNotMatch(s, /mermaid/);
  assert.match(s, /No findings\./);
});

test('50 images from one pipeline make one flow; distinct pipelines are drawn separately and collapsed past five', () => {
  const many = Array.from({ length: 50 }, (_, i) => image(`ghcr.io/acme/svc-${i}`));
  const s = renderSummary(report({ images: many }));
  assert.equal(s.match(/```mermaid/g)!.length, 1);
  assert.match(s, /and 47 more/);
  const distinct = Array.from({ length: 50 }, (_, i) => image(`ghcr.io/acme/svc-${i}`, { pushes: [{ file: `.github/workflows/w${i}.yml`, line: 3 }] }));
  const d = renderSummary(report({ images: distinct }));
  assert.equal(d.match(/```mermaid/g)!.length, 30, 'at most 30 flows drawn');
  assert.match(d, /<details><summary>25 more flows<\/summary>/);
  assert.match(d, /20 more flows are not drawn/);
});

test('many findings: 20 shown, the rest in <details>; a huge report stays under the bound with a note', () => {
  const findings = Array.from({ length: 60 }, (_, i) => finding('unsigned-image', { file: `w${i}.yml` }));
  const s = renderSummary(report({ findings }));
  assert.match(s, /<details><summary>40 more findings<\/summary>/);
  const huge = Array.from({ length: 5000 }, (_, i) => finding('unsigned-image', { file: `w${i}.yml`, message: 'x'.repeat(390) }));
  const big = renderSummary(report({ findings: huge, images: Array.from({ length: 2000 }, (_, i) => image(`ghcr.io/a/${i}`)) }), { maxBytes: 200_000 });
  assert.ok(Buffer.byteLength(big) < 200_000);
  assert.match(big, /The summary was truncated/);
  assert.equal(big.split('<details>').length, big.split('</details>').length, 'no unclosed <details>');
  const full = renderSummary(report({ findings: huge }));
  assert.ok(Buffer.byteLength(full) < 1024 * 1024 * 0.6);
});

test('repository text cannot inject markup, code spans, table cells or lines', () => {
  const hostile = report({
    sentence: HOSTILE,
    repository: HOSTILE,
    images: [image(HOSTILE, { coveredBy: [HOSTILE], pushes: [{ file: HOSTILE, line: 1 }], signatures: [{ file: HOSTILE, line: 2, method: 'cosign-key' }] })],
    enforcement: [{ engine: HOSTILE, kind: HOSTILE, name: HOSTILE, mode: 'enforce', file: HOSTILE, line: 1, images: [], covers: [HOSTILE] }],
    findings: [finding('unsigned-image', { message: HOSTILE, file: HOSTILE }), finding('signed-by-tag', { message: HOSTILE, suppressed: { reason: HOSTILE, source: 'inline' } })],
    localBuilds: [{ name: HOSTILE, reason: HOSTILE, file: HOSTILE, line: 1 }],
    artifacts: [{ name: HOSTILE, kind: 'helm-chart', tool: HOSTILE, file: HOSTILE, line: 1, signatures: [{ file: HOSTILE, line: 2, method: 'cosign-key' }] }],
    limits: [HOSTILE],
  });
  const s = renderSummary(hostile);
  assert.doesNotMatch(s, /<script|<img|\[link\]\(|\*\*bold|`code`|\$x\$|\u202e/);
  // Table rows keep their column count: no raw `|` from the data.
  for (const line of s.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
    const cells = line.split(' | ').length;
    assert.ok(cells === 6 || cells === 5, `row keeps its cells: ${line}`);
  }
  // Mermaid blocks: labels are quoted and contain no quote, bracket, backtick or newline from the data.
  for (const block of s.match(/```mermaid[\s\S]*?```/g) ?? []) {
    assert.doesNotMatch(block.replace(/^```mermaid|```$/g, ''), /`|<script|<img/);
    for (const l of block.split('\n').filter((x) => x.includes('["'))) assert.match(l, /^\s+\w+\["[^"\]]*"\](:::\w+)?$/);
  }
  // The first line is still the verdict line.
  assert.match(s.split('\n')[0]!, /^### ❌ Image signing audit: FAIL — /);
});

test('artifacts are listed apart from images, in the summary and the text report', () => {
  const r = report({
    artifacts: [
      { name: 'ghcr.io/acme/charts/widget', kind: 'helm-chart', tool: 'helm push', file: '.github/workflows/release.yml', line: 60, signatures: [{ file: '.github/workflows/release.yml', line: 61, method: 'cosign-keyless' }] },
      { name: 'ghcr.io/acme/widget-sbom', kind: 'oci-artifact', tool: 'oras push', file: '.github/workflows/release.yml', line: 70 },
    ],
  });
  const s = renderSummary(r);
  assert.match(s, /<details><summary>2 OCI artifacts, not images \(not counted\)<\/summary>/);
  assert.match(s, /- ghcr\.io\/acme\/charts\/widget — Helm chart, helm push \(\.github\/workflows\/release\.yml:60\); signed: cosign-keyless \(\.github\/workflows\/release\.yml:61\)/);
  const t = renderText(r);
  assert.match(t, /artifacts, not images \(2\):\n {2}ghcr\.io\/acme\/charts\/widget \(helm-chart, helm push\) at \.github\/workflows\/release\.yml:60; signatures: cosign-keyless at \.github\/workflows\/release\.yml:61\n {2}ghcr\.io\/acme\/widget-sbom \(oci-artifact, oras push\)/);
  assert.doesNotMatch(renderText(report()), /artifacts/);
});

test('md() and mermaidText() escapes', () => {
  assert.equal(md('a|b<c>`d`\ne'), 'a&#124;b&#60;c&#62;&#96;d&#96; e');
  assert.equal(md('ghcr.io/acme/app-1'), 'ghcr.io/acme/app-1');
  assert.equal(mermaidText('a"b]c<d>'), 'a#34;b#93;c#60;d#62;');
});
