import type { Finding } from '../model/finding.js';
import type { SignatureEvidence, SignedImageInfo } from '../model/analysis.js';
import type { EnforcementReport } from '../model/report.js';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import { ruleById } from '../rules/index.js';
import { judgeCoverage, shorten } from './coverage.js';
import { discover } from './discover.js';
import { keyFingerprints } from './keys.js';
import { applyKustomizations } from './kustomize.js';
import { indexDeployments, type DeploymentIndex } from './deploy.js';
import { classifyPath } from './paths.js';
import type { ImagePattern, Installation, NamespaceManifest, Policy } from './model.js';
import { patternProblem } from './patterns.js';
import type { AnalysisBudget } from '../util/budget.js';
import type { TrustContext } from './trust.js';
import { describePolicy, isEnforcing, type AdmissionAssessment } from './rules/common.js';
import { checkNoAdmissionEnforcement } from './rules/no-admission-enforcement.js';
import { checkEnforcementAdvisoryOnly } from './rules/enforcement-advisory-only.js';
import { checkImageNotCovered } from './rules/image-not-covered.js';
import { checkPolicyTrustMismatch } from './rules/policy-trust-mismatch.js';
import { checkNamespaceNotOptedIn } from './rules/namespace-not-opted-in.js';
import { checkWebhookFailsOpen } from './rules/webhook-fails-open.js';

export interface AdmissionInput {
  /** The scanned repository. */
  repo: RepoReader;
  /** Extra roots given with policy-paths; policies there count even under examples/. */
  policyRoots: RepoReader[];
  images: SignedImageInfo[];
  repository?: string;
  requireEnforcement: boolean;
  /** The run's analysis budget: pattern matching and identity comparisons are charged to it. */
  budget?: AnalysisBudget;
}

export interface AdmissionResult {
  enforcement: EnforcementReport[];
  /** `covers` per image name: the policy descriptions ("engine kind/name (file:line)") that cover it. */
  coverage: Map<string, string[]>;
  findings: Finding[];
  limits: string[];
  manifestsParsed: number;
}

/**
 * The admission stage: find every signature-verification policy (in the repository and the policy-paths roots),
 * judge its mode, match it to the pushed images and compare its trust with how CI signs them.
 */
export function analyzeAdmission(input: AdmissionInput): AdmissionResult {
  const policies: Policy[] = [];
  const installations: Installation[] = [];
  const namespaces: NamespaceManifest[] = [];
  const findings: Finding[] = [];
  const limits: string[] = [];
  let manifestsParsed = 0;
  const sources = [{ repo: input.repo, policyRoot: false, label: '' }, ...input.policyRoots.map((r) => ({ repo: r, policyRoot: true, label: r.root }))];
  for (const source of sources) {
    const found = discover(source.repo, { policyRoot: source.policyRoot, label: source.label, ...(input.budget ? { budget: input.budget } : {}) });
    manifestsParsed += found.manifestsParsed;
    const own = found.policies;
    if (source.policyRoot) {
      for (const p of own) if (p.counted && !p.deployedBy) p.deployedBy = `given with policy-paths (${source.label})`;
      own.push(...applyKustomizations(source.repo, found.kustomizations, own, undefined, input.budget));
    } else {
      const sampleFiles = [...new Set(own.filter((p) => classifyPath(p.location.file) === 'example').map((p) => p.location.file))];
      const index = indexDeployments({ repo: source.repo, ...(input.repository ? { repository: input.repository } : {}), sampleFiles, ...(input.budget ? { budget: input.budget } : {}) });
      own.push(...applyKustomizations(source.repo, found.kustomizations, own, (f) => index.statusOf(f), input.budget));
      applyDeployments(own, found.installations, found.namespaces, index);
      limits.push(...index.limits);
    }
    policies.push(...own);
    installations.push(...found.installations);
    namespaces.push(...found.namespaces);
    limits.push(...found.limits);
    for (const e of found.parseErrors) {
      findings.push({ rule: 'parse-error', severity: ruleById('parse-error').severity, message: `Admission policy file could not be parsed: ${e.message}`, location: e.location, related: [] });
    }
  }
  applyInstallations(policies, installations);
  limits.push(...unusablePatterns(policies));

  const trust = trustContext(input.repo, input.repository, input.budget);
  const judgements: AdmissionAssessment['judgements'] = new Map();
  for (const image of input.images) {
    const list: Array<{ policy: Policy; judgement: ReturnType<typeof judgeCoverage> }> = [];
    for (const policy of policies) {
      if (!isEnforcing(policy)) continue;
      const judgement = judgeCoverage(policy, image, trust);
      if (judgement.matched) list.push({ policy, judgement });
    }
    judgements.set(image.name, list);
  }
  const assessment: AdmissionAssessment = { images: input.images, policies, installations, namespaces, judgements, requireEnforcement: input.requireEnforcement, ...(input.budget ? { budget: input.budget } : {}) };
  findings.push(
    ...checkNoAdmissionEnforcement(assessment),
    ...checkEnforcementAdvisoryOnly(assessment),
    ...checkImageNotCovered(assessment),
    ...checkPolicyTrustMismatch(assessment),
    ...checkNamespaceNotOptedIn(assessment),
    ...checkWebhookFailsOpen(assessment),
  );

  const coverage = new Map<string, string[]>();
  const coveredBy = new Map<Policy, string[]>();
  const coverNotes = new Map<Policy, string[]>();
  for (const [name, list] of judgements) {
    for (const { policy, judgement } of list) {
      if (judgement.status !== 'covered') continue;
      coverage.set(name, [...(coverage.get(name) ?? []), describePolicy(policy)]);
      coveredBy.set(policy, [...(coveredBy.get(policy) ?? []), name]);
      coverNotes.set(policy, [...(coverNotes.get(policy) ?? []), ...judgement.notes.map((n) => `${name}: ${n}`)]);
    }
  }
  for (const engine of new Set(installations.filter((i) => i.counted).map((i) => i.engine))) {
    if (!policies.some((p) => p.counted && p.engine === engine)) {
      const inst = installations.find((i) => i.engine === engine && i.counted)!;
      limits.push(`${engine} is installed (${inst.what}, ${inst.location.file}:${inst.location.line}) but no counted signature policy for it was found: it enforces nothing`);
    }
  }
  const optedIn = namespaces.filter((n) => n.counted && n.include === 'true');
  const enforcement = buildReports(policies, coveredBy, coverNotes, optedIn);
  return { enforcement, coverage, findings, limits, manifestsParsed };
}

