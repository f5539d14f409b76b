import type { Node } from 'yaml';
import type { Doc } from '../documents.js';
import type { Authority, ImagePattern, Policy } from '../model.js';
import type { EnforcementMode } from '../../model/report.js';
import type { RelatedLocation } from '../../model/location.js';
import { identityFrom, keyAuthority, keylessAuthority, metadataName, type ReaderContext } from './context.js';

/**
 * Kyverno `ClusterPolicy` / `Policy` (kyverno.io) rules with `verifyImages`, and `ImageValidatingPolicy`
 * (policies.kyverno.io), the CEL-based successor.
 *
 * Mode: `spec.validationFailureAction` (Enforce/Audit, legacy lowercase spellings too; absent means Audit), with a
 * per-entry `verifyImages[].failureAction` winning. ImageValidatingPolicy: `spec.validationActions`, where only
 * Deny blocks. `spec.failurePolicy: Ignore` makes the webhook fail open.
 */

export function isKyvernoPolicy(apiVersion: string, kind: string): boolean {
  return /^kyverno\.io\//.test(apiVersion) && (kind === 'ClusterPolicy' || kind === 'Policy');
}

export function isImageValidatingPolicy(apiVersion: string, kind: string): boolean {
  return /^policies\.kyverno\.io\//.test(apiVersion) && /^(Namespaced)?ImageValidatingPolicy$/.test(kind);
}

function kyvernoMode(value: string | undefined): EnforcementMode | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'enforce' || v === 'deny' || v === 'block') return 'enforce';
  if (v === 'audit') return 'audit';
  return undefined;
}

export function readKyvernoPolicy(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? 'ClusterPolicy';
  const name = metadataName(doc, root);
  const spec = doc.get(root, 'spec');
  const specActionRaw = doc.strAt(spec, 'validationFailureAction');
  const specMode = kyvernoMode(specActionRaw);
  const failOpen = doc.strAt(spec, 'failurePolicy') === 'Ignore';
  const policies: Policy[] = [];
  for (const rule of doc.items(doc.get(spec, 'rules'))) {
    const verify = doc.get(rule, 'verifyImages');
    if (!verify) continue;
    const ruleName = doc.strAt(rule, 'name') ?? '(unnamed rule)';
    const entries = doc.items(verify);
    const modes = new Set(entries.map((e) => kyvernoMode(doc.strAt(e, 'failureAction')) ?? specMode ?? 'audit'));
    for (const entry of entries) {
      const entryAction = doc.strAt(entry, 'failureAction');
      const notes = [...ctx.fileNotes, `rule ${ruleName}`];
      let mode: EnforcementMode;
      let modeLocation: RelatedLocation | undefined;
      if (kyvernoMode(entryAction)) {
        mode = kyvernoMode(entryAction)!;
        modeLocation = { ...doc.keyLoc(entry, 'failureAction'), message: `failureAction: ${entryAction} (wins over the policy-wide setting)` };
      } else if (specMode) {
        mode = specMode;
        modeLocation = { ...doc.keyLoc(spec, 'validationFailureAction'), message: `validationFailureAction: ${specActionRaw}` };
      } else {
        mode = 'audit';
        if (specActionRaw !== undefined) notes.push(`validationFailureAction "${specActionRaw}" is not a value Kyverno enforces; read as Audit`);
        else notes.push('no validationFailureAction: Kyverno defaults to Audit');
      }
      const patterns = entryPatterns(doc, entry, 'imageReferences', 'image');
      const exemptions = entryPatterns(doc, entry, 'skipImageReferences');
      const type = doc.strAt(entry, 'type') ?? 'Cosign';
      const trust = entryTrust(doc, entry, type);
      if (doc.strAt(entry, 'required') === 'false') notes.push('required: false: images without a signature are admitted');
      const policy: Policy = {
        engine: 'kyverno',
        kind,
        name,
        mode,
        // One rule with entries of a single mode reports at its verifyImages line; mixed modes per entry.
        location: modes.size > 1 ? doc.loc(entry) : doc.keyLoc(rule, 'verifyImages'),
        ...(modeLocation ? { modeLocation } : {}),
        patterns,
        exemptions,
        trust,
        counted: ctx.counted,
        notes,
        objectRef: { kind, name },
      };
      if (doc.strAt(entry, 'required') === 'false') policy.advisoryReason = 'verifyImages entry has required: false';
      if (failOpen) policy.advisoryReason = 'spec.failurePolicy: Ignore lets pods through whenever the webhook fails';
      policies.push(policy);
    }
  }
  return policies;
}

