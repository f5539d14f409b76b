import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRepo } from '../../src/discover/repo.js';
import { cleanTarget, commandsInLine, findCommands } from '../../src/admission/commands.js';
import { globMatch, indexDeployments, normalizedManifest } from '../../src/admission/deploy.js';
import { preprocessHelmTemplate, type DisabledBlock } from '../../src/admission/helm.js';
import type { EnforcementReport } from '../../src/model/report.js';
import { fixture, image, keyless, run, rules } from './helpers.js';

const byName = (r: ReturnType<typeof run>, name: string): EnforcementReport => {
  const e = r.enforcement.find((x) => x.name === name);
  assert.ok(e, `policy ${name} is listed`);
  return e;
};

test('Flux: bootstrap Kustomization -> clusters/prod -> Flux Kustomization -> kustomization.yaml -> policy, with the chain as the reason', () => {
  const r = run('deploy-flux');
  const release = byName(r, 'verify-release');
  assert.equal(release.counted, true);
  assert.match(release.deployedBy ?? '', /^listed in infrastructure\/policies\/kustomization\.yaml:4, reconciled by Flux Kustomization policies \(clusters\/prod\/infrastructure\.yaml:11\)/);
  assert.match(release.deployedBy ?? '', /Flux Kustomization flux-system \(clusters\/prod\/flux-system\/gotk-sync\.yaml:\d+\), installed by flux bootstrap$/);
});

test('Flux: a commented-out kustomization entry is not an entry', () => {
  const legacy = byName(run('deploy-flux'), 'verify-legacy');
  assert.equal(legacy.counted, false);
  assert.match(legacy.notCountedReason ?? '', /infrastructure\/policies\/kustomization\.yaml governs this folder and does not list it/);
});

test('Flux: a path without kustomization.yaml takes every manifest below it, but not past a folder with its own kustomization.yaml', () => {
  const r = run('deploy-flux');
  const a = byName(r, 'team-a-images');
  assert.equal(a.counted, true);
  assert.match(a.deployedBy ?? '', /^under apps\/ \(Flux generates its kustomization\), reconciled by Flux Kustomization apps \(clusters\/prod\/infrastructure\.yaml:\d+\)/);
  const b = byName(r, 'team-b-images');
  assert.equal(b.counted, false);
  assert.match(b.notCountedReason ?? '', /apps\/team-b\/kustomization\.yaml governs this folder and does not list it/);
});

test('Flux: a chain whose entry is commented out deploys nothing below it', () => {
  const optional = byName(run('deploy-flux'), 'verify-optional');
  assert.equal(optional.counted, false);
  assert.equal(optional.notCountedReason, 'listed in optional/kyverno/policies/kustomization.yaml:4, but nothing deploys optional/kyverno/policies/kustomization.yaml');
});

test('Argo CD: app-of-apps root -> Application path; ApplicationSet sources[].path through Kustomize; cycles terminate', () => {
  const r = run('deploy-argo');
  const cip = byName(r, 'acme-release');
  assert.equal(cip.counted, true);
  assert.match(cip.deployedBy ?? '', /^under policies\/cluster\/, reconciled by Argo CD Application cluster-policies \(argocd\/apps\/policies\.yaml:12\), under argocd\/apps\/, reconciled by Argo CD Application root \(argocd\/root\.yaml:11\)/);
  assert.match(cip.deployedBy ?? '', /argocd\/root\.yaml, which nothing references, applied by hand as a GitOps root$/);
  const platform = byName(r, 'verify-platform');
  assert.equal(platform.counted, true);
  assert.match(platform.deployedBy ?? '', /^listed in platform\/verify\/kustomization\.yaml:4, reconciled by Argo CD ApplicationSet platform \(argocd\/apps\/platform\.yaml:22\)/);
  assert.deepEqual(r.limits, []);
});

test('commands: kubectl apply -f and kustomize build | kubectl apply in a workflow', () => {
  const r = run('deploy-commands', [], { repository: 'acme/platform' });
  const ci = byName(r, 'verify-ci');
  assert.equal(ci.counted, true);
  assert.equal(ci.deployedBy, 'applied by kubectl apply -f deploy/policy/verify-ci.yaml (.github/workflows/deploy.yml:14)');
  const k = byName(r, 'verify-kustomize');
  assert.equal(k.deployedBy, 'listed in config/policies/kustomization.yaml:4, applied by kustomize build config/policies | kubectl apply -f - (.github/workflows/deploy.yml:15)');
});

