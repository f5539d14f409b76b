import type { RepoReader } from '../discover/repo.js';
import type { Location } from '../model/location.js';
import type { OpContext, ReaderResult } from '../model/pipeline.js';

/** A goreleaser run: goreleaser/goreleaser-action (`args:`, `workdir:`) or `goreleaser …` in a script. */
export interface GoreleaserInvocation extends OpContext {
  repo: RepoReader;
  /** goreleaser's arguments (e.g. `release --clean -f goreleaser.yml --skip=sign`). */
  args: string[];
  /** Repository-relative directory it runs in. */
  workdir: string;
  env: Record<string, string>;
  /** The step or command that runs goreleaser. */
  location: Location;
  /** owner/name of the scanned repository, for `{{ .ProjectName }}` defaults. */
  repository?: string;
}

/** Placeholder until the goreleaser reader lands. */
export function readGoreleaser(_inv: GoreleaserInvocation): ReaderResult {
  return { operations: [], localBuilds: [], findings: [], limits: [] };
}
