import type { RepoReader } from '../discover/repo.js';
import type { OpContext, ReaderResult } from '../model/pipeline.js';

/** Context for one `run:` script (or a Makefile recipe / repository script reached from one). */
export interface RunScriptInput extends OpContext {
  /** Script text. GitHub expressions the workflow reader could resolve are already substituted; the rest are kept as `${{ … }}`. */
  script: string;
  /** Repository-relative file holding the script, and the line of its first script line there. */
  file: string;
  line: number;
  /** Environment visible to the script (workflow, job and step `env:`), values resolved where possible. */
  env: Record<string, string>;
  /** Repository-relative working directory ('' is the root). */
  workingDirectory: string;
  /** The tree the script lives in (the scanned repository, or a remote checkout). */
  repo: RepoReader;
  /** Remaining indirection depth (make targets, scripts); at 0 the call is reported as a limit, not followed. */
  depth: number;
}

export interface RunScriptResult extends ReaderResult {
  /** Variables written to $GITHUB_ENV (visible to later steps). */
  envWrites: Record<string, string>;
  /** Outputs written to $GITHUB_OUTPUT (visible as steps.<id>.outputs.<name>). */
  outputWrites: Record<string, string>;
}

/** Placeholder until the shell analysis lands. */
export function analyzeRunScript(_input: RunScriptInput): RunScriptResult {
  return { operations: [], localBuilds: [], findings: [], limits: [], envWrites: {}, outputWrites: {} };
}
