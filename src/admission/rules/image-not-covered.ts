import type { Finding } from '../../model/finding.js';
import { describePolicy, enforcementSeverity, finding, imageRelated, isEnforcing, type AdmissionAssessment } from './common.js';
import { matchImage } from '../patterns.js';

/**
 * A pushed image that no counted enforcing policy covers, in a repository that has counted policies (without
 * any, no-admission-enforcement says it once). An image left uncovered only by a trust mismatch gets
 * policy-trust-mismatch instead.
 */
export function checkImageNotCovered(a: AdmissionAssessment): Finding[] {
  if (!a.policies.some((p) => p.counted)) return [];
  const out: Finding[] = [];
  for (const image of a.images) {
    const judged = a.judgements.get(image.name) ?? [];
    if (judged.some((j) => j.judgement.status === 'covered')) continue;
    if (judged.some((j) => j.judgement.status === 'mismatch')) continue;
    const advisory = a.policies.filter((p) => p.counted && !isEnforcing(p) && p.patterns.some((pat) => matchImage(pat, image.name, a.budget).matches));
    const location = image.pushes[0];
    if (!location) continue;
    const message =
      advisory.length > 0
        ? `${image.name} is matched only by advisory policies (${advisory.map(describePolicy).join(', ')}); no enforcing policy verifies it.`
        : `No enforcing admission policy matches ${image.name}; it is admitted unverified.`;
    out.push(finding('image-not-covered', enforcementSeverity('image-not-covered', a), message, location, [...imageRelated(image), ...advisory.slice(0, 3).map((p) => ({ ...p.location, message: `advisory: ${p.engine} ${p.kind}/${p.name}` }))], image.name));
  }
  return out;
}
