import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { audit } from '../audit/audit.js';
import { confineDir } from '../discover/confine.js';
import { openRepo, type RepoReader } from '../discover/repo.js';
import type { AnalyzeOptions } from '../engine/options.js';
import { loadBaseline } from '../gate/baseline.js';
import { compareWithBaseline, unavailableChange } from '../gate/change.js';
import { changeSentence } from '../gate/compare.js';
import { decideGate, type FailDecision } from '../gate/fail-on.js';
import { Git } from '../gate/git.js';
import type { ChangeReport, Report } from '../model/report.js';
import { formatWorkflowCommand, planAnnotations, type AnnotationPlan } from '../render/annotations.js';
import { renderJson } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';
import { renderSummary } from '../render/summary.js';
import { renderText } from '../render/text.js';
import { neutralLine, oneLine } from '../render/neutral.js';
import { apiTreeSource } from './base-api.js';
import { resolveChangedFiles, type ChangedFiles } from './changed-files.js';
import { baseCommitFromEvent, pullRequestFromPayload } from './event.js';
import { createApiRemoteFetcher, GitHubApi, type FetchLike } from './github-api.js';
import type { ActionInputs } from './inputs.js';

/** What the runner provides besides the inputs (read from the environment by src/index.ts). */
export interface ActionEnvironment {
  /** GITHUB_WORKSPACE (the checkout); relative input paths resolve against it. */
  workspace: string;
  eventName?: string;
  /** The parsed GITHUB_EVENT_PATH payload. */
  eventPayload?: unknown;
  /** GITHUB_API_URL. */
  apiUrl: string;
  /** GITHUB_REPOSITORY. */
  repository?: string;
  /** RUNNER_TEMP: where the report and SARIF go when no path is given. */
  tempDir: string;
}

/** Every side effect of the action, so run() can be exercised with in-memory sinks. */
export interface ActionSinks {
  /** A log line written by the action itself (no repository data). */
  info(line: string): void;
  /** Text containing repository data: printed with workflow commands disabled. */
  untrusted(text: string): void;
  /** One workflow command line (annotations), already escaped. */
  command(line: string): void;
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
  writeFile(path: string, content: string): void;
  setFailed(message: string): void;
}

export interface RunResult {
  report: Report;
  decision: FailDecision;
  outputs: Record<string, string>;
  plan: AnnotationPlan;
  changed: ChangedFiles;
}

export interface RunDependencies {
  fetch?: FetchLike;
  /** The online confirmation (confirm-online), built by the entrypoint with its transport. */
  online?: (report: Report) => Promise<Report>;
}

