import type { PullRequestEvent } from './event.js';
import type { GitHubApi } from './github-api.js';
import { gitChangedFiles } from './git-diff.js';

export interface ChangedFiles {
  /** undefined: not known (not a pull request, or every source failed), so every finding is annotated. */
  files?: Set<string>;
  source: 'api' | 'git' | 'none';
  /** Why earlier sources were not used, for the log. */
  notes: string[];
}

/**
 * The files a pull request changes: the REST API when there is a token, else (or when it fails) `git diff`
 * of the payload's base and head, else unknown.
 */
export async function resolveChangedFiles(input: { pullRequest?: PullRequestEvent; repository?: string; api?: GitHubApi; workspace: string }): Promise<ChangedFiles> {
  const notes: string[] = [];
  const pr = input.pullRequest;
  if (!pr) return { source: 'none', notes: ['not a pull_request event: annotating findings on every file'] };
  const repository = pr.repository ?? input.repository;
  if (!input.api) notes.push('no github-token: changed files not listed through the REST API');
  else if (!repository) notes.push('repository unknown: changed files not listed through the REST API');
  else {
    const listed = await input.api.listPullRequestFiles(repository, pr.number);
    if (listed.ok) return { files: new Set(listed.value), source: 'api', notes };
    notes.push(`REST API: ${listed.reason}`);
  }
  if (pr.baseSha && pr.headSha) {
    const diff = await gitChangedFiles(input.workspace, pr.baseSha, pr.headSha);
    if (diff.ok) return { files: new Set(diff.files), source: 'git', notes: [...notes, 'changed files taken from git diff of the base and head commits'] };
    notes.push(diff.reason);
  } else notes.push('the event payload has no base/head commits for git diff');
  notes.push('changed files unknown: annotating findings on every file');
  return { source: 'none', notes };
}
