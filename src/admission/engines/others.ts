import type { Node } from 'yaml';
import type { Doc } from '../documents.js';
import type { Authority, ImagePattern, Installation, NamespaceManifest, Policy } from '../model.js';
import { keyAuthority, keylessAuthority, metadataName, type ReaderContext } from './context.js';

/**
 * The smaller engines: Ratify behind Gatekeeper constraints, Portieris, Kubewarden's verify-image-signatures
 * module, GKE Binary Authorization policy YAML, plus what is not a policy but changes how one acts: webhook
 * configurations of known verifiers, Helm releases that install an engine, and Namespace manifests.
 */

export function isRatifyConstraint(apiVersion: string, kind: string, text: string): boolean {
  return /^constraints\.gatekeeper\.sh\//.test(apiVersion) && (/ratify/i.test(kind) || /ratify/i.test(text));
}

export function readRatifyConstraint(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? 'Constraint';
  const name = metadataName(doc, root);
  const spec = doc.get(root, 'spec');
  const actionRaw = doc.strAt(spec, 'enforcementAction');
  const action = (actionRaw ?? 'deny').toLowerCase();
  const notes = [...ctx.fileNotes, 'trust is configured in Ratify Verifier/Store resources; not checked against CI'];
  if (actionRaw === undefined) notes.push('no enforcementAction: Gatekeeper defaults to deny');
  return [
    {
      engine: 'ratify-gatekeeper',
      kind,
      name,
      mode: action === 'deny' ? 'enforce' : action === 'warn' ? 'warn' : 'audit',
      location: doc.keyLoc(root, 'kind'),
      ...(actionRaw !== undefined ? { modeLocation: { ...doc.keyLoc(spec, 'enforcementAction'), message: `enforcementAction: ${actionRaw}` } } : {}),
      patterns: [{ raw: '*', dialect: 'all', location: doc.keyLoc(root, 'kind') }],
      exemptions: [],
      trust: [],
      counted: ctx.counted,
      notes,
      objectRef: { kind, name },
    },
  ];
}

export function isPortierisPolicy(apiVersion: string, kind: string): boolean {
  return /^(portieris\.cloud\.ibm\.com|securityenforcement\.admission\.cloud\.ibm\.com)\//.test(apiVersion) && (kind === 'ImagePolicy' || kind === 'ClusterImagePolicy');
}

export function readPortieris(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? 'ImagePolicy';
  const name = metadataName(doc, root);
  const ruleSelection: NonNullable<Policy['ruleSelection']> = [];
  for (const repo of doc.items(doc.path(root, 'spec', 'repositories'))) {
    const pattern = doc.strAt(repo, 'name');
    if (!pattern) continue;
    const policy = doc.get(repo, 'policy');
    const auths: Authority[] = [];
    if (doc.strAt(policy, 'trust', 'enabled') === 'true') auths.push({ kind: 'opaque', scheme: 'dct', attestation: false, location: doc.loc(doc.get(policy, 'trust')), label: 'Docker Content Trust (Notary v1)' });
    for (const req of doc.items(doc.path(policy, 'simple', 'requirements'))) {
      if (doc.strAt(req, 'type') === 'signedBy') auths.push(keyAuthority(doc, req, `k8s://${doc.strAt(req, 'keySecret') ?? ''}`, 'simple', false, 'Red Hat simple signing key'));
    }
    ruleSelection.push({ pattern: { raw: pattern, dialect: 'portieris', location: doc.loc(repo) }, verifies: auths.length > 0, validator: auths.length > 0 ? auths.map((a) => a.label).join(' + ') : 'no verification', trust: auths.map((a) => [a]) });
  }
  // A policy none of whose repositories requires a signature (no simple or trust requirement) is an allow-list.
  const allowList = !ruleSelection.some((r) => r.verifies);
  return [
    {
      engine: 'portieris',
      kind,
      name,
      mode: 'enforce',
      location: doc.keyLoc(root, 'kind'),
      patterns: ruleSelection.filter((r) => r.verifies).map((r) => r.pattern),
      exemptions: [],
      trust: [],
      counted: ctx.counted && !allowList,
      ...(allowList ? { notCountedReason: 'an allow-list of repositories: no repository requires a signature (no simple or trust verification), so it verifies nothing' } : {}),
      notes: [...ctx.fileNotes, `Portieris ${kind} (${doc.strAt(root, 'apiVersion') ?? ''}); images matching no repository are denied`],
      ruleSelection,
      objectRef: { kind, name },
    },
  ];
}

export function isKubewardenPolicy(apiVersion: string, kind: string, text: string): boolean {
  return /^policies\.kubewarden\.io\//.test(apiVersion) && /AdmissionPolicy/.test(kind) && /verify-image-signatures/.test(text);
}

