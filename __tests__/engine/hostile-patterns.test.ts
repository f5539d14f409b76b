import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { openRepo } from '../../src/discover/repo.js';
import { parseConfig } from '../../src/config/load.js';
import { applySuppressions } from '../../src/suppress/index.js';
import { wildcard } from '../../src/make/wildcard.js';
import { evaluateIdentity } from '../../src/admission/trust.js';
import { loadShellParser } from '../../src/shell/index.js';
import { AnalysisBudget } from '../../src/util/budget.js';
import { globStepsTaken } from '../../src/util/glob.js';
import type { Report } from '../../src/model/report.js';

/**
 * Patterns written by the scanned tree (regular expressions and globs) are matched by linear engines: each case
 * here stalls a backtracking engine for minutes or crashes it ("regular expression too large"). Each must give a
 * report, with the work bounded by the budget it is given, and an unusable pattern read the way that does not
 * hide anything.
 */

const roots: string[] = [];
before(loadShellParser);
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'isa-patterns-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const smallBudget = () => new AnalysisBudget({ work: 5_000_000, valueLength: 1 << 20, deadlineMs: 1e9 });

function workflow(script: string): string {
  return `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n')}\n`;
}

async function scan(files: Record<string, string>, budget = smallBudget()): Promise<{ report: Report; budget: AnalysisBudget }> {
  const report = await analyze({ root: tree(files), repository: 'o/r', budget });
  return { report, budget };
}

const names = (r: Report) => r.images.map((i) => i.name).sort();
const rulesOf = (r: Report) => r.findings.map((f) => f.rule);

test('[[ =~ ^(a+)+$ ]] on a long value is decided (RE2), within a small budget', async () => {
  const script = (v: string) => `v=${v}\nif [[ $v =~ ^(a+)+$ ]]; then docker push ghcr.io/o/then; else docker push ghcr.io/o/else; fi`;
  const miss = await scan({ '.github/workflows/a.yml': workflow(script('a'.repeat(60) + '!')) });
  assert.deepEqual(names(miss.report), ['ghcr.io/o/else']);
  assert.equal(miss.budget.exhausted, false);
  const hit = await scan({ '.github/workflows/a.yml': workflow(script('a'.repeat(60))) });
  assert.deepEqual(names(hit.report), ['ghcr.io/o/then']);
});

test('[[ =~ ]] with a backreference is undecided: both branches are followed', async () => {
  // Through a variable, as bash reads it: there \1 is a backreference (written inline it would be a quoted 1).
  const { report } = await scan({ '.github/workflows/a.yml': workflow("v=aa\nre='^(a)\\1$'\nif [[ $v =~ $re ]]; then docker push ghcr.io/o/then; else docker push ghcr.io/o/else; fi") });
  assert.deepEqual(names(report), ['ghcr.io/o/else', 'ghcr.io/o/then']);
});

test('sed -E with a catastrophic pattern is evaluated linearly; with a backreference its output is unknown', async () => {
  const decided = await scan({ '.github/workflows/a.yml': workflow(`IMG=$(echo ${'a'.repeat(60)}! | sed -E 's/^(a+)+$/x/')\ndocker push "ghcr.io/o/$IMG"`) });
  assert.deepEqual(names(decided.report), [`ghcr.io/o/${'a'.repeat(60)}!`]);
  assert.equal(decided.budget.exhausted, false);
  const replaced = await scan({ '.github/workflows/a.yml': workflow(`IMG=$(echo aaaa | sed -E 's/(a|aa)+$/app/')\ndocker push "ghcr.io/o/$IMG"`) });
  assert.deepEqual(names(replaced.report), ['ghcr.io/o/app']);
  const unknown = await scan({ '.github/workflows/a.yml': workflow(`IMG=$(echo aa | sed -E 's/(a)\\1/app/')\ndocker push "ghcr.io/o/$IMG"`) });
  assert.ok(!names(unknown.report).includes('ghcr.io/o/app'), names(unknown.report).join(','));
  assert.ok(!names(unknown.report).includes('ghcr.io/o/aa'), 'the output is not guessed as the unchanged input');
});

