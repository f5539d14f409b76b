import type { Finding } from '../../model/finding.js';
import { enforcementSeverity, finding, type AdmissionAssessment } from './common.js';

/** No counted policy of any engine, while CI pushes images: one finding at the first push. */
export function checkNoAdmissionEnforcement(a: AdmissionAssessment): Finding[] {
  if (a.images.length === 0 || a.policies.some((p) => p.counted)) return [];
  const first = a.images.find((i) => i.pushes.length > 0);
  if (!first) return [];
  const installed = a.installations.filter((i) => i.counted);
  const listed = a.policies.filter((p) => !p.counted);
  const message =
    `No admission policy in the repository verifies image signatures; ${a.images.length} pushed image${a.images.length === 1 ? ' is' : 's are'} admitted unverified.` +
    (installed.length > 0 ? ` ${[...new Set(installed.map((i) => i.engine))].join(', ')} is installed but has no signature policy, so it enforces nothing.` : '') +
    (listed.length > 0 ? ` ${listed.length} example or non-counted polic${listed.length === 1 ? 'y was' : 'ies were'} seen.` : '');
  const related = [
    ...installed.slice(0, 5).map((i) => ({ ...i.location, message: `${i.what} (no policy)` })),
    ...listed.slice(0, 5).map((p) => ({ ...p.location, message: `${p.engine} ${p.kind}/${p.name}: not counted` })),
  ];
  return [finding('no-admission-enforcement', enforcementSeverity('no-admission-enforcement', a), message, first.pushes[0]!, related, first.name)];
}
