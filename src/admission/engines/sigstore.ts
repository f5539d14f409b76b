import type { Node } from 'yaml';
import type { Doc } from '../documents.js';
import type { Authority, ImagePattern, Policy } from '../model.js';
import { identityFrom, keyAuthority, keylessAuthority, metadataName, type ReaderContext } from './context.js';

/**
 * Sigstore policy-controller `ClusterImagePolicy` (policy.sigstore.dev v1alpha1/v1beta1). Portieris and OpenShift
 * use the same kind name under other API groups; only this group is read here.
 *
 * Mode: `spec.mode` enforce (the default) or warn. Authorities are alternatives (any one admits the image); an
 * authority with `attestations` checks those attestations instead of the image signature; `static: {action: pass}`
 * verifies nothing; `signatureFormat` defaults to legacy.
 */

export function isSigstoreClusterImagePolicy(apiVersion: string, kind: string): boolean {
  return /^policy\.sigstore\.dev\//.test(apiVersion) && kind === 'ClusterImagePolicy';
}

export function readSigstorePolicy(doc: Doc, ctx: ReaderContext): Policy[] {
  const root = doc.root;
  const name = metadataName(doc, root);
  const spec = doc.get(root, 'spec');
  const notes = [...ctx.fileNotes];
  const modeRaw = doc.strAt(spec, 'mode');
  const mode = modeRaw === undefined || modeRaw.toLowerCase() === 'enforce' ? 'enforce' : 'warn';
  if (modeRaw === undefined) notes.push('no spec.mode: policy-controller enforces by default');
  else if (!['enforce', 'warn'].includes(modeRaw.toLowerCase())) notes.push(`spec.mode "${modeRaw}" is not enforce; read as warn`);
  const patterns: ImagePattern[] = [];
  for (const img of doc.items(doc.get(spec, 'images'))) {
    const glob = doc.strAt(img, 'glob');
    if (glob) patterns.push({ raw: glob, dialect: 'sigstore', location: doc.loc(img) });
    else if (doc.strAt(img, 'regex')) notes.push(`image regex ${doc.strAt(img, 'regex')} not evaluated`);
  }
  const authorities = doc.items(doc.get(spec, 'authorities')).flatMap((a) => readAuthority(doc, a));
  if (doc.get(spec, 'policy')) notes.push('spec.policy (CUE/Rego over verified attestations) is not evaluated');
  const policy: Policy = {
    engine: 'sigstore-policy-controller',
    kind: 'ClusterImagePolicy',
    name,
    mode,
    location: doc.keyLoc(root, 'kind'),
    ...(modeRaw !== undefined ? { modeLocation: { ...doc.keyLoc(spec, 'mode'), message: `mode: ${modeRaw}` } } : {}),
    patterns,
    exemptions: [],
    trust: authorities.length > 0 ? [authorities] : [],
    counted: ctx.counted,
    notes,
    objectRef: { kind: 'ClusterImagePolicy', name },
  };
  if (authorities.some((a) => a.kind === 'static-pass')) policy.advisoryReason = 'a static pass authority admits every matching image without verifying anything';
  return [policy];
}

function readAuthority(doc: Doc, a: Node): Authority[] {
  const attestation = doc.items(doc.get(a, 'attestations')).length > 0;
  const fmt = doc.strAt(a, 'signatureFormat');
  const signatureFormat = fmt?.toLowerCase() === 'bundle' ? 'bundle' : 'legacy';
  const label = doc.strAt(a, 'name');
  const withFormat = (x: Authority): Authority => ({ ...x, signatureFormat });
  const stat = doc.get(a, 'static');
  if (stat) {
    const action = (doc.strAt(stat, 'action') ?? '').toLowerCase();
    return [{ kind: action === 'pass' ? 'static-pass' : 'static-fail', scheme: 'any', attestation: false, location: doc.loc(stat), label: `static ${action || 'fail'} authority` }];
  }
  const key = doc.get(a, 'key');
  if (key) {
    const data = doc.strAt(key, 'data');
    const ref = data ?? doc.strAt(key, 'kms') ?? (doc.get(key, 'secretRef') ? `k8s://${doc.strAt(key, 'secretRef', 'name') ?? ''}` : undefined);
    return [withFormat(keyAuthority(doc, key, ref, 'cosign', attestation, label ? `key authority ${label}` : 'key authority'))];
  }
  const keyless = doc.get(a, 'keyless');
  if (keyless) {
    const ids = doc.items(doc.get(keyless, 'identities')).map((i) => identityFrom(doc, i, false));
    return [withFormat(keylessAuthority(doc, keyless, ids, attestation, label ? `keyless authority ${label}` : 'keyless authority'))];
  }
  return [{ kind: 'opaque', scheme: 'cosign', attestation, location: doc.loc(a), label: label ?? 'authority', signatureFormat }];
}