test('commands: a Makefile target with $(KUBECTL) apply -k, a script helm upgrade --install of a local chart', () => {
  const r = run('deploy-commands', [], { repository: 'acme/platform' });
  assert.equal(byName(r, 'verify-make').deployedBy, 'listed in config/make-policies/kustomization.yaml:4, applied by $(KUBECTL) apply -k config/make-policies (Makefile:7)');
  assert.match(byName(r, 'verify-helm').deployedBy ?? '', /^part of the Helm chart charts\/verifier\/Chart\.yaml, applied by helm upgrade --install verifier \.\/charts\/verifier .*\(hack\/install-verifier\.sh:4\)$/);
});

test('documented deployment: a README kubectl command next to the policy, and an Artifact Hub install URL of this repository', () => {
  const r = run('deploy-commands', [], { repository: 'acme/platform' });
  assert.equal(byName(r, 'verify-docs').deployedBy, 'documented deployment: kubectl apply -f deploy/docs-policy/verify-docs.yaml (deploy/docs-policy/README.md:6)');
  assert.match(byName(r, 'verify-lib').deployedBy ?? '', /^documented deployment: kubectl apply -f https:\/\/raw\.githubusercontent\.com\/acme\/platform\/main\/library\/verify-lib\/verify-lib\.yaml \(library\/verify-lib\/artifacthub-pkg\.yml:6\)$/);
  // The same URL names another repository when this one is different: then nothing deploys the Component's policy.
  const other = byName(run('deploy-commands', [], { repository: 'someone/else' }), 'verify-lib');
  assert.equal(other.counted, false);
  assert.match(other.notCountedReason ?? '', /library\/verify-lib\/kustomization\.yaml/);
});

test('not counted: templates/ without Chart.yaml, a lab folder, a copy of a sample, a Portieris allow-list, an unreferenced Component, a chart block disabled by default', () => {
  const r = run('deploy-not-counted', [image('ghcr.io/acme/app', [keyless()])], { repository: 'acme/app' });
  assert.ok(r.enforcement.length >= 6);
  assert.ok(r.enforcement.every((e) => e.counted === false), JSON.stringify(r.enforcement.filter((e) => e.counted)));
  assert.match(byName(r, 'verify-template').notCountedReason ?? '', /templates\/ folder with no Chart\.yaml/);
  assert.match(byName(r, 'verify-lab').notCountedReason ?? '', /^in the labs\/ folder/);
  const copy = r.enforcement.find((e) => e.file === 'configs/constrainttemplates/default/constraint.yaml')!;
  assert.equal(copy.notCountedReason, 'an unreferenced copy of the sample library/default/samples/constraint.yaml');
  assert.match(byName(r, 'allowed-registries').notCountedReason ?? '', /allow-list/);
  assert.match(byName(r, 'audit-images').notCountedReason ?? '', /^listed in deploy\/components\/audit\/kustomization\.yaml:5, but nothing deploys/);
  assert.match(byName(r, 'verify-chart').notCountedReason ?? '', /^disabled by default: \{\{ if \.Values\.verifyImages\.enabled \}\} \(charts\/verifier\/templates\/policy\.yaml:1\)/);
  assert.deepEqual(rules(r), ['no-admission-enforcement']);
});

test('the Makefile reader skips test, e2e and undeploy targets; commented lines are not commands', () => {
  const repo = openRepo(fixture('deploy-commands'));
  const found = findCommands(repo, 'Makefile');
  assert.deepEqual(
    found.map((c) => [c.kind, c.raw, c.line]),
    [['kustomize', 'config/make-policies', 7]],
  );
  assert.deepEqual(commandsInLine('# kubectl apply -f x.yaml').length, 1, 'the line reader itself sees it; findCommands drops comments outside docs');
});

