import type { SignedImageInfo } from '../model/analysis.js';
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

function selectPattern(policy: Policy, name: string): { pattern?: ImagePattern; trust: Authority[][]; notes: string[] } {
  const notes: string[] = [];
  if (policy.ruleSelection) {
    let best: (typeof policy.ruleSelection)[number] | undefined;
    let bestNote: string | undefined;
    for (const rule of policy.ruleSelection) {
      const m = matchImage(rule.pattern, name);
      if (!m.matches) continue;
      if (!best || patternSpecificity(rule.pattern.raw) > patternSpecificity(best.pattern.raw)) {
        best = rule;
        bestNote = m.note;
      }
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
    if (matchImage(ex, name).matches) {
      notes.push(`${name} is exempted by ${ex.raw} (${ex.location.file}:${ex.location.line})`);
      return { trust: [], notes };
    }
  }
  for (const p of policy.patterns) {
    const m = matchImage(p, name);
    if (m.matches) {
      if (m.note) notes.push(m.note);
      return { pattern: p, trust: policy.trust, notes };
    }
  }
  return { trust: [], notes };
}

export function judgeCoverage(policy: Policy, image: SignedImageInfo, ctx: TrustContext): CoverageJudgement {
  const sel = selectPattern(policy, image.name);
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