/** A limits line for each image pattern that cannot be evaluated, saying which way it is read. */
function unusablePatterns(policies: Policy[]): string[] {
  const out = new Set<string>();
  for (const p of policies) {
    const lists: Array<[ImagePattern[], string]> = [
      [p.patterns, 'it covers no image'],
      [p.exemptions, 'it is taken to exempt every image the policy matches'],
      [(p.ruleSelection ?? []).map((r) => r.pattern), 'no image is counted as verified where it might be the most specific rule'],
    ];
    for (const [list, reading] of lists) {
      for (const pattern of list) {
        const problem = patternProblem(pattern);
        if (problem) out.add(`image pattern ${shorten(pattern.raw)} at ${pattern.location.file}:${pattern.location.line} cannot be evaluated (${problem}); ${reading}`);
      }
    }
  }
  return [...out];
}

/**
 * Counted policies (and installations, namespaces) of the scanned repository count only where something deploys
 * them; each gets the reason it counts or does not.
 */
function applyDeployments(policies: Policy[], installations: Installation[], namespaces: NamespaceManifest[], index: DeploymentIndex): void {
  const cache = new Map<string, ReturnType<DeploymentIndex['statusOf']>>();
  const status = (file: string): ReturnType<DeploymentIndex['statusOf']> => {
    let s = cache.get(file);
    if (!s) cache.set(file, (s = index.statusOf(file)));
    return s;
  };
  for (const p of policies) {
    if (p.deployedBy || p.notCountedReason) continue;
    if (!p.counted) {
      if (classifyPath(p.location.file) === 'example') p.notCountedReason = 'in an examples/samples folder (add it with policy-paths to count it)';
      continue;
    }
    const s = status(p.location.file);
    if (s.deployed) p.deployedBy = s.reason;
    else {
      p.counted = false;
      p.notCountedReason = s.reason;
    }
  }
  for (const i of installations) if (i.counted && !status(i.location.file).deployed) i.counted = false;
  for (const n of namespaces) {
    if (!n.counted) continue;
    const s = status(n.location.file);
    if (!s.deployed) {
      n.counted = false;
      n.notCountedReason = s.reason;
    }
  }
}

/**
 * Fail-open webhooks make their engine's policies advisory. Gatekeeper is different: a constraint with
 * enforcementAction deny denies whenever the webhook answers, so its policies stay enforcing and carry the
 * fail-open reason for their own warning (webhook-fails-open); Gatekeeper fails open unless shown otherwise.
 */
function applyInstallations(policies: Policy[], installations: Installation[]): void {
  for (const inst of installations) {
    if (!inst.counted || inst.failurePolicy !== 'Ignore') continue;
    const why = `${inst.what} has failurePolicy: Ignore (${inst.location.file}:${inst.location.line}), so it fails open`;
    for (const p of policies) {
      if (p.engine !== inst.engine || !p.counted) continue;
      if (p.engine === 'ratify-gatekeeper') p.failsOpen ??= why;
      else if (!p.advisoryReason) p.advisoryReason = why;
    }
  }
  const gatekeeperFails = installations.some((i) => i.counted && i.engine === 'ratify-gatekeeper' && i.failurePolicy === 'Fail');
  for (const p of policies) {
    if (p.engine === 'ratify-gatekeeper' && !gatekeeperFails && p.counted)
      p.failsOpen ??= "Gatekeeper's webhook fails open unless its failurePolicy is Fail (Helm value validatingWebhookFailurePolicy: Fail), and no such setting was found";
  }
}