test('command shapes: -f/-k spellings, -R, globs, stdin, unresolved parts, helm values, flux bootstrap, URLs of other repositories', () => {
  const kinds = (line: string) => commandsInLine(line, 'acme/platform').map((c) => `${c.kind}:${c.raw}${c.recursive ? ':R' : ''}`);
  assert.deepEqual(kinds('kubectl apply -f a.yaml -f ./b/ --filename=c.yaml'), ['file:a.yaml', 'file:b/', 'file:c.yaml']);
  assert.deepEqual(kinds('kubectl apply -R -f deploy/policies'), ['file:deploy/policies:R']);
  assert.deepEqual(kinds('kubectl apply --kustomize=overlays/prod && echo done'), ['kustomize:overlays/prod']);
  assert.deepEqual(kinds('oc create -f "deploy/policy.yaml"'), ['file:deploy/policy.yaml']);
  assert.deepEqual(kinds('kubectl apply -f deploy/*.yaml'), ['glob:deploy/*.yaml']);
  assert.deepEqual(kinds('kubectl apply -f -'), []);
  assert.deepEqual(kinds('kubectl apply -f ${POLICY_DIR}/x.yaml'), []);
  assert.deepEqual(kinds('kubectl delete -f deploy/policy.yaml'), []);
  assert.deepEqual(kinds('kustomize build config/policies > out.yaml'), [], 'built but not applied');
  assert.deepEqual(kinds('kubectl kustomize overlays/prod | kubectl apply -f -'), ['kustomize:overlays/prod']);
  assert.deepEqual(kinds('helm install --namespace x -f values/prod.yaml release ./charts/v'), ['file:values/prod.yaml', 'helm:charts/v']);
  assert.deepEqual(kinds('helm upgrade --install release oci://ghcr.io/acme/charts/v'), []);
  assert.deepEqual(kinds('flux bootstrap github --owner=acme --repository=fleet --path=clusters/prod'), ['flux:clusters/prod:R']);
  assert.equal(cleanTarget('https://raw.githubusercontent.com/acme/platform/main/a/b.yaml', 'acme/platform'), 'a/b.yaml');
  assert.equal(cleanTarget('https://github.com/acme/platform/blob/v1/a/b.yaml', 'ACME/Platform'), 'a/b.yaml');
  assert.equal(cleanTarget('https://raw.githubusercontent.com/other/repo/main/a/b.yaml', 'acme/platform'), undefined);
  assert.equal(cleanTarget('https://example.com/policy.yaml'), undefined);
});

test('glob matching without regular expressions; normalized manifests ignore comments and blank lines', () => {
  assert.equal(globMatch('*.yaml', 'policy.yaml'), true);
  assert.equal(globMatch('verify-*.y?ml', 'verify-app.yaml'), true);
  assert.equal(globMatch('*.yaml', 'policy.json'), false);
  assert.equal(globMatch('*a*a*a*a*a*b', 'a'.repeat(2000)), false, 'linear on adversarial input');
  assert.equal(normalizedManifest('# header\na: 1\n\nb: 2 # note\n'), normalizedManifest('a: 1\nb: 2'));
});

test('Helm: disabled blocks are reported with their condition; taking them yields the switched-off body', () => {
  const text = '{{- if .Values.a.enabled }}\nkind: A\n{{- else }}\nkind: B\n{{- end }}\n';
  const disabled: DisabledBlock[] = [];
  assert.equal(preprocessHelmTemplate(text, { a: { enabled: false } }, { disabled }).split('\n')[3], 'kind: B');
  assert.deepEqual(disabled, [{ from: 2, to: 2, condition: '.Values.a.enabled', line: 1 }]);
  const taken = preprocessHelmTemplate(text, { a: { enabled: false } }, { takeDisabled: true }).split('\n');
  assert.equal(taken[1], 'kind: A');
  assert.equal(taken[3], '');
});

test('the deployment index is bounded and cycle-safe on a self-referencing kustomization', () => {
  const repo = openRepo(fixture('deploy-argo'));
  const index = indexDeployments({ repo, sampleFiles: [] });
  assert.equal(index.statusOf('platform/shared/kustomization.yaml').deployed, true);
  assert.deepEqual(index.limits, []);
});
