import type { Finding } from '../../model/finding.js';
import { ruleById } from '../../rules/index.js';
import { describePolicy, finding, isEnforcing, type AdmissionAssessment } from './common.js';

/** Every counted enforcing policy whose webhook admits everything when it cannot answer (Gatekeeper's default). */
export function checkWebhookFailsOpen(a: AdmissionAssessment): Finding[] {
  return a.policies
    .filter((p) => isEnforcing(p) && p.failsOpen)
    .map((p) =>
      finding(
        'webhook-fails-open',
        ruleById('webhook-fails-open').severity,
        `${describePolicy(p)} denies unverified images while the webhook answers, but admits every image when it does not: ${p.failsOpen}.`,
        p.location,
        p.modeLocation ? [p.modeLocation] : [],
      ),
    );
}
