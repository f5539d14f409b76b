import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { confineDir } from '../discover/confine.js';
import { openRepo } from '../discover/repo.js';
import { configToAnalyzeOptions, loadConfig, locateRequiredImageFindings } from '../config/load.js';
import { analyze } from '../engine/analyze.js';
import type { AnalyzeOptions } from '../engine/options.js';
import type { Report } from '../model/report.js';
import { formatWorkflowCommand, planAnnotations, type AnnotationPlan } from '../render/annotations.js';
import { renderJson } from '../render/json.js';
import { renderSarif } from '../render/sarif.js';
import { renderSummary } from '../render/summary.js';
import { renderText } from '../render/text.js';
import { neutralLine, oneLine } from '../render/neutral.js';
import { applySuppressions } from '../suppress/index.js';
import { resolveChangedFiles, type ChangedFiles } from './changed-files.js';
import { pullRequestFromPayload } from './event.js';
import { decideFailure, type FailDecision } from './fail-on.js';
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
  const loaded = loadConfig(repo, inputs.config, inputs.configExplicit);
  if (loaded.file) sinks.info(neutralLine(oneLine(`configuration: ${loaded.file}`)));

  // No token, no network: neither the remote fetcher nor the changed-files listing is created.
  const api = inputs.githubToken ? new GitHubApi({ apiUrl: env.apiUrl, token: inputs.githubToken, deadlineMs: inputs.apiDeadlineMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) : undefined;
  const remoteFetcher = api ? createApiRemoteFetcher(api) : undefined;
  const options: AnalyzeOptions = {
    root,
    repo,
    ...(repository ? { repository } : {}),
    ...(remoteCheckouts ? { remoteCheckouts } : {}),
    ...(remoteFetcher ? { remoteFetcher } : {}),
    policyPaths,
    requireEnforcement: inputs.requireEnforcement,
    ...configToAnalyzeOptions(loaded.config),
  };
  const analyzed = await analyze(options);
  const fetchFailures = (remoteFetcher?.failures ?? []).filter((f) => !analyzed.limits.includes(f));
  const report = applySuppressions(
    { ...analyzed, findings: [...locateRequiredImageFindings(analyzed.findings, loaded), ...loaded.findings], limits: [...pathNotes, ...analyzed.limits, ...fetchFailures] },
    { ignores: loaded.config.ignore, repo },
  );

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
  await sinks.writeSummary(renderSummary(report, { annotationNote, reportFile, sarifFile }));

  const outputs = actionOutputs(report, reportFile, sarifFile);
  for (const [name, value] of Object.entries(outputs)) sinks.setOutput(name, value);

  sinks.untrusted(renderText(report));
  const decision = decideFailure(report, inputs.failOn);
  // The reason quotes the sentence, which holds policy names from the repository.
  if (decision.fail) sinks.setFailed(neutralLine(oneLine(`image-signing-audit: ${decision.reason}`)));
  else sinks.info(neutralLine(oneLine(`image-signing-audit: passing the step (${decision.reason}; fail-on: ${inputs.failOn})`)));
  return { report, decision, outputs, plan, changed };
}

/** The step outputs; `enforcement` is `enforce`, `audit` (only advisory policies) or `none`. */
export function actionOutputs(report: Report, reportFile: string, sarifFile: string): Record<string, string> {
  const counted = report.enforcement.filter((e) => e.counted !== false);
  const enforcement = counted.some((e) => e.mode === 'enforce') ? 'enforce' : counted.length > 0 ? 'audit' : 'none';
  return {
    verdict: report.verdict,
    images: String(report.images.length),
    signed: String(report.images.filter((i) => i.signed).length),
    enforcement,
    // Outputs are one line of text: a policy name with a newline or a bidi override must not reach them.
    sentence: oneLine(report.sentence),
    'report-file': reportFile,
    'sarif-file': sarifFile,
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