const kyvernoPolicy = (imageReference: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  validationFailureAction: Enforce
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    verifyImages:
    - imageReferences: ['${imageReference}']
      attestors:
      - entries:
        - keyless:
            subject: https://github.com/o/r/.github/workflows/a.yml@refs/heads/main
            issuer: https://token.actions.githubusercontent.com
`;

test('a Kyverno imageReferences pattern of 2,000 stars against a long name: bounded, not covering', async () => {
  const image = `ghcr.io/o/${'a'.repeat(300)}c`;
  const before = globStepsTaken();
  const { report, budget } = await scan({
    'policies/k.yaml': kyvernoPolicy('*a'.repeat(2000) + 'b'),
    'kustomization.yaml': 'resources:\n- policies/k.yaml\n',
    '.github/workflows/a.yml': workflow(`docker push ${image}`),
  });
  const steps = globStepsTaken() - before;
  assert.deepEqual(names(report), [image]);
  assert.ok(rulesOf(report).includes('image-not-covered'), rulesOf(report).join(','));
  assert.equal(budget.exhausted, false);
  // The automaton's work is at most (program size × text length) per comparison.
  assert.ok(steps > 0 && steps <= 4 * 4002 * (image.length + 1), `steps ${steps}`);
});

test('a 300 KB image pattern is not a crash: it covers nothing, and a limits line says so', async () => {
  const { report } = await scan({
    'policies/k.yaml': kyvernoPolicy('ghcr.io/o/' + 'a*'.repeat(150_000)),
    'kustomization.yaml': 'resources:\n- policies/k.yaml\n',
    '.github/workflows/a.yml': workflow('docker push ghcr.io/o/aaaa'),
  });
  assert.ok(rulesOf(report).includes('image-not-covered'), rulesOf(report).join(','));
  assert.ok(report.limits.some((l) => /image pattern .* cannot be evaluated .*more than 4096.*covers no image/.test(l)), report.limits.join('\n'));
});

test('policy-controller subjectRegExp (a|aa)*$ style expressions run on RE2; a backreference is not compared', () => {
  const ev = {
    method: 'cosign-keyless' as const,
    location: { file: '.github/workflows/a.yml', line: 1 },
    keyless: true,
    identity: { workflowPath: '.github/workflows/a.yml', refs: ['refs/heads/main'] },
    format: 'legacy' as const,
    attestation: false,
    byDigest: true,
  };
  const budget = smallBudget();
  const ok = evaluateIdentity({ subjectRegExp: '^https://github.com/o/r/(a|aa|[^@])*@refs/heads/main$' }, ev, 'o/r', budget);
  assert.equal(ok.status, 'ok');
  const mismatch = evaluateIdentity({ subjectRegExp: '^(a|aa)*$' }, ev, 'o/r', budget);
  assert.equal(mismatch.status, 'mismatch');
  assert.equal(budget.exhausted, false);
  const backref = evaluateIdentity({ subjectRegExp: '^(https)://github.com/\\1' }, ev, 'o/r', budget);
  assert.equal(backref.status, 'unchecked');
  assert.match(backref.reason ?? '', /backreference/);
  // A spent budget leaves the identity unconfirmed, never a match or a mismatch.
  const spent = new AnalysisBudget({ work: 1, valueLength: 10, deadlineMs: 1e9 });
  spent.charge(2);
  assert.equal(evaluateIdentity({ subjectRegExp: '^https://github.com/o/r/.*' }, ev, 'o/r', spent).status, 'unchecked');
});

test('a config ignore glob of 150,000 a* is a config error and suppresses nothing (fail closed)', async () => {
  const text = `ignore:\n  - rule: unsigned-image\n    image: '${'a*'.repeat(150_000)}'\n    reason: hostile\n  - rule: unsigned-image\n    path: '${'a*'.repeat(150_000)}'\n    reason: hostile\nexclude-images:\n  - image: '${'*'.repeat(5000)}'\n    reason: hostile\n`;
  const loaded = parseConfig(text, '.github/image-signing-audit.yml');
  const errors = loaded.findings.filter((f) => f.rule === 'config-error');
  assert.equal(errors.length, 3, errors.map((f) => f.message).join('\n'));
  assert.ok(errors.every((f) => /unusable glob .*more than 4096/.test(f.message)), errors.map((f) => f.message).join('\n'));
  assert.equal(loaded.config.ignore.length, 0);
  assert.equal(loaded.config.excludeImages.length, 0);
  const { report } = await scan({ '.github/workflows/a.yml': workflow('docker push ghcr.io/o/aaaa') });
  // Entries that reach the matcher anyway (a caller that skipped validation) suppress nothing either.
  const suppressed = applySuppressions(report, { ignores: [{ rule: 'unsigned-image', image: '*'.repeat(5000), reason: 'x', location: { file: 'c.yml', line: 1 } }] });
  assert.ok(suppressed.findings.some((f) => f.rule === 'unsigned-image' && !f.suppressed));
});

test('an unusable exclude-images pattern excludes nothing, and says so', async () => {
  const root = tree({ '.github/workflows/a.yml': workflow('docker push ghcr.io/o/aaaa') });
  const report = await analyze({ root, repository: 'o/r', budget: smallBudget(), excludeImages: [{ pattern: '*'.repeat(5000), reason: 'hostile' }] });
  assert.deepEqual(names(report), ['ghcr.io/o/aaaa']);
  assert.ok(report.limits.some((l) => /exclude-images pattern .* cannot be evaluated \(.*more than 4096\); it excludes no image/.test(l)), report.limits.join('\n'));
  const usable = await analyze({ root, repository: 'o/r', budget: smallBudget(), excludeImages: [{ pattern: 'ghcr.io/o/*', reason: 'ok' }] });
  assert.deepEqual(names(usable), []);
});

test('make $(wildcard) with a pathological pattern is bounded by its length times the names', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`d/${'a'.repeat(200)}${i}`] = '';
  const repo = openRepo(tree(files));
  const before = globStepsTaken();
  assert.deepEqual(wildcard(repo, '', ['d/' + '*a'.repeat(1000) + 'b']), []);
  const steps = globStepsTaken() - before;
  assert.ok(steps <= 50 * 2 * 2002 * 204, `steps ${steps}`);
  assert.equal(wildcard(repo, '', ['d/*a0']).length, 1);
  // A segment no file name can match (longer than the matcher's bound) finds nothing, without work.
  assert.deepEqual(wildcard(repo, '', ['d/' + '?'.repeat(5000)]), []);
});

test('${x%%pat} and ${x//pat/r} on a 256 KB value are linear', async () => {
  const { report, budget } = await scan(
    { '.github/workflows/a.yml': workflow(`A=${'a'.repeat(262_144)}\nB=\${A%%*x}\nC=\${B//a/}\ndocker push ghcr.io/o/b$C`) },
    new AnalysisBudget({ work: 20_000_000, valueLength: 1 << 20, deadlineMs: 1e9 }),
  );
  assert.deepEqual(names(report), ['ghcr.io/o/b']);
  assert.equal(budget.exhausted, false);
});
