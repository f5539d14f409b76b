import type { EnforcementReport, ImageReport, Report, Verdict } from '../model/report.js';

/**
 * The verdict and the auditor's sentence, derived from the images, the enforcement entries and the
 * unsuppressed findings. Pure, so the suppression stage can call it again after dropping findings.
 *
 * pass: every pushed image is signed and (when enforcement is required) covered by an enforcing policy,
 *       and no unsuppressed error-level finding from a verdict rule remains;
 * fail: anything less;
 * not-applicable: no image is pushed (and no required image is missing, and no push of a name computed at run time).
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
  // Online confirmation (src/online/): the registry contradicts the static answer, or (under `required`) could not be asked.
  'signature-not-in-registry',
  'signature-identity-mismatch',
  'online-check-failed',
]);

/** Error rules that fail the verdict even when no image is found: what they hide may be the push itself. */
const FAIL_WITHOUT_IMAGES = new Set(['required-image-missing', 'input-bound-exceeded', 'analysis-budget-exceeded']);

export function computeVerdict(report: Pick<Report, 'images' | 'findings'>): Verdict {
  const blocking = report.findings.some((f) => !f.suppressed && f.severity === 'error' && VERDICT_RULES.has(f.rule));
  if (report.images.length === 0) {
    if (blocking && report.findings.some((f) => !f.suppressed && f.severity === 'error' && FAIL_WITHOUT_IMAGES.has(f.rule))) return 'fail';
    // Something is pushed, under a name computed at run time: "nothing pushed" would be confidently wrong, and
    // whether it is signed is not judged. Suppressing the finding (with a reason) accepts it.
    return unresolvedPushes(report) > 0 ? 'fail' : 'not-applicable';
  }
  if (blocking) return 'fail';
  const accepted = acceptedUnsigned(report);
  return report.images.every((i) => i.signed || accepted.has(i.name)) ? 'pass' : 'fail';
}

/** The rules that say an image is pushed unsigned (on every path, or on some). */
export const UNSIGNED_RULES = new Set(['unsigned-image', 'partially-signed-image']);

/**
 * Unsigned images whose unsigned findings are all suppressed (config or inline, with a reason): the user accepted
 * them, so they no longer fail the verdict. The image is still unsigned — the sentence, the `signed` output and
 * the images table say so. An unsigned image with no unsigned finding at all is never accepted (fail closed).
 */
export function acceptedUnsigned(report: Pick<Report, 'images' | 'findings'>): Set<string> {
  const suppressed = new Set<string>();
  const open = new Set<string>();
  for (const f of report.findings) {
    if (!UNSIGNED_RULES.has(f.rule) || f.image === undefined) continue;
    (f.suppressed ? suppressed : open).add(f.image);
  }
  const out = new Set<string>();
  for (const i of report.images) if (!i.signed && suppressed.has(i.name) && !open.has(i.name)) out.add(i.name);
  return out;
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

/**
 * `X of Y images are signed; verification enforced via Z.` An unsigned image accepted by a suppression is still
 * counted as unsigned, and the sentence says how many of those there are: `1 of 2 images are signed (1 unsigned,
 * suppressed); …`, so a passing verdict never reads as if every image were signed.
 */
/** Unsuppressed pushes whose names are computed at run time (not counted as images). */
function unresolvedPushes(report: Pick<Report, 'findings'>): number {
  return report.findings.filter((f) => !f.suppressed && f.rule === 'unresolved-push').length;
}

export function composeSentence(images: ImageReport[], enforcement: EnforcementReport[], acceptedUnsignedCount = 0, unresolvedCount = 0): string {
  const signed = images.filter((i) => i.signed).length;
  const noun = images.length === 1 ? 'image is' : 'images are';
  const notes: string[] = [];
  if (acceptedUnsignedCount > 0) notes.push(`${acceptedUnsignedCount} unsigned, suppressed`);
  if (unresolvedCount > 0) notes.push(`${unresolvedCount} more ${unresolvedCount === 1 ? 'push' : 'pushes'} of a name computed at run time, not judged`);
  // With confirm-online: how many of the signed images the registry confirmed (a verified signature of today's digest).
  if (images.some((i) => i.online)) notes.push(`${images.filter((i) => i.signed && i.online?.status === 'confirmed').length} confirmed in the registry`);
  const accepted = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return `${signed} of ${images.length} ${noun} signed${accepted}; verification enforced via ${describeEnforcement(enforcement)}.`;
}

/** Recomputes verdict and sentence in place-free style. */
export function finalizeReport(report: Report): Report {
  return { ...report, verdict: computeVerdict(report), sentence: composeSentence(report.images, report.enforcement, acceptedUnsigned(report).size, unresolvedPushes(report)) };
}
