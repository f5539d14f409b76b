import type { Finding } from '../../model/finding.js';
import { describePolicy, enforcementSeverity, finding, type AdmissionAssessment } from './common.js';

/** Every counted policy that only audits, warns, runs dry, fails open or passes statically. */
export function checkEnforcementAdvisoryOnly(a: AdmissionAssessment): Finding[] {
  const out: Finding[] = [];
  for (const p of a.policies) {
    if (!p.counted || (p.mode === 'enforce' && !p.advisoryReason)) continue;
    const why = p.advisoryReason ?? `mode ${p.mode}`;
    const related = p.modeLocation ? [p.modeLocation] : [];
    out.push(finding('enforcement-advisory-only', enforcementSeverity('enforcement-advisory-only', a), `${describePolicy(p)} does not block unverified images: ${why}.`, p.location, related));
  }
  return out;
}
