import type { RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import type { JobFacts, LocalBuild, Operation } from '../model/pipeline.js';
import type { CiSystem } from '../model/report.js';
import type { AnalysisBudget } from '../util/budget.js';
import { readWorkflows } from './github/reader.js';
import type { RemoteSource } from './github/remote.js';
import { readGitlab } from './gitlab/reader.js';
import { readCloudBuild } from './cloudbuild/reader.js';
import { readUnreadSystems } from './unread/reader.js';

/**
 * The CI layer: every CI system that has a reader turns its files into the one pipeline model the judge consumes
 * (pushes, signatures, local builds, each with guard, order, job identity, file:line and call chain). The readers
 * below them (shell, make, command classifiers, config readers) are shared and know nothing of any CI system;
 * which system an operation comes from is stamped here, on everything its reader returned.
 */

export interface PipelineReaderInput {
  repo: RepoReader;
  repository?: string;
  /** Remote checkouts of other GitHub repositories (reusable workflows, actions, goreleaser includes). */
  remote: RemoteSource;
  ephemeralRegistries: string[];
  budget: AnalysisBudget;
}

export interface PipelineReadResult {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  /** Job runs of every system, by job key (keys name their file, so systems cannot collide). */
  jobs: Map<string, JobFacts>;
  /** Pipeline files read: workflows, `.gitlab-ci.yml` and its includes, Cloud Build configs. */
  pipelineFiles: number;
  /** The systems that had pipeline files in the tree (read or not). */
  systems: CiSystem[];
}

export async function readPipelines(input: PipelineReaderInput): Promise<PipelineReadResult> {
  const out: PipelineReadResult = { operations: [], localBuilds: [], findings: [], limits: [], jobs: new Map(), pipelineFiles: 0, systems: [] };
  const common = { repo: input.repo, ...(input.repository ? { repository: input.repository } : {}), ephemeralRegistries: input.ephemeralRegistries, budget: input.budget };
  const github = await readWorkflows({ ...common, remote: input.remote });
  add(out, 'github-actions', github, github.workflows);
  const gitlab = readGitlab(common);
  add(out, 'gitlab-ci', gitlab, gitlab.files);
  const cloudBuild = readCloudBuild(common);
  add(out, 'cloud-build', cloudBuild, cloudBuild.files);
  // CI systems without a reader: detected, and failing closed where their files show image work. Their files are
  // not counted as pipeline files read.
  for (const [ci, r] of readUnreadSystems(common)) add(out, ci, r, 0, r.files > 0);
  return out;
}

function add(out: PipelineReadResult, ci: CiSystem, r: Omit<PipelineReadResult, 'pipelineFiles' | 'systems'>, files: number, present = files > 0): void {
  for (const op of r.operations) op.ci = ci;
  for (const [k, j] of r.jobs) out.jobs.set(k, j.ci ? j : { ...j, ci });
  out.operations.push(...r.operations);
  out.localBuilds.push(...r.localBuilds);
  out.findings.push(...r.findings);
  out.limits.push(...r.limits);
  out.pipelineFiles += files;
  if (present) out.systems.push(ci);
}
