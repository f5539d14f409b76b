import type { Finding } from '../../model/finding.js';
import { ruleById } from '../../rules/index.js';
import { describePolicy, finding, imageRelated, type AdmissionAssessment } from './common.js';

/** An enforcing policy matches the image but would reject it as CI signs it (and no other policy covers it). */
export function checkPolicyTrustMismatch(a: AdmissionAssessment): Finding[] {
  const out: Finding[] = [];
  for (const image of a.images) {
    const judged = a.judgements.get(image.name) ?? [];
    if (judged.some((j) => j.judgement.status === 'covered')) continue;
    for (const { policy, judgement } of judged) {
      if (judgement.status !== 'mismatch') continue;
      const reasons = judgement.mismatches.map((m) => m.reason);
      const related = [
        ...judgement.mismatches.filter((m) => m.authority).slice(0, 3).map((m) => ({ ...m.authority!.location, message: `policy expects: ${m.authority!.label}` })),
        ...imageRelated(image),
      ];
      out.push(finding('policy-trust-mismatch', ruleById('policy-trust-mismatch').severity, `${describePolicy(policy)} matches ${image.name} but would reject it as CI signs it: ${reasons.join('; ')}.`, policy.location, related, image.name));
    }
  }
  return out;
}
