import type { RepoReader } from '../../../discover/repo.js';
import type { Formula } from '../../../logic/formula.js';
import type { Finding } from '../../../model/finding.js';
import type { Location } from '../../../model/location.js';
import type { LocalBuild, OpContext, Operation, ReaderResult } from '../../../model/pipeline.js';

/** One `uses: owner/repo[/path]@ref` step, with its `with:` inputs already interpolated in the job's scope. */
export interface ActionStep {
  /** `owner/repo[/path]`, lowercased, without `@ref`. */
  action: string;
  ref: string;
  /** The version comment after a SHA pin (`# v4.1.2`), when present. */
  refComment?: string;
  /** Each input's possible values (an input with `${{ cond && 'a' || 'b' }}` has two). */
  inputs: Record<string, string[]>;
  /** The condition under which each alternative of `inputs` holds (same order); absent means always. */
  inputWhen?: Record<string, Formula[]>;
  /** Line of each input key, for precise locations. */
  inputLines: Record<string, number>;
  stepId?: string;
  /** The step (its first line) in the workflow or action file. */
  location: Location;
  ctx: OpContext;
  repo: RepoReader;
  repository?: string;
  env: Record<string, string>;
  workdir: string;
  /** Cosign major version installed earlier in the job, when known. */
  cosignMajor?: number;
  /** Files produced earlier in the job that exist only on the runner (metadata-action's bake file). */
  virtualFiles: Record<string, string>;
}

export interface ActionResult {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  /** `steps.<id>.outputs.*` this step provides (text, unknown parts as written). */
  outputs: Record<string, string>;
  /** Variables the action exports to later steps (e.g. metadata-action's DOCKER_METADATA_OUTPUT_*). */
  envWrites: Record<string, string>;
  /** Facts for the job: cosign version installed. */
  cosignMajor?: number;
  /** Files this step leaves on the runner for later steps. */
  virtualFiles?: Record<string, string>;
}

export interface ActionHandler {
  /** Matches `owner/repo[/path]` (lowercased). */
  matches(action: string): boolean;
  run(step: ActionStep): ActionResult;
}

export function emptyActionResult(): ActionResult {
  return { operations: [], localBuilds: [], findings: [], limits: [], outputs: {}, envWrites: {} };
}

/** Adds what a config reader (goreleaser, bake) found to an action's result. */
export function mergeReaderResult(result: ActionResult, r: ReaderResult): void {
  result.operations.push(...r.operations);
  result.localBuilds.push(...r.localBuilds);
  result.findings.push(...r.findings);
  result.limits.push(...r.limits);
}

/** The directory an action works in: its `workdir` input, relative to the workspace (the repository root). */
export function actionWorkdir(step: ActionStep): string {
  const rel = input(step, 'workdir').replace(/^\.\/?/, '').replace(/\/+$/, '');
  return rel || step.workdir;
}

/** First alternative of an input, or ''. */
export function input(step: ActionStep, name: string): string {
  return step.inputs[name]?.[0] ?? '';
}

/** A list input (newline- or comma-separated), union over alternatives, trimmed, empties dropped. */
export function listInput(step: ActionStep, name: string, separators: RegExp = /[\n,]/): string[] {
  const out: string[] = [];
  for (const alt of step.inputs[name] ?? []) {
    for (const part of alt.split(separators)) {
      const t = part.trim();
      if (t && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

export function inputLocation(step: ActionStep, name: string): Location {
  const line = step.inputLines[name];
  return line ? { file: step.location.file, line } : step.location;
}