function entryPatterns(doc: Doc, entry: Node, ...keys: string[]): ImagePattern[] {
  const out: ImagePattern[] = [];
  for (const key of keys) {
    const node = doc.get(entry, key);
    if (!node) continue;
    const scalar = doc.str(node);
    const nodes = scalar !== undefined ? [node] : doc.items(node);
    for (const n of nodes) {
      const raw = doc.str(n);
      if (raw) out.push({ raw, dialect: 'kyverno', location: doc.loc(n) });
    }
  }
  return out;
}

function entryTrust(doc: Doc, entry: Node, type: string): Authority[][] {
  const scheme = /notary/i.test(type) ? 'notation' : 'cosign';
  const bundle = /sigstorebundle/i.test(type);
  const groups: Authority[][] = [];
  const addSets = (sets: Node | null, attestation: boolean): void => {
    for (const set of doc.items(sets)) {
      const auths = doc.items(doc.get(set, 'entries')).flatMap((e) => attestorEntry(doc, e, scheme, attestation, bundle));
      if (auths.length === 0) continue;
      if (doc.strAt(set, 'count') !== undefined) groups.push(auths);
      else for (const a of auths) groups.push([a]);
    }
  };
  addSets(doc.get(entry, 'attestors'), false);
  // Legacy single-key and keyless fields on the entry itself (Kyverno < 1.7).
  const legacyKey = doc.strAt(entry, 'key');
  if (legacyKey) groups.push([{ ...keyAuthority(doc, doc.get(entry, 'key'), legacyKey, scheme, false, 'public key'), ...(bundle ? { bundle } : {}) }]);
  if (doc.strAt(entry, 'subject') || doc.strAt(entry, 'issuer')) groups.push([keylessAuthority(doc, entry, [identityFrom(doc, entry, true)], false, 'keyless identity')]);
  for (const att of doc.items(doc.get(entry, 'attestations'))) {
    const before = groups.length;
    addSets(doc.get(att, 'attestors'), true);
    if (groups.length === before) groups.push([{ kind: 'opaque', scheme, attestation: true, location: doc.loc(att), label: `attestation ${doc.strAt(att, 'type') ?? doc.strAt(att, 'predicateType') ?? ''}`.trim() }]);
  }
  return groups;
}

function attestorEntry(doc: Doc, e: Node, scheme: 'cosign' | 'notation', attestation: boolean, bundle: boolean): Authority[] {
  const out: Authority[] = [];
  const extra = bundle ? { bundle } : {};
  const keys = doc.get(e, 'keys');
  if (keys) {
    const pk = doc.strAt(keys, 'publicKeys');
    const kms = doc.strAt(keys, 'kms');
    const secret = doc.get(keys, 'secret');
    if (pk) out.push({ ...keyAuthority(doc, doc.get(keys, 'publicKeys'), pk, scheme, attestation, 'public key'), ...extra });
    else if (kms) out.push({ ...keyAuthority(doc, doc.get(keys, 'kms'), kms, scheme, attestation, 'KMS key'), ...extra });
    else if (secret) out.push({ ...keyAuthority(doc, secret, `k8s://${doc.strAt(secret, 'namespace') ?? ''}/${doc.strAt(secret, 'name') ?? ''}`, scheme, attestation, 'key from a Secret'), ...extra });
    else out.push({ ...keyAuthority(doc, keys, undefined, scheme, attestation, 'public key'), ...extra });
  }
  const keyless = doc.get(e, 'keyless');
  if (keyless) out.push({ ...keylessAuthority(doc, keyless, [identityFrom(doc, keyless, true)], attestation, 'keyless identity'), ...extra });
  const certs = doc.get(e, 'certificates');
  if (certs) {
    const cert = doc.strAt(certs, 'cert') ?? doc.strAt(certs, 'certChain');
    out.push({ ...keyAuthority(doc, certs, cert, scheme, attestation, 'certificate'), ...extra });
  }
  if (doc.get(e, 'attestor')) out.push({ kind: 'opaque', scheme, attestation, location: doc.loc(e), label: 'nested attestor' });
  return out;
}

