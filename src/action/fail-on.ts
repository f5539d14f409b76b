import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
import type { Report } from '../model/report.js';
import type { FailOn } from './inputs.js';

export interface FailDecision {
  fail: boolean;
  reason: string;
}

/**
 * Whether the step fails. `fail`: the verdict is fail. `error` / `warning`: the verdict is fail, or any
 * unsuppressed finding is at or above that severity (each level is stricter than the one before). `never`: never.
 */
export function decideFailure(report: Report, failOn: FailOn): FailDecision {
  if (failOn === 'never') return { fail: false, reason: 'fail-on is never' };
  if (report.verdict === 'fail') return { fail: true, reason: `verdict is fail: ${report.sentence}` };
  if (failOn === 'fail') return { fail: false, reason: `verdict is ${report.verdict}` };
  const threshold: Severity = failOn;
  const hits = report.findings.filter((f) => !f.suppressed && SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[threshold]);
  if (hits.length > 0) return { fail: true, reason: `${hits.length} unsuppressed finding${hits.length === 1 ? '' : 's'} at ${threshold} level or above (fail-on: ${failOn})` };
  return { fail: false, reason: `no unsuppressed finding at ${threshold} level or above` };
}
