import type { Finding } from '../model/finding.js';
import type { SignedImageInfo } from '../model/analysis.js';
import type { EnforcementReport } from '../model/report.js';
import type { RepoReader } from '../discover/repo.js';

export interface AdmissionInput {
  /** The scanned repository. */
  repo: RepoReader;
  /** Extra roots given with policy-paths; policies there count even under examples/. */
  policyRoots: RepoReader[];
  images: SignedImageInfo[];
  repository?: string;
  requireEnforcement: boolean;
}

export interface AdmissionResult {
  enforcement: EnforcementReport[];
  /** `covers` per image name: the policy descriptions ("engine kind/name (file:line)") that cover it. */
  coverage: Map<string, string[]>;
  findings: Finding[];
  limits: string[];
  manifestsParsed: number;
}

/** Placeholder until the admission issue lands: no policies found. */
export function analyzeAdmission(_input: AdmissionInput): AdmissionResult {
  return { enforcement: [], coverage: new Map(), findings: [], limits: [], manifestsParsed: 0 };
}
