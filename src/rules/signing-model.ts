import type { JudgedImage } from '../engine/judge.js';
import type { Finding } from '../model/finding.js';
import { ruleFinding } from '../model/rule-finding.js';
import type { Location } from '../model/location.js';
import type { JobFacts, SignOp } from '../model/pipeline.js';

/** What the signing rules look at: judged images, every signing operation, job facts, private keys in the tree. */
export interface SigningModel {
  images: JudgedImage[];
  signs: SignOp[];
  jobs: Map<string, JobFacts>;
  privateKeys: Array<{ location: Location; kind: string; testOnly: boolean }>;
}

export type SigningCheck = (model: SigningModel) => Finding[];

export function makeFinding(rule: { id: string; severity: Finding['severity'] }, message: string, location: Location, related: Finding['related'] = [], image?: string): Finding {
  return ruleFinding(rule.id, message, location, related, { severity: rule.severity, ...(image ? { image } : {}) });
}
