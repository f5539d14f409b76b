import type { RepoReader } from '../discover/repo.js';
import type { Location } from '../model/location.js';
import type { OpContext, ReaderResult } from '../model/pipeline.js';

/** A `docker buildx bake` run: docker/bake-action or the command in a script. */
export interface BakeInvocation extends OpContext {
  repo: RepoReader;
  /** Bake definition files (repository-relative); empty means bake's defaults (docker-bake.hcl, compose files…). */
  files: string[];
  /** Files that do not exist in the tree but are produced in CI, by path (e.g. docker/metadata-action's bake file). */
  virtualFiles?: Record<string, string>;
  targets: string[];
  /** `--push` / `push: true` given. */
  push: boolean;
  /** `--set` overrides (`*.tags=…`, `app.output=type=registry`). */
  set: string[];
  workdir: string;
  env: Record<string, string>;
  location: Location;
  /** The step id, so a later sign step's `steps.<id>.outputs.metadata` can target these images. */
  stepId?: string;
}

/** Placeholder until the bake reader lands. */
export function readBake(_inv: BakeInvocation): ReaderResult {
  return { operations: [], localBuilds: [], findings: [], limits: [] };
}