export function readKubewarden(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? 'ClusterAdmissionPolicy';
  const name = metadataName(doc, root);
  const spec = doc.get(root, 'spec');
  const modeRaw = doc.strAt(spec, 'mode');
  const mode = (modeRaw ?? 'protect').toLowerCase() === 'monitor' ? 'audit' : 'enforce';
  const notes = [...ctx.fileNotes, `module ${doc.strAt(spec, 'module') ?? ''}`];
  if (modeRaw === undefined) notes.push('no spec.mode: Kubewarden defaults to protect');
  const out: Policy[] = [];
  for (const sig of doc.items(doc.path(spec, 'settings', 'signatures'))) {
    const image = doc.strAt(sig, 'image');
    if (!image) continue;
    const auths: Authority[] = [];
    for (const k of doc.items(doc.get(sig, 'pubKeys'))) auths.push(keyAuthority(doc, k, doc.str(k), 'cosign', false, 'public key'));
    for (const k of doc.items(doc.get(sig, 'keyless'))) auths.push(keylessAuthority(doc, k, [{ ...(doc.strAt(k, 'issuer') ? { issuer: doc.strAt(k, 'issuer')! } : {}), ...(doc.strAt(k, 'subject') ? { subject: doc.strAt(k, 'subject')! } : {}) }], false, 'keyless identity'));
    for (const k of doc.items(doc.get(sig, 'keylessPrefix'))) auths.push(keylessAuthority(doc, k, [{ ...(doc.strAt(k, 'issuer') ? { issuer: doc.strAt(k, 'issuer')! } : {}), subject: `${doc.strAt(k, 'urlPrefix') ?? doc.strAt(k, 'subject') ?? ''}*`, subjectWildcards: true }], false, 'keyless identity prefix'));
    const gha = doc.get(sig, 'githubActions');
    if (gha) auths.push(keylessAuthority(doc, gha, [{ issuer: 'https://token.actions.githubusercontent.com', githubOwner: doc.strAt(gha, 'owner') ?? '', ...(doc.strAt(gha, 'repo') ? { githubRepo: doc.strAt(gha, 'repo')! } : {}) }], false, 'GitHub Actions identity'));
    const pattern: ImagePattern = { raw: image, dialect: 'kubewarden', location: doc.loc(sig) };
    out.push({
      engine: 'kubewarden',
      kind,
      name,
      mode,
      location: doc.keyLoc(root, 'kind'),
      ...(modeRaw !== undefined ? { modeLocation: { ...doc.keyLoc(spec, 'mode'), message: `mode: ${modeRaw}` } } : {}),
      patterns: [pattern],
      exemptions: [],
      trust: auths.length > 0 ? [auths] : [],
      counted: ctx.counted,
      notes,
      objectRef: { kind, name },
    });
  }
  return out;
}

/** Binary Authorization policy as `gcloud container binauthz policy export` writes it. */
export function isBinauthzPolicy(doc: Doc): boolean {
  return doc.get(doc.root, 'defaultAdmissionRule') !== null;
}

export function readBinauthzYaml(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const rule = doc.get(root, 'defaultAdmissionRule');
  const exemptions: ImagePattern[] = doc
    .items(doc.get(root, 'admissionWhitelistPatterns'))
    .map((p) => ({ raw: doc.strAt(p, 'namePattern') ?? '', dialect: 'binauthz' as const, location: doc.loc(p) }))
    .filter((p) => p.raw);
  const clusterRules = doc.entries(doc.get(root, 'clusterAdmissionRules')).length;
  return [
    binauthzPolicy({
      name: doc.strAt(root, 'name') ?? 'policy',
      location: doc.loc(rule),
      evaluationMode: doc.strAt(rule, 'evaluationMode'),
      evaluationLocation: doc.keyLoc(rule, 'evaluationMode'),
      enforcementMode: doc.strAt(rule, 'enforcementMode'),
      enforcementLocation: doc.keyLoc(rule, 'enforcementMode'),
      attestors: doc.strings(doc.get(rule, 'requireAttestationsBy')),
      exemptions,
      ctx,
      extraNotes: clusterRules > 0 ? [`${clusterRules} clusterAdmissionRules override the default rule for specific clusters; not evaluated`] : [],
      kind: 'Policy',
    }),
  ];
}

export interface BinauthzFields {
  name: string;
  kind: string;
  location: Policy['location'];
  evaluationMode: string | undefined;
  evaluationLocation: Policy['location'];
  enforcementMode: string | undefined;
  enforcementLocation: Policy['location'];
  attestors: string[];
  exemptions: ImagePattern[];
  ctx: ReaderContext;
  extraNotes: string[];
}

