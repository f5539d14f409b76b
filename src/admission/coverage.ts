import type { SignedImageInfo } from '../model/analysis.js';
import type { AnalysisBudget } from '../util/budget.js';
import type { Authority, ImagePattern, Policy } from './model.js';
import { matchImage, patternSpecificity } from './patterns.js';
import { evaluateAuthority, type TrustContext, type TrustResult } from './trust.js';

/**
 * Whether one policy admits one pushed image as CI really signs it: its patterns match the name (and no
 * exemption does), and its trust is consistent with the signatures CI makes.
 */

export interface CoverageJudgement {
  matched: boolean;
  status: 'covered' | 'mismatch' | 'not-matched';
  notes: string[];
  /** Mismatch reasons with the authority they concern. */
  mismatches: Array<{ reason: string; authority?: Authority }>;
  /** The pattern that matched. */
  pattern?: ImagePattern;
}

/**
 * The pattern of `policy` that selects `name`. A pattern that cannot be evaluated never selects (it does not count
 * as covering); an exemption that cannot be evaluated exempts (the image is not shown to be verified), and so does
 * a rule that cannot be evaluated where the most specific rule wins and it might be that rule.
 */
function selectPattern(policy: Policy, name: string, budget: AnalysisBudget | undefined): { pattern?: ImagePattern; trust: Authority[][]; notes: string[] } {
  const notes: string[] = [];
  if (policy.ruleSelection) {
    let best: (typeof policy.ruleSelection)[number] | undefined;
    let bestNote: string | undefined;
    let undecided: { raw: string; reason: string } | undefined;
    for (const rule of policy.ruleSelection) {
      const m = matchImage(rule.pattern, name, budget);
      if (m.unusable && (!undecided || patternSpecificity(rule.pattern.raw) > patternSpecificity(undecided.raw))) undecided = { raw: rule.pattern.raw, reason: m.unusable };
      if (!m.matches) continue;
      if (!best || patternSpecificity(rule.pattern.raw) > patternSpecificity(best.pattern.raw)) {
        best = rule;
        bestNote = m.note;
      }
    }
    if (undecided && (!best || patternSpecificity(undecided.raw) > patternSpecificity(best.pattern.raw))) {
      notes.push(`the rule ${shorten(undecided.raw)} might be the most specific for ${name} but could not be compared (${undecided.reason}); ${name} is not counted as verified by it`);
      return { trust: [], notes };
    }
    if (!best) return { trust: [], notes };
    if (bestNote) notes.push(bestNote);
    if (!best.verifies) {
      notes.push(`the most specific rule for ${name} is ${best.pattern.raw} with validator ${best.validator}, which verifies no signature`);
      return { trust: [], notes };
    }
    return { pattern: best.pattern, trust: best.trust, notes };
  }
  for (const ex of policy.exemptions) {
    const m = matchImage(ex, name, budget);
    if (m.matches) {
      notes.push(`${name} is exempted by ${ex.raw} (${ex.location.file}:${ex.location.line})`);
      return { trust: [], notes };
    }
    if (m.unusable) {
      notes.push(`the exemption ${shorten(ex.raw)} (${ex.location.file}:${ex.location.line}) could not be compared (${m.unusable}); ${name} is treated as exempted`);
      return { trust: [], notes };
    }
  }
  for (const p of policy.patterns) {
    const m = matchImage(p, name, budget);
    if (m.matches) {
      if (m.note) notes.push(m.note);
      return { pattern: p, trust: policy.trust, notes };
    }
  }
  return { trust: [], notes };
}

export function judgeCoverage(policy: Policy, image: SignedImageInfo, ctx: TrustContext): CoverageJudgement {
  const sel = selectPattern(policy, image.name, ctx.budget);
  if (!sel.pattern) return { matched: false, status: 'not-matched', notes: sel.notes, mismatches: [] };
  const base = { matched: true, notes: sel.notes, pattern: sel.pattern };
  if (!image.signed || image.signatures.length === 0) {
    return { ...base, status: 'covered', notes: [...sel.notes, `${image.name} is not signed in CI: this policy would reject it`], mismatches: [] };
  }
  if (sel.trust.length === 0) return { ...base, status: 'covered', notes: [...sel.notes, 'trust not modelled for this policy; not compared with CI'], mismatches: [] };
  const mismatches: CoverageJudgement['mismatches'] = [];
  const notes = [...sel.notes];
  for (const group of sel.trust) {
    const results: Array<{ auth: Authority; r: TrustResult }> = [];
    for (const auth of group) for (const ev of image.signatures) results.push({ auth, r: evaluateAuthority(auth, ev, ctx) });
    if (results.some((x) => x.r.status === 'ok')) continue;
    const unchecked = results.find((x) => x.r.status === 'unchecked');
    if (unchecked) {
      if (unchecked.r.reason && !notes.includes(unchecked.r.reason)) notes.push(unchecked.r.reason);
      continue;
    }
    const seen = new Set<string>();
    for (const x of results) {
      if (x.r.reason && !seen.has(x.r.reason)) {
        seen.add(x.r.reason);
        mismatches.push({ reason: x.r.reason, authority: x.auth });
      }
    }
  }
  return { ...base, notes, status: mismatches.length > 0 ? 'mismatch' : 'covered', mismatches };
}

/** A pattern as quoted in a note: hostile ones can be very long. */
export function shorten(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 60)}… (${raw.length} characters)` : raw;
}
