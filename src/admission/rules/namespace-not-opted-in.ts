import type { Finding } from '../../model/finding.js';
import { ruleById } from '../../rules/index.js';
import { finding, type AdmissionAssessment } from './common.js';

/** Namespaces of the platform itself: never where workloads run, so not worth a finding. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'cosign-system']);

/** With a counted Sigstore ClusterImagePolicy, every counted Namespace manifest should carry the opt-in label. */
export function checkNamespaceNotOptedIn(a: AdmissionAssessment): Finding[] {
  const cip = a.policies.find((p) => p.counted && p.engine === 'sigstore-policy-controller');
  if (!cip) return [];
  return a.namespaces
    .filter((n) => n.counted && n.include !== 'true' && !SYSTEM_NAMESPACES.has(n.name))
    .map((n) =>
      finding(
        'namespace-not-opted-in',
        ruleById('namespace-not-opted-in').severity,
        `Namespace ${n.name} ${n.include === undefined ? 'has no' : `sets policy.sigstore.dev/include: "${n.include}" instead of the`} policy.sigstore.dev/include: "true" label; policy-controller does not verify images of pods there.`,
        n.location,
        [{ ...cip.location, message: `ClusterImagePolicy ${cip.name}` }],
      ),
    );
}