export function binauthzPolicy(f: BinauthzFields): Policy {
  const notes = [...f.ctx.fileNotes, ...f.extraNotes];
  const evaluation = (f.evaluationMode ?? 'ALWAYS_ALLOW').toUpperCase();
  const enforcement = (f.enforcementMode ?? '').toUpperCase();
  const mode = enforcement === 'ENFORCED_BLOCK_AND_AUDIT_LOG' ? 'enforce' : 'audit';
  if (enforcement !== 'ENFORCED_BLOCK_AND_AUDIT_LOG') notes.push(`enforcementMode ${f.enforcementMode ?? '(absent)'}: violations are only logged`);
  const trust: Authority[][] = [];
  if (evaluation === 'REQUIRE_ATTESTATION') {
    trust.push([{ kind: 'opaque', scheme: 'any', attestation: false, location: f.evaluationLocation, label: `attestors ${f.attestors.join(', ') || '(none listed)'}` }]);
    notes.push('Binary Authorization attestors live in Google Cloud; whether CI creates their attestations is not checked');
  }
  const policy: Policy = {
    engine: 'binary-authorization',
    kind: f.kind,
    name: f.name,
    mode,
    location: f.location,
    modeLocation: { ...f.enforcementLocation, message: `enforcementMode: ${f.enforcementMode ?? '(absent)'}` },
    patterns: [{ raw: '*', dialect: 'all', location: f.location }],
    exemptions: f.exemptions,
    trust,
    counted: f.ctx.counted,
    notes,
  };
  if (evaluation === 'ALWAYS_ALLOW') policy.advisoryReason = 'evaluationMode ALWAYS_ALLOW admits every image';
  if (evaluation === 'ALWAYS_DENY') trust.push([{ kind: 'static-fail', scheme: 'any', attestation: false, location: f.evaluationLocation, label: 'evaluationMode ALWAYS_DENY' }]);
  return policy;
}

const KNOWN_VERIFIERS: Array<[RegExp, string]> = [
  [/policy\.sigstore\.dev|policy-controller/i, 'sigstore-policy-controller'],
  [/kyverno/i, 'kyverno'],
  [/connaisseur/i, 'connaisseur'],
  [/gatekeeper/i, 'ratify-gatekeeper'],
  [/ratify/i, 'ratify-gatekeeper'],
  [/portieris/i, 'portieris'],
  [/kubewarden/i, 'kubewarden'],
];

export function engineOf(text: string): string | undefined {
  return KNOWN_VERIFIERS.find(([re]) => re.test(text))?.[1];
}

export function readWebhookConfiguration(doc: Doc, ctx: ReaderContext): Installation[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? '';
  const out: Installation[] = [];
  for (const hook of doc.items(doc.get(root, 'webhooks'))) {
    const ident = [metadataName(doc, root), doc.strAt(hook, 'name'), doc.strAt(hook, 'clientConfig', 'service', 'name'), doc.strAt(hook, 'clientConfig', 'service', 'namespace')].join(' ');
    const engine = engineOf(ident);
    if (!engine) continue;
    const fp = doc.strAt(hook, 'failurePolicy');
    out.push({
      engine,
      what: `${kind} ${metadataName(doc, root)} webhook ${doc.strAt(hook, 'name') ?? ''}`.trim(),
      location: doc.loc(hook),
      counted: ctx.counted,
      // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail.
      failurePolicy: fp === 'Ignore' ? 'Ignore' : 'Fail',
      ...(fp !== undefined ? { failurePolicyLocation: doc.keyLoc(hook, 'failurePolicy') } : {}),
    });
  }
  return out;
}

/** Flux HelmRelease / Argo CD Application installing a verifier chart. */
export function readEngineRelease(doc: Doc, ctx: ReaderContext): Installation[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? '';
  const spec = doc.get(root, 'spec');
  const chart = doc.strAt(spec, 'chart', 'spec', 'chart') ?? doc.strAt(spec, 'chart') ?? doc.strAt(spec, 'source', 'chart') ?? doc.strAt(spec, 'source', 'path') ?? doc.strAt(spec, 'source', 'repoURL') ?? '';
  const engine = engineOf(chart);
  if (!engine) return [];
  const fpValue = doc.path(spec, 'values', 'validatingWebhookFailurePolicy');
  const fp = doc.str(fpValue);
  return [
    {
      engine,
      what: `${kind} ${metadataName(doc, root)} installs chart ${chart}`,
      location: doc.keyLoc(root, 'kind'),
      counted: ctx.counted,
      ...(fp ? { failurePolicy: fp === 'Fail' ? ('Fail' as const) : ('Ignore' as const), failurePolicyLocation: doc.loc(fpValue) } : {}),
    },
  ];
}

export function readNamespace(doc: Doc, ctx: ReaderContext): NamespaceManifest[] {
  const root = doc.root;
  const labels = doc.path(root, 'metadata', 'labels');
  const include = doc.strAt(labels, 'policy.sigstore.dev/include');
  return [{ name: metadataName(doc, root), location: doc.keyLoc(root, 'kind'), counted: ctx.counted, ...(include !== undefined ? { include } : {}) }];
}

export function helmValuesGatekeeperFailurePolicy(doc: Doc, ctx: ReaderContext, what: string): Installation[] {
  const node: Node | null = doc.get(doc.root, 'validatingWebhookFailurePolicy');
  const fp = doc.str(node);
  if (!fp) return [];
  return [{ engine: 'ratify-gatekeeper', what, location: doc.loc(node), counted: ctx.counted, failurePolicy: fp === 'Fail' ? 'Fail' : 'Ignore', failurePolicyLocation: doc.loc(node) }];
}
