import type { SignedImageInfo } from '../../model/analysis.js';
import { ruleFinding } from '../../model/rule-finding.js';
import type { Finding, Severity } from '../../model/finding.js';
import type { RelatedLocation } from '../../model/location.js';
import { ruleById } from '../../rules/index.js';
import type { CoverageJudgement } from '../coverage.js';
import type { Installation, NamespaceManifest, Policy } from '../model.js';
import type { AnalysisBudget } from '../../util/budget.js';

/** Everything the admission rules judge, computed once by the admission stage. */
export interface AdmissionAssessment {
  images: SignedImageInfo[];
  /** Policies as they act: advisory ones already in audit/warn. */
  policies: Policy[];
  installations: Installation[];
  namespaces: NamespaceManifest[];
  /** Per image name: the judgement of every counted enforcing policy whose patterns match it. */
  judgements: Map<string, Array<{ policy: Policy; judgement: CoverageJudgement }>>;
  requireEnforcement: boolean;
  /** The run's analysis budget, for pattern matching. */
  budget?: AnalysisBudget;
}

export function describePolicy(p: Policy): string {
  return `${p.engine} ${p.kind}/${p.name} (${p.location.file}:${p.location.line})`;
}

export function isEnforcing(p: Policy): boolean {
  return p.counted && p.mode === 'enforce' && !p.advisoryReason;
}

/** The missing-enforcement rules become notes when the user does not require enforcement. */
export function enforcementSeverity(ruleId: string, a: AdmissionAssessment): Severity {
  return a.requireEnforcement ? ruleById(ruleId).severity : 'note';
}

export function imageRelated(image: SignedImageInfo): RelatedLocation[] {
  return [
    ...image.pushes.slice(0, 3).map((l) => ({ ...l, message: `${image.name} pushed here` })),
    ...image.signatures.slice(0, 3).map((s) => ({ ...s.location, message: `${image.name} signed here (${s.method}${s.attestation ? ', attestation' : ''})` })),
  ];
}

export function finding(rule: string, severity: Severity, message: string, location: Finding['location'], related: RelatedLocation[], image?: string): Finding {
  return ruleFinding(rule, message, { file: location.file, line: location.line }, related, { severity, ...(image ? { image } : {}) });
}
