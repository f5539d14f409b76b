import type { RepoReader } from '../discover/repo.js';
import type { SignMethod } from '../model/report.js';
import type { AnalysisBudget } from '../util/budget.js';

/** Everything the analysis needs to know besides the tree itself. Built by the CLI or the action entrypoint. */
export interface AnalyzeOptions {
  /** The checkout to scan. */
  root: string;
  /** An already opened reader over `root` (the action opens one to read its config and inline comments). */
  repo?: RepoReader;
  /** owner/name, used to resolve `${{ github.repository }}` and friends, and keyless identities. */
  repository?: string;
  /** Directory laid out `<owner>/<repo>/` holding checkouts of remote reusable workflows and actions. */
  remoteCheckouts?: string;
  /** Async reader for remote files (the action's GitHub API client); consulted after remoteCheckouts. */
  remoteFetcher?: RemoteFetcher;
  /** Extra roots holding deployed admission policies (GitOps repositories). */
  policyPaths?: string[];
  /** Already opened readers for the policy roots (the base-commit analysis reads them at that commit); replaces policyPaths. */
  policyRepos?: RepoReader[];
  /** When false, missing or advisory enforcement is a note and the verdict can pass on signing alone. */
  requireEnforcement?: boolean;
  /** Registry hosts to treat as ephemeral in addition to the built-in ones. */
  ephemeralRegistries?: string[];
  /** Images (globs on the normalized name) left out of the verdict, each with a reason. */
  excludeImages?: Array<{ pattern: string; reason: string }>;
  /** Signing methods that count; default all. `tag` in the list means signing by tag is accepted. */
  acceptMethods?: Array<SignMethod | 'tag'>;
  /** Image names (globs) that must be found among the pushed images. */
  requireImages?: string[];
  /** The run's analysis budget (work, value length, deadline); a default one when absent. */
  budget?: AnalysisBudget;
}

export interface RemoteFile {
  text: string;
  /** Where it came from, for messages ("remote-checkouts", "GitHub API"). */
  source: string;
}

/** Reads `path` of `owner/repo` at `ref`. Resolves undefined when not available; never throws. */
export interface RemoteFetcher {
  readFile(owner: string, repo: string, ref: string, path: string): Promise<RemoteFile | undefined>;
  /** Human-readable reasons for failures so far (API errors, rate limits), reported as limits. */
  readonly failures: string[];
}
