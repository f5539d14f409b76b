import type { Finding } from '../model/finding.js';
import type { JobFacts, LocalBuild, Operation } from '../model/pipeline.js';

/** What one CI system's reader hands the CI layer: the shared pipeline model, plus how many of its files it read. */
export interface CiReaderResult {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  jobs: Map<string, JobFacts>;
  /** The system's pipeline files read (a root and its includes, build configs, files found of a system). */
  files: number;
}

export function emptyCiReaderResult(): CiReaderResult {
  return { operations: [], localBuilds: [], findings: [], limits: [], jobs: new Map(), files: 0 };
}
