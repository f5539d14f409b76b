import type { Node } from 'yaml';
import type { Doc } from '../documents.js';
import type { Authority, Policy, SignatureScheme } from '../model.js';
import type { RelatedLocation } from '../../model/location.js';
import { identityFrom, keyAuthority, keylessAuthority, type ReaderContext } from './context.js';

/**
 * Connaisseur configuration, from its Helm values (chart values.yaml, a values override, or a Flux HelmRelease's
 * `spec.values`): `application.validators` + `application.policy` (v3 layout) or top-level `validators` +
 * `policy` (v2 layout). The most specific matching policy pattern picks the validator; a `static` validator
 * verifies nothing. `detectionMode: true` only warns; the webhook's `failurePolicy: Ignore` fails open.
 */

const SCHEMES: Record<string, SignatureScheme> = { notaryv1: 'dct', notaryv2: 'notation', notation: 'notation', cosign: 'cosign', sigstore: 'cosign' };

/** The map that holds `validators` and `policy`, when the document is a Connaisseur configuration. */
export function connaisseurConfigRoot(doc: Doc, values: Node | null): Node | null {
  for (const candidate of [doc.get(values, 'application'), values]) {
    if (!candidate) continue;
    const validators = doc.items(doc.get(candidate, 'validators'));
    const policy = doc.items(doc.get(candidate, 'policy'));
    if (validators.length > 0 && policy.length > 0 && policy.some((r) => doc.strAt(r, 'pattern') !== undefined)) return candidate;
  }
  return null;
}

export function readConnaisseur(doc: Doc, values: Node, app: Node, ctx: ReaderContext): Policy[] {
  const notes = [...ctx.fileNotes];
  const validators = new Map<string, Node>();
  for (const v of doc.items(doc.get(app, 'validators'))) validators.set(doc.strAt(v, 'name') ?? '', v);
  const detectionNode = doc.path(app, 'features', 'detectionMode') ?? doc.get(app, 'detectionMode') ?? doc.get(values, 'detectionMode');
  const detection = doc.str(detectionNode) === 'true';
  let modeLocation: RelatedLocation | undefined = detectionNode ? { ...doc.loc(detectionNode), message: `detectionMode: ${doc.str(detectionNode)}` } : undefined;
  const failureNode = doc.path(values, 'kubernetes', 'webhook', 'failurePolicy') ?? doc.path(values, 'deployment', 'failurePolicy');
  const failOpen = doc.str(failureNode) === 'Ignore';
  const ruleSelection: NonNullable<Policy['ruleSelection']> = [];
  for (const rule of doc.items(doc.get(app, 'policy'))) {
    const pattern = doc.strAt(rule, 'pattern');
    if (!pattern) continue;
    const validatorName = doc.strAt(rule, 'validator') ?? 'default';
    const validator = validators.get(validatorName);
    const type = (doc.strAt(validator, 'type') ?? 'unknown').toLowerCase();
    const verifies = validator !== undefined && type !== 'static';
    const trustRoot = doc.strAt(rule, 'with', 'trustRoot') ?? doc.strAt(rule, 'with', 'trust_root');
    const auths = verifies ? validatorAuthorities(doc, validator, type, trustRoot) : [];
    ruleSelection.push({
      pattern: { raw: pattern, dialect: 'connaisseur', location: doc.loc(rule) },
      verifies,
      validator: validator ? `${validatorName} (${type}${type === 'static' ? `, approve: ${doc.strAt(validator, 'approve') ?? 'false'}` : ''})` : `${validatorName} (not defined)`,
      trust: auths.length > 0 ? [auths] : [],
    });
  }
  if (detection) notes.push('detectionMode: true: failed verifications are admitted with a warning');
  if (failOpen) notes.push('webhook failurePolicy: Ignore: requests are admitted when Connaisseur is unavailable');
  if (failureNode && !failOpen) notes.push(`webhook failurePolicy: ${doc.str(failureNode)}`);
  if (!modeLocation && failureNode) modeLocation = { ...doc.loc(failureNode), message: `failurePolicy: ${doc.str(failureNode)}` };
  const policy: Policy = {
    engine: 'connaisseur',
    kind: 'Configuration',
    name: 'connaisseur',
    mode: detection ? 'warn' : 'enforce',
    location: doc.keyLoc(app, 'policy'),
    ...(modeLocation ? { modeLocation } : {}),
    patterns: ruleSelection.filter((r) => r.verifies).map((r) => r.pattern),
    exemptions: [],
    trust: [],
    counted: ctx.counted,
    notes,
    ruleSelection,
  };
  if (failOpen) policy.advisoryReason = 'the Connaisseur webhook has failurePolicy: Ignore';
  return [policy];
}

function validatorAuthorities(doc: Doc, validator: Node, type: string, trustRoot: string | undefined): Authority[] {
  const scheme = SCHEMES[type] ?? 'any';
  const roots = doc.items(doc.get(validator, 'trustRoots') ?? doc.get(validator, 'trust_roots'));
  const selected = trustRoot && trustRoot !== '*' ? roots.filter((r) => doc.strAt(r, 'name') === trustRoot) : trustRoot === '*' ? roots : roots.filter((r) => doc.strAt(r, 'name') === 'default').concat(roots.length === 1 ? roots : []);
  const out: Authority[] = [];
  for (const r of selected.length > 0 ? selected : roots) {
    const key = doc.strAt(r, 'key') ?? doc.strAt(r, 'cert');
    const keyless = doc.get(r, 'keyless');
    if (keyless) out.push(keylessAuthority(doc, keyless, [identityFrom(doc, keyless, false)], false, `trust root ${doc.strAt(r, 'name') ?? ''}`.trim()));
    else out.push(keyAuthority(doc, r, key, scheme, false, `trust root ${doc.strAt(r, 'name') ?? ''}`.trim()));
  }
  if (out.length === 0) out.push({ kind: 'opaque', scheme, attestation: false, location: doc.loc(validator), label: `validator ${doc.strAt(validator, 'name') ?? ''}` });
  return out;
}
