import type { EnforcementReport, ImageReport, Report, Verdict } from '../model/report.js';

/**
 * The verdict and the auditor's sentence, derived from the images, the enforcement entries and the
 * unsuppressed findings. Pure, so the suppression stage can call it again after dropping findings.
 *
 * pass: every pushed image is signed and (when enforcement is required) covered by an enforcing policy,
 *       and no unsuppressed error-level finding from a verdict rule remains;
 * fail: anything less;
 * not-applicable: no image is pushed (and no required image is missing).
 */
export const VERDICT_RULES = new Set([
  'unsigned-image',
  'partially-signed-image',
  'keyless-without-id-token',
  'committed-private-key',
  'signing-key-not-secret',
  'not-inspected',
  'no-admission-enforcement',
  'enforcement-advisory-only',
  'image-not-covered',
  'policy-trust-mismatch',
  'required-image-missing',
  'input-bound-exceeded',
  'analysis-budget-exceeded',
]);

/** Error rules that fail the verdict even when no image is found: what they hide may be the push itself. */
const FAIL_WITHOUT_IMAGES = new Set(['required-image-missing', 'input-bound-exceeded', 'analysis-budget-exceeded']);

export function computeVerdict(report: Pick<Report, 'images' | 'findings'>): Verdict {
  const blocking = report.findings.some((f) => !f.suppressed && f.severity === 'error' && VERDICT_RULES.has(f.rule));
  if (report.images.length === 0) return blocking && report.findings.some((f) => !f.suppressed && f.severity === 'error' && FAIL_WITHOUT_IMAGES.has(f.rule)) ? 'fail' : 'not-applicable';
  if (blocking) return 'fail';
  return report.images.every((i) => i.signed) ? 'pass' : 'fail';
}

export function describeEnforcement(enforcement: EnforcementReport[]): string {
  const counted = enforcement.filter((e) => e.counted !== false);
  const enforcing = counted.filter((e) => e.mode === 'enforce');
  if (enforcing.length > 0) return enforcing.slice(0, 3).map(describePolicy).join(', ') + (enforcing.length > 3 ? ` and ${enforcing.length - 3} more` : '');
  if (counted.length > 0) return 'audit only: ' + counted.slice(0, 3).map(describePolicy).join(', ') + (counted.length > 3 ? ` and ${counted.length - 3} more` : '');
  return 'none found';
}

function describePolicy(e: EnforcementReport): string {
  return `${e.engine} ${e.kind}/${e.name} (${e.file}:${e.line})`;
}

export function composeSentence(images: ImageReport[], enforcement: EnforcementReport[]): string {
  const signed = images.filter((i) => i.signed).length;
  const noun = images.length === 1 ? 'image is' : 'images are';
  return `${signed} of ${images.length} ${noun} signed; verification enforced via ${describeEnforcement(enforcement)}.`;
}

/** Recomputes verdict and sentence in place-free style. */
export function finalizeReport(report: Report): Report {
  return { ...report, verdict: computeVerdict(report), sentence: composeSentence(report.images, report.enforcement) };
}