export async function run(inputs: ActionInputs, env: ActionEnvironment, sinks: ActionSinks, deps: RunDependencies = {}): Promise<RunResult | undefined> {
  const root = resolve(env.workspace, inputs.path);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    sinks.setFailed(`path '${inputs.path}' is not a directory`);
    return undefined;
  }
  // Every directory input resolves inside the workspace when it is written inside it: a symbolic link in the
  // checkout cannot send the scan, a policy path or the remote checkouts elsewhere on the runner.
  const pathNotes: string[] = [];
  const rootInside = confineDir(root, [env.workspace], 'path');
  if (!rootInside.ok) {
    sinks.setFailed(oneLine(rootInside.reason));
    return undefined;
  }
  const policyPaths = inputs.policyPaths.flatMap((p) => {
    const c = confineDir(resolve(env.workspace, p), [env.workspace], 'policy-paths entry');
    if (!c.ok) pathNotes.push(c.reason);
    return c.ok ? [resolve(env.workspace, p)] : [];
  });
  let remoteCheckouts = inputs.remoteCheckouts ? resolve(env.workspace, inputs.remoteCheckouts) : undefined;
  if (remoteCheckouts) {
    const c = confineDir(remoteCheckouts, [env.workspace], 'remote-checkouts');
    if (!c.ok) {
      pathNotes.push(c.reason);
      remoteCheckouts = undefined;
    }
  }
  if (pathNotes.length > 0) sinks.untrusted(pathNotes.join('\n'));
  const repository = inputs.repository ?? env.repository;
  const repo = openRepo(root);

  // No token, no network: neither the remote fetcher nor the changed-files listing is created.
  const api = inputs.githubToken ? new GitHubApi({ apiUrl: env.apiUrl, token: inputs.githubToken, deadlineMs: inputs.apiDeadlineMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) : undefined;
  const remoteFetcher = api ? createApiRemoteFetcher(api) : undefined;
  const options: AnalyzeOptions & { repo: RepoReader } = {
    root,
    repo,
    ...(repository ? { repository } : {}),
    ...(remoteCheckouts ? { remoteCheckouts } : {}),
    ...(remoteFetcher ? { remoteFetcher } : {}),
    policyPaths,
    requireEnforcement: inputs.requireEnforcement,
  };
  const audited = await audit({ options, config: inputs.config, configExplicit: inputs.configExplicit, notes: pathNotes, ...(deps.online ? { online: deps.online } : {}) });
  if (audited.configFile) sinks.info(neutralLine(oneLine(`configuration: ${audited.configFile}`)));
  const change = await changeAgainstBase(inputs, env, sinks, { root, options, api, ...(repository ? { repository } : {}), head: audited.report });
  const report: Report = change ? { ...audited.report, change } : audited.report;
  const decision = decideGate(report, inputs.failOn);

  const pathPrefix = repoPrefix(env.workspace, root);
  const pullRequest = env.eventName === 'pull_request' || env.eventName === 'pull_request_target' ? pullRequestFromPayload(env.eventPayload) : undefined;
  const changed: ChangedFiles =
    inputs.annotate === 'none' ? { source: 'none', notes: [] } : await resolveChangedFiles({ ...(pullRequest ? { pullRequest } : {}), ...(repository ? { repository } : {}), ...(api ? { api } : {}), workspace: env.workspace });
  // Notes can quote git's stderr; print them as data.
  if (changed.notes.length > 0) sinks.untrusted(changed.notes.join('\n'));
  const plan = planAnnotations(report, { mode: inputs.annotate, ...(changed.files ? { changedFiles: changed.files } : {}), ...(pathPrefix ? { pathPrefix } : {}) });
  for (const a of plan.annotations) sinks.command(formatWorkflowCommand(a));

  const outDir = join(env.tempDir, 'image-signing-audit');
  const reportFile = resolveOut(env.workspace, inputs.reportFile) ?? join(outDir, 'report.json');
  const sarifFile = resolveOut(env.workspace, inputs.sarifFile) ?? join(outDir, 'results.sarif');
  sinks.writeFile(reportFile, renderJson(report));
  sinks.writeFile(sarifFile, renderSarif(report, { ...(pathPrefix ? { pathPrefix } : {}), ...(inputs.sarifCategory ? { category: inputs.sarifCategory } : {}) }));

  const annotated = plan.annotations.filter((a) => a.file !== undefined).length;
  const source = changed.source === 'api' ? 'changed files from the REST API' : changed.source === 'git' ? 'changed files from git diff' : 'all files';
  const annotationNote = inputs.annotate === 'none' ? 'Annotations are off (annotate: none).' : `${annotated} finding${annotated === 1 ? '' : 's'} annotated inline (annotate: ${inputs.annotate}; ${source}).`;
  await sinks.writeSummary(renderSummary(report, { annotationNote, reportFile, sarifFile, gate: decision }));

  const outputs = actionOutputs(report, reportFile, sarifFile);
  for (const [name, value] of Object.entries(outputs)) sinks.setOutput(name, value);

  sinks.untrusted(renderText(report));
  const mode = `fail-on: ${inputs.failOn}${inputs.failOnDefaulted ? `, the default for ${env.eventName ?? 'this'} events` : ''}`;
  // The reason quotes the sentence and names from the repository: one neutral line.
  if (decision.fail) sinks.setFailed(neutralLine(oneLine(`image-signing-audit: ${decision.reason} (${mode})`)));
  else sinks.info(neutralLine(oneLine(`image-signing-audit: passing the step (${decision.reason}; ${mode})`)));
  return { report, decision, outputs, plan, changed };
}