export function readImageValidatingPolicy(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? 'ImageValidatingPolicy';
  const name = metadataName(doc, root);
  const spec = doc.get(root, 'spec');
  const actionsNode = doc.get(spec, 'validationActions');
  const actions = doc.strings(actionsNode).map((a) => a.toLowerCase());
  const notes = [...ctx.fileNotes];
  let mode: EnforcementMode;
  if (actions.includes('deny')) mode = 'enforce';
  else if (actions.includes('warn')) mode = 'warn';
  else {
    mode = 'audit';
    if (actions.length === 0) notes.push('no validationActions: nothing is denied');
  }
  const patterns: ImagePattern[] = [];
  for (const ref of doc.items(doc.get(spec, 'matchImageReferences'))) {
    const glob = doc.strAt(ref, 'glob');
    if (glob) patterns.push({ raw: glob, dialect: 'kyverno', location: doc.loc(ref) });
    else if (doc.strAt(ref, 'expression')) notes.push(`image match by CEL expression not evaluated: ${doc.strAt(ref, 'expression')}`);
  }
  const attestors = new Map<string, Node>();
  for (const a of doc.items(doc.get(spec, 'attestors'))) attestors.set(doc.strAt(a, 'name') ?? '', a);
  const expressions = doc
    .items(doc.get(spec, 'validations'))
    .map((v) => doc.strAt(v, 'expression') ?? '')
    .join('\n');
  const trust: Authority[][] = [];
  const named = (call: string): Node[] => {
    const used: Node[] = [];
    for (const m of expressions.matchAll(new RegExp(`${call}\\([^)]*`, 'g'))) {
      for (const [n, node] of attestors) if (m[0].includes(`attestors.${n}`) && !used.includes(node)) used.push(node);
    }
    return used;
  };
  const sig = named('verifyImageSignatures');
  const att = named('verifyAttestationSignatures');
  for (const [list, attestation] of [[sig, false], [att, true]] as const) {
    const group = list.flatMap((a) => ivpAttestor(doc, a, attestation));
    if (group.length > 0) trust.push(group);
  }
  if (trust.length === 0 && attestors.size > 0) notes.push('attestors are not referenced by verifyImageSignatures/verifyAttestationSignatures in a way that was read; trust not checked');
  const policy: Policy = {
    engine: 'kyverno',
    kind,
    name,
    mode,
    location: doc.keyLoc(root, 'kind'),
    ...(actionsNode ? { modeLocation: { ...doc.keyLoc(spec, 'validationActions'), message: `validationActions: [${actions.join(', ')}]` } } : {}),
    patterns,
    exemptions: [],
    trust,
    counted: ctx.counted,
    notes,
    objectRef: { kind, name },
  };
  if (doc.strAt(spec, 'failurePolicy') === 'Ignore') policy.advisoryReason = 'spec.failurePolicy: Ignore lets pods through whenever the webhook fails';
  return [policy];
}

function ivpAttestor(doc: Doc, a: Node, attestation: boolean): Authority[] {
  const cosign = doc.get(a, 'cosign');
  const notary = doc.get(a, 'notary');
  const out: Authority[] = [];
  if (cosign) {
    const key = doc.get(cosign, 'key');
    if (key) {
      const data = doc.strAt(key, 'data') ?? doc.strAt(key, 'kms') ?? (doc.get(key, 'secretRef') ? `k8s://${doc.strAt(key, 'secretRef', 'namespace') ?? ''}/${doc.strAt(key, 'secretRef', 'name') ?? ''}` : undefined);
      out.push(keyAuthority(doc, key, data, 'cosign', attestation, 'public key'));
    }
    const keyless = doc.get(cosign, 'keyless');
    if (keyless) out.push(keylessAuthority(doc, keyless, doc.items(doc.get(keyless, 'identities')).map((i) => identityFrom(doc, i, false)), attestation, 'keyless identity'));
    if (!key && !keyless) out.push({ kind: 'opaque', scheme: 'cosign', attestation, location: doc.loc(cosign), label: 'cosign attestor' });
  }
  if (notary) {
    const certs = doc.strAt(notary, 'certs', 'value');
    out.push(keyAuthority(doc, notary, certs, 'notation', attestation, 'Notary certificate'));
  }
  return out;
}
