import type { Finding } from '../model/finding.js';
import { ruleFinding } from '../model/rule-finding.js';
import { describeHit, type AnalysisBudget } from '../util/budget.js';

/**
 * Every budget hit is a `limits` line and an `analysis-budget-exceeded` error at the place the work stopped:
 * what was not analysed may push or sign, so the check fails closed (like input-bound-exceeded for files).
 * A hit without a place (the deadline passed between files) is reported at `.github/workflows`, where the
 * pipelines it kept from being read live.
 */
export function budgetFindings(budget: AnalysisBudget): { findings: Finding[]; limits: string[] } {
  const findings: Finding[] = [];
  const limits: string[] = [];
  for (const hit of budget.hits()) {
    const text = describeHit(hit, budget.limits);
    limits.push(text);
    findings.push(ruleFinding('analysis-budget-exceeded', `${capitalize(text)}. What was not analysed may push or sign images, so the check fails closed.`, hit.location ?? { file: '.github/workflows', line: 1 }));
  }
  if (budget.droppedHits > 0) limits.push(`${budget.droppedHits} more analysis budget hits not listed`);
  return { findings, limits };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