/**
 * The comparison with the event's base commit (pull_request.base.sha, merge_group.base_sha): from the local
 * objects, else `git fetch --depth=1 origin <sha>`, else the REST API with the token. Undefined when the event
 * has no base and `fail-on` is not `new`; an `unavailable` change (which gates on the verdict) when it cannot be read.
 */
async function changeAgainstBase(
  inputs: ActionInputs,
  env: ActionEnvironment,
  sinks: ActionSinks,
  ctx: { root: string; options: AnalyzeOptions & { repo: RepoReader }; api: GitHubApi | undefined; repository?: string; head: Report },
): Promise<ChangeReport | undefined> {
  const base = baseCommitFromEvent(env.eventName, env.eventPayload);
  let change: ChangeReport | undefined;
  if (!base) {
    if (inputs.failOn === 'new') change = unavailableChange(`the ${env.eventName ?? 'unknown'} event names no base commit`);
  } else {
    const git = Git.locate(ctx.root, env.workspace);
    if ('error' in git) change = unavailableChange(`git is needed to read the base commit: ${git.error}`, base.sha);
    else {
      const pr = pullRequestFromPayload(env.eventPayload);
      const apiRepository = pr?.repository ?? ctx.repository;
      const baseline = await loadBaseline({
        root: ctx.root,
        head: ctx.options.repo,
        git,
        commit: base.sha,
        fetchMissing: true,
        ...(ctx.api && apiRepository ? { api: (sha: string) => apiTreeSource(ctx.api!, apiRepository, sha) } : { noApi: ctx.api ? 'repository unknown: the base commit cannot be read through the REST API' : 'no github-token: the base commit cannot be read through the REST API' }),
        policyPaths: ctx.options.policyPaths ?? [],
      });
      // Notes can quote git's stderr; print them as data.
      if (baseline.notes.length > 0) sinks.untrusted(baseline.notes.join('\n'));
      change = await compareWithBaseline({
        head: ctx.head,
        baseline,
        asked: base.sha,
        requireEnforcement: inputs.requireEnforcement,
        auditBase: async (repo, policyRepos) => (await audit({ options: { ...ctx.options, repo, policyRepos }, config: inputs.config, configExplicit: inputs.configExplicit })).report,
      });
    }
  }
  if (change?.status === 'compared') sinks.info(neutralLine(oneLine(`image-signing-audit: compared with base commit ${change.base ?? base?.sha ?? ''} (${base?.from ?? 'base'}, read from ${change.source === 'api' ? 'the REST API' : change.source === 'git-fetch' ? 'a git fetch of that commit' : 'the local git objects'}): ${changeSentence(change)}`)));
  else if (change) sinks.info(neutralLine(oneLine(`image-signing-audit: NOT compared with a base commit: ${change.reason ?? ''}${inputs.failOn === 'new' ? '; the gate is the whole-repository verdict' : ''}`)));
  return change;
}

/**
 * The step outputs; `enforcement` is `enforce`, `audit` (only advisory policies) or `none`. `new-findings` is how
 * many things are worse than the base commit; it is set only when a base was compared (empty otherwise: not known).
 */
export function actionOutputs(report: Report, reportFile: string, sarifFile: string): Record<string, string> {
  const counted = report.enforcement.filter((e) => e.counted !== false);
  const enforcement = counted.some((e) => e.mode === 'enforce') ? 'enforce' : counted.length > 0 ? 'audit' : 'none';
  const newFindings = report.change?.status === 'compared' ? report.change.worse.length : undefined;
  return {
    verdict: report.verdict,
    images: String(report.images.length),
    signed: String(report.images.filter((i) => i.signed).length),
    enforcement,
    // Outputs are one line of text: a policy name with a newline or a bidi override must not reach them.
    sentence: oneLine(report.sentence),
    'report-file': reportFile,
    'sarif-file': sarifFile,
    ...(newFindings !== undefined ? { 'new-findings': String(newFindings) } : {}),
  };
}

/** Repository-relative prefix of the scanned root ('' when it is the workspace or lies outside it). */
export function repoPrefix(workspace: string, root: string): string {
  const rel = relative(resolve(workspace), root);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return '';
  return rel.split(sep).join('/');
}

function resolveOut(workspace: string, path: string | undefined): string | undefined {
  return path ? resolve(workspace, path) : undefined;
}