function buildReports(policies: Policy[], coveredBy: Map<Policy, string[]>, coverNotes: Map<Policy, string[]>, optedIn: NamespaceManifest[]): EnforcementReport[] {
  const byKey = new Map<string, EnforcementReport>();
  const out: EnforcementReport[] = [];
  for (const p of policies) {
    const mode = p.advisoryReason && p.mode === 'enforce' ? 'warn' : p.mode;
    const notes = [...p.notes];
    if (p.modeLocation) notes.push(`mode decided at ${p.modeLocation.file}:${p.modeLocation.line}${p.modeLocation.message ? ` (${p.modeLocation.message})` : ''}`);
    if (p.advisoryReason) notes.push(`advisory: ${p.advisoryReason}`);
    if (p.failsOpen) notes.push(`fails open: ${p.failsOpen}`);
    if (p.engine === 'sigstore-policy-controller') {
      notes.push(
        optedIn.length > 0
          ? `namespaces opted in (policy.sigstore.dev/include: "true"): ${optedIn.map((n) => `${n.name} (${n.location.file}:${n.location.line})`).join(', ')}`
          : 'no Namespace manifest in the repository is opted in (policy.sigstore.dev/include: "true"); policy-controller only evaluates opted-in namespaces',
      );
    }
    notes.push(...(coverNotes.get(p) ?? []));
    const images = (p.ruleSelection ? p.ruleSelection.filter((r) => r.verifies).map((r) => r.pattern) : p.patterns).map((x) => x.raw);
    const key = [p.engine, p.kind, p.name, p.location.file, p.location.line, mode, p.counted].join('\u0000');
    const existing = byKey.get(key);
    if (existing) {
      existing.images = [...new Set([...existing.images, ...images])];
      existing.covers = [...new Set([...existing.covers, ...(coveredBy.get(p) ?? [])])];
      existing.notes = [...new Set([...(existing.notes ?? []), ...notes])];
      continue;
    }
    const report: EnforcementReport = {
      engine: p.engine,
      kind: p.kind,
      name: p.name,
      mode,
      file: p.location.file,
      line: p.location.line,
      images: [...new Set(images)],
      covers: [...new Set(coveredBy.get(p) ?? [])],
      counted: p.counted,
      ...(p.counted && p.deployedBy ? { deployedBy: p.deployedBy } : {}),
      ...(!p.counted && p.notCountedReason ? { notCountedReason: p.notCountedReason } : {}),
      notes: [...new Set(notes)],
    };
    byKey.set(key, report);
    out.push(report);
  }
  return out.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line));
}

/** Committed public keys, read once, to compare policy keys with the key CI signs with. */
function trustContext(repo: RepoReader, repository: string | undefined, budget: AnalysisBudget | undefined): TrustContext {
  const keyFiles = new Map<string, string[]>();
  for (const f of repo.files) {
    if (!/\.(pub|pem|crt)$/i.test(f.path)) continue;
    const r = repo.read(f.path, { scan: true });
    if (!r.ok || !/BEGIN (PUBLIC KEY|CERTIFICATE|EC PUBLIC KEY|RSA PUBLIC KEY)/.test(r.text)) continue;
    const fps = keyFingerprints(r.text);
    if (fps.length > 0) keyFiles.set(f.path, fps);
  }
  const cosignPubs = [...keyFiles.keys()].filter((p) => /(^|\/)cosign\.pub$/.test(p));
  const pemCache = new Map<string, string[]>();
  return {
    ...(repository ? { repository } : {}),
    ...(budget ? { budget } : {}),
    fingerprintsOf(pem: string): string[] {
      const hit = pemCache.get(pem);
      if (hit) return hit;
      const fps = keyFingerprints(pem);
      pemCache.set(pem, fps);
      return fps;
    },
    publicKeysFor(ev: SignatureEvidence) {
      const value = ev.key?.value;
      if (!value) return undefined;
      const local = normalizeRelPath(value.replace(/^file:\/\//, ''));
      if (local !== undefined && /\.key$/.test(local)) {
        for (const cand of [local.replace(/\.key$/, '.pub'), local.replace(/[^/]*$/, 'cosign.pub')]) {
          const fps = keyFiles.get(cand);
          if (fps) return { fingerprints: fps, file: cand };
        }
      }
      // A key from a secret or the environment: the repository's single cosign.pub is its public half by convention.
      if (cosignPubs.length === 1) return { fingerprints: keyFiles.get(cosignPubs[0]!)!, file: cosignPubs[0]! };
      return undefined;
    },
  };
}
