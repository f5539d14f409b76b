import { AnalysisBudget } from '../../util/budget.js';
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import type { RepoReader } from '../../discover/repo.js';
import { handlerFor, isKnownIrrelevant, looksImageRelated, mayPushAction, worthReading } from './actions/index.js';
import { hiddenPushOps, hiddenSuffix, scanHiddenCommands, scanHiddenUses } from '../../detect/hidden-pushes.js';
import type { ActionHandler, ActionStep } from './actions/types.js';
import type { Finding } from '../../model/finding.js';
import type { Location } from '../../model/location.js';
import { parseImageRef } from '../../model/image-ref.js';
import { ruleFinding } from '../../model/rule-finding.js';
import { NOT_INSPECTED_PREFIX, type Guard, type JobFacts, type LocalBuild, type OpContext, type Operation, type PushOp, type RemoteFileLookup, type SignOp } from '../../model/pipeline.js';
import { firstYamlError, parseYaml, yamlDocs, yamlLimitNotes, type YamlDoc } from '../../parse/yaml.js';
import { yamlBoundFinding } from '../../parse/yaml-findings.js';
import { and, formulaKey, not, TRUE, type Formula } from '../../logic/formula.js';
import { alternativeCombinations, alternativesText, evaluateGuard, interpolateAlternatives, interpolateOne, known, mayHoldAlternatives, type Lookup, type TextAlternative } from '../../expr/expr.js';
import { classifyLocalAction, localNotInspected, ownerRepoOf } from './local-action.js';
import { parseUses, type RemoteSource } from './remote.js';
import { ScriptCache } from '../script-cache.js';
import { applyFileWrites, joinForkFileWrites, type RunScriptResult } from '../../shell/index.js';
import { coerceInput, hasIdTokenWrite, isIrrelevantUses, isPosixShell, matrixCombinations, MAX_MATRIX_COMBINATIONS, registryServices, remoteDisplay, strings, topoOrder, triggerRefs } from './syntax.js';
import { scriptMayMatter } from '../../shell/script-relevance.js';
import { emptyScope, EVENTS, githubContext, isCompleteMatrix, REFS, scopeLookup, type Scope } from './scope.js';
import { JobGraph } from '../job-graph.js';

/** Reusable workflows and composite actions nest; GitHub allows 4 and 10 levels. Bound ours and say so. */
export const MAX_CALL_DEPTH = 8;
/** Indirection depth handed to scripts (make targets, scripts calling scripts). */
export const SCRIPT_DEPTH = 6;

export interface WorkflowReaderInput {
  repo: RepoReader;
  repository?: string;
  remote: RemoteSource;
  ephemeralRegistries: string[];
  /** The run's analysis budget; a default one when absent. */
  budget?: AnalysisBudget;
  /**
   * False re-expands every call of a reusable workflow or composite action instead of reusing a result analysed
   * for another caller (tests compare both: reuse must not change the result).
   */
  reuse?: boolean;
}

export interface WorkflowReadResult {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  jobs: Map<string, JobFacts>;
  workflows: number;
  /** Reusable workflows and composite actions analysed, and results reused for another caller (tests). */
  calls: { analysed: number; reused: number };
}

interface LoadedFile {
  doc: YamlDoc;
  repo: RepoReader;
  /** Display path (repository-relative, or `owner/repo/path@ref` for remote files). */
  file: string;
  /** Repository-relative path inside `repo` (for resolving `./` paths and the keyless identity). */
  relPath: string;
  remote?: string;
}

interface JobRun {
  scope: Scope;
  jobKey: string;
  guard: Guard;
  seq: number;
  cosignMajor?: number;
  virtualFiles: Record<string, string>;
  /** GITHUB_ENV writes so far. */
  envWrites: Record<string, string>;
  workflowPath: string;
  depth: number;
  /** Registry hosts that only exist for this job (a `registry` service container), plus the configured ones. */
  ephemeralRegistries: string[];
  /** `defaults.run.shell` of the job or workflow. */
  defaultShell?: string;
}

/** How the reader is called for one workflow run: the root's triggers, or a calling job's inputs and place. */
interface WorkflowCall {
  inputs: Record<string, unknown>;
  chain: Location[];
  /** Job-key prefix of the run's jobs: `<calling job key>>` for a called workflow, '' for a root. */
  prefix: string;
  guard: Guard;
  depth: number;
  /** Graph node the run's jobs wait for (what the calling job waited for); absent for a root. */
  start?: number;
  callerIdToken: boolean | undefined;
  refs?: string[];
  events?: string[];
}

interface WorkflowRunResult {
  outputs: Record<string, string>;
  /** Graph nodes of "this job has finished", one per job of the run. */
  done: number[];
}

/** The caller-specific parts of a called workflow's remembered result, replaced for another caller. */
interface WorkflowStamp {
  prefix: string;
  chainLength: number;
  start?: number;
}

/** What a composite action's steps leave behind in the calling job. */
interface CompositeResult {
  /** Steps numbered (the job's step counter moves by this much). */
  steps: number;
  cosignMajor?: number;
  envWrites: Record<string, string>;
  virtualFiles: Record<string, string>;
  outputs: Record<string, string>;
}

interface CompositeStamp {
  jobKey: string;
  chainLength: number;
  /** The job's step counter when the composite started. */
  seq0: number;
}

/** A callee being analysed: for cycles, and for knowing where its result may be reused. */
interface CallFrame {
  identity: string;
  display: string;
  /** Identities of every callee called below it (followed, reused or cut as a cycle). */
  reached: Set<string>;
  /** The deepest nesting depth compared with MAX_CALL_DEPTH below it, and whether the bound stopped a call. */
  deepest: number;
  boundHit: boolean;
}

/** Everything a followed call added to the result, to add again for another caller. */
interface Recording {
  operations: Operation[];
  localBuilds: LocalBuild[];
  findings: Finding[];
  limits: string[];
  jobs: JobFacts[];
  graphFrom: number;
  graphTo: number;
}

interface RecordingMarks {
  operations: number;
  localBuilds: number;
  findings: number;
  limits: number;
  jobs: number;
  graph: number;
}

/** One analysed call, remembered under its key. */
interface Memo<R, S> {
  depth: number;
  reached: Set<string>;
  /** The identities it cut as cycles because they were on the stack above it. */
  cutAbove: Set<string>;
  deepest: number;
  boundHit: boolean;
  stamp: S;
  recording: Recording;
  result: R;
}

/**
 * Work charged to the run's budget for what the reader itself builds, roughly the bytes each keeps (job runs,
 * graph edges, steps, analysed calls, copies of a reused call's operations): the budget then bounds memory too
 * when reuse copies a result to many callers (a workflow whose jobs call another six times, eight levels deep).
 */
const COST = { job: 1500, edge: 16, step: 50, expansion: 1000, copy: 400 } as const;

function recordingCost(r: Recording): number {
  return COST.copy * (r.operations.length + r.localBuilds.length + r.findings.length) + COST.job * r.jobs.length + COST.edge * (r.graphTo - r.graphFrom);
}

function mergeFrame(into: CallFrame, from: Pick<CallFrame, 'identity' | 'reached' | 'deepest' | 'boundHit'>): void {
  into.reached.add(from.identity);
  for (const r of from.reached) into.reached.add(r);
  into.deepest = Math.max(into.deepest, from.deepest);
  if (from.boundHit) into.boundHit = true;
}

function guardKey(g: Guard): string {
  return JSON.stringify([formulaKey(g.formula), g.local ? formulaKey(g.local) : null, g.continueOnError, g.neverRuns ?? null]);
}

function workflowIdentity(f: LoadedFile): string {
  return `workflow\u0000${f.repo.root}\u0000${f.relPath}\u0000${f.remote ?? ''}`;
}

const WORKFLOW_RE = /^\.github\/workflows\/[^/]+\.ya?ml$/i;

export async function readWorkflows(input: WorkflowReaderInput): Promise<WorkflowReadResult> {
  const reader = new Reader(input);
  return reader.run();
}

class Reader {
  private readonly counters = { analysed: 0, reused: 0 };
  private readonly out: WorkflowReadResult = { operations: [], localBuilds: [], findings: [], limits: [], jobs: new Map(), workflows: 0, calls: this.counters };
  private readonly graph: JobGraph;
  /** Job facts in the order they were added (what a followed call added is a range of it). */
  private readonly jobLog: JobFacts[] = [];
  /** The calls being followed, outermost first (a root workflow at the bottom). */
  private readonly frames: CallFrame[] = [];
  private readonly memos = new Map<string, Array<Memo<unknown, unknown>>>();
  /** Findings reported once however many callers reach their file (parse errors). */
  private readonly onceOnly = new WeakSet<Finding>();
  private readonly parsed = new Map<string, YamlDoc | null>();
  private readonly scripts = new ScriptCache();
  private readonly github: Record<string, unknown>;
  /** Remote checkouts for readers that cannot wait on the API (goreleaser includes). */
  private readonly remoteFiles: RemoteFileLookup = (owner, repo, ref, path) => this.input.remote.readCheckoutFile(owner, repo, ref, path);

  /** Default variables the runner sets for every step, where the repository name gives them. */
  private readonly runnerEnv: Record<string, string>;
  /** The run's one analysis budget, handed to every reader through the step context. */
  private readonly budget: AnalysisBudget;

  constructor(private readonly input: WorkflowReaderInput) {
    this.budget = input.budget ?? new AnalysisBudget();
    this.graph = new JobGraph(this.budget);
    this.github = githubContext(input.repository);
    // Unknown repository: the variables hold the expression they equal, so `$GITHUB_REPOSITORY_OWNER` in a script
    // and `${{ github.repository_owner }}` in YAML name the same (unresolved) image.
    this.runnerEnv = {
      GITHUB_REPOSITORY: input.repository ?? '${{ github.repository }}',
      GITHUB_REPOSITORY_OWNER: input.repository?.split('/')[0] ?? '${{ github.repository_owner }}',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
    };
  }

  async run(): Promise<WorkflowReadResult> {
    const files = this.input.repo.files.filter((f) => WORKFLOW_RE.test(f.path)).map((f) => f.path);
    const loaded: LoadedFile[] = [];
    const calledLocally = new Set<string>();
    for (const path of files) {
      const doc = this.load(this.input.repo, path, path);
      if (!doc) continue;
      this.out.workflows++;
      loaded.push({ doc, repo: this.input.repo, file: path, relPath: path });
      for (const job of doc.entries(doc.get(doc.root, 'jobs'))) {
        const uses = doc.str(doc.get(job.value, 'uses'));
        if (uses?.startsWith('./')) calledLocally.add(uses.slice(2).replace(/@.*$/, ''));
      }
    }
    for (const wf of loaded) {
      const triggers = this.triggers(wf.doc);
      // A workflow only reachable through workflow_call from this repository is analysed through its callers,
      // with the inputs they pass; otherwise it is a root (its own triggers, or called from other repositories).
      if (triggers.length === 1 && triggers[0] === 'workflow_call' && calledLocally.has(wf.relPath)) continue;
      const refs = triggerRefs(wf.doc);
      // A workflow only callable from other repositories runs on their events: unknown here.
      const events = triggers.includes('workflow_call') ? undefined : triggers;
      this.frames.push({ identity: workflowIdentity(wf), display: wf.file, reached: new Set(), deepest: -Infinity, boundHit: false });
      await this.runWorkflow(wf, { inputs: {}, chain: [], prefix: '', guard: { formula: TRUE, continueOnError: false }, depth: 0, callerIdToken: undefined, ...(refs ? { refs } : {}), ...(events ? { events } : {}) });
      this.frames.pop();
    }
    for (const f of this.input.remote.failures) if (!this.out.limits.includes(f)) this.out.limits.push(f);
    for (const doc of this.parsed.values()) if (doc) append(this.out.limits, yamlLimitNotes(doc));
    return this.out;
  }

  private load(repo: RepoReader, relPath: string, display: string): YamlDoc | null {
    const key = `${repo.root}\u0000${relPath}`;
    if (this.parsed.has(key)) return this.parsed.get(key)!;
    const read = repo.read(relPath);
    if (!read.ok) {
      this.reportOnce(ruleFinding('parse-error', `${display} could not be read: ${read.reason}`, { file: display, line: 1 }));
      this.parsed.set(key, null);
      return null;
    }
    const parsed = parseYaml(read.text, display, this.budget);
    const docs = yamlDocs(parsed);
    if (parsed.stoppedByBudget) {
      // The budget's hit at the line where the parse stopped already fails the check; the file is not analysed.
      this.parsed.set(key, null);
      return null;
    }
    if (parsed.errors.length > 0 || docs.length === 0 || !isMap(docs[0]!.root)) {
      const err = firstYamlError(parsed);
      // What the unparsed text may push or sign is named, and each push it may hide fails the verdict closed.
      const hidden = [...scanHiddenUses(read.text, mayPushAction), ...scanHiddenCommands(read.text)].sort((a, b) => a.line - b.line);
      const same = (l: number): number => l;
      this.reportOnce(ruleFinding('parse-error', `${display} is not valid YAML${err ? `: ${err.message}` : ''}; it was not analysed${hiddenSuffix(hidden, same)}`, { file: display, line: err?.line ?? 1 }));
      append(this.out.operations, hiddenPushOps(hidden, display, same, { chain: [], guard: { formula: TRUE, continueOnError: false }, jobKey: `${display}#(does not parse)`, stepIndex: 0 }));
      const bound = yamlBoundFinding(parsed, display);
      if (bound) this.reportOnce(bound);
      this.parsed.set(key, null);
      return null;
    }
    this.parsed.set(key, docs[0]!);
    return docs[0]!;
  }

  private reportOnce(finding: Finding): void {
    this.onceOnly.add(finding);
    this.out.findings.push(finding);
  }

  private triggers(doc: YamlDoc): string[] {
    const on = doc.get(doc.root, 'on') ?? doc.get(doc.root, 'true');
    if (!on) return [];
    const s = doc.str(on);
    if (s) return [s];
    if (doc.isSeq(on)) return doc.items(on).map((n) => doc.str(n) ?? '').filter(Boolean);
    return doc.entries(on).map((e) => e.key);
  }

  // ------------------------------------------------------------------ workflows and jobs

  private async runWorkflow(wf: LoadedFile, call: WorkflowCall): Promise<WorkflowRunResult> {
    const { doc } = wf;
    const root = doc.root;
    // The ref domain only helps when every ref is literal (a glob like refs/tags/v* names no single value).
    const literalRefs = call.refs && call.refs.every((r) => !/[*?[]/.test(r)) ? call.refs : undefined;
    const scope = emptyScope({ ...this.github, ...(call.events ? { [EVENTS]: call.events } : {}), ...(literalRefs ? { [REFS]: literalRefs } : {}) });
    scope.inputs = { ...this.inputDefaults(doc, call.prefix !== ''), ...call.inputs };
    const lookup0 = scopeLookup(scope);
    scope.env = this.envMap(doc, doc.get(root, 'env'), lookup0, {});
    const wfPerms = doc.get(root, 'permissions');
    const jobsNode = doc.get(root, 'jobs');
    const jobEntries = doc.entries(jobsNode);
    const needsOf = new Map<string, string[]>();
    // By id, once: `doc.get(jobsNode, id)` per job scans the entries, quadratic in 8,000 jobs.
    const entryOf = new Map<string, (typeof jobEntries)[number]>();
    for (const j of jobEntries) {
      needsOf.set(j.key, strings(doc, doc.get(j.value, 'needs')));
      entryOf.set(j.key, j);
    }
    const order = topoOrder(jobEntries.map((j) => j.key), needsOf);
    // The graph node standing for "job <id> of this run has finished" (all its matrix runs and the jobs of the
    // reusable workflow it calls), set once the job is read: a need on a job read later (a cycle) or on no job
    // adds no edge.
    const doneOf = new Map<string, number>();
    const done: number[] = [];
    let stopped = false;
    for (const jobId of order) {
      const entry = entryOf.get(jobId)!;
      const jobNode = doc.deref(entry.value);
      if (!jobNode) continue;
      const jobLoc = { file: wf.file, line: doc.line(entry.keyNode) };
      const needs = needsOf.get(jobId) ?? [];
      // What this job's runs wait for: the jobs it needs (and what those waited for), and what the calling job waited for.
      const waitsFor = needs.flatMap((n) => doneOf.get(n) ?? []);
      if (call.start !== undefined) waitsFor.push(call.start);
      // The `needs` context holds the jobs named in `needs:`, as on the runner.
      const jobNeeds: Scope['needs'] = {};
      for (const n of needs) if (scope.needs[n]) jobNeeds[n] = scope.needs[n]!;
      // `jobs.<id>` only exists in `on.workflow_call.outputs`, never in a job.
      const jobScopeBase: Scope = { ...scope, needs: jobNeeds, jobs: {}, steps: {}, matrix: {} };
      const lookupBase = scopeLookup(jobScopeBase);
      const jobIf = doc.str(doc.get(jobNode, 'if'));
      const guard = this.extendGuard(call.guard, jobIf, lookupBase);
      if (guard === 'never') {
        const doneNode = this.graph.add(undefined, waitsFor, jobLoc);
        doneOf.set(jobId, doneNode);
        done.push(doneNode);
        continue;
      }
      const perms = doc.get(jobNode, 'permissions') ?? wfPerms;
      const idToken = perms ? hasIdTokenWrite(doc, perms) : (call.callerIdToken ?? false);
      const { combos, capped } = matrixCombinations(doc, doc.get(doc.get(jobNode, 'strategy'), 'matrix'), lookupBase);
      if (capped) this.out.limits.push(`matrix bound (${MAX_MATRIX_COMBINATIONS} combinations) hit at ${jobLoc.file}:${jobLoc.line}; the rest not expanded`);
      // The job has finished when every run of it and every job of the workflow it calls has, and (for a job that
      // never runs) when what it waited for has.
      const finished: number[] = [...waitsFor];
      let lastScope: Scope | undefined;
      for (const [ci, matrix] of combos.entries()) {
        if (!this.budget.charge(COST.job + COST.edge * waitsFor.length)) {
          this.budget.stopped(`the jobs of ${wf.file}`, jobLoc);
          stopped = true;
          break;
        }
        const jobKey = `${call.prefix}${wf.file}#${jobId}${combos.length > 1 ? `[${ci}]` : ''}`;
        finished.push(this.graph.add(jobKey, waitsFor, jobLoc));
        const jobScope: Scope = { ...jobScopeBase, matrix, steps: {} };
        const lookup = scopeLookup(jobScope);
        jobScope.env = { ...scope.env, ...this.envMap(doc, doc.get(jobNode, 'env'), lookup, scope.env) };
        // A remote reusable workflow's identity carries its own ref (the one the caller pins).
        const refs = wf.remote ? [`refs/tags/${wf.remote.replace(/^.*@/, '')}`] : call.refs;
        this.addJob({ jobKey, location: jobLoc, idTokenWrite: idToken, workflowPath: wf.remote ?? wf.relPath, ...(refs ? { refs } : {}) });
        const uses = doc.str(doc.get(jobNode, 'uses'));
        if (uses) {
          // The called workflow's jobs start when this job would: after what it waits for.
          const start = this.graph.add(undefined, waitsFor, jobLoc);
          const nested = await this.callReusable(wf, jobNode, uses, jobScope, { chain: call.chain, guard, depth: call.depth, start, callerIdToken: idToken, ...(call.refs ? { refs: call.refs } : {}), ...(call.events ? { events: call.events } : {}) }, jobKey);
          append(finished, nested.done);
          scope.needs[jobId] = { outputs: nested.outputs };
          lastScope = undefined;
          continue;
        }
        const run: JobRun = {
          scope: jobScope,
          jobKey,
          guard,
          seq: 0,
          virtualFiles: {},
          envWrites: {},
          workflowPath: wf.remote ?? wf.relPath,
          depth: call.depth,
          ephemeralRegistries: [...this.input.ephemeralRegistries, ...registryServices(doc, doc.get(jobNode, 'services'))],
        };
        // Windows runners default to pwsh, the others to bash.
        const runsOn = JSON.stringify(doc.toPlain(doc.get(jobNode, 'runs-on')) ?? '');
        const defaultShell =
          doc.str(doc.get(doc.get(doc.get(jobNode, 'defaults'), 'run'), 'shell')) ??
          doc.str(doc.get(doc.get(doc.get(root, 'defaults'), 'run'), 'shell')) ??
          (/windows/i.test(interpolateOne(runsOn, scopeLookup(jobScope))) ? 'pwsh' : undefined);
        if (defaultShell) run.defaultShell = defaultShell;
        await this.runSteps(wf, doc.get(jobNode, 'steps'), run, call.chain);
        lastScope = jobScope;
      }
      const doneNode = this.graph.add(undefined, finished, jobLoc);
      doneOf.set(jobId, doneNode);
      done.push(doneNode);
      if (lastScope) scope.needs[jobId] = { outputs: this.outputsMap(doc, doc.get(jobNode, 'outputs'), scopeLookup(lastScope)) };
      scope.jobs[jobId] = scope.needs[jobId] ?? { outputs: {} };
      if (stopped) break;
    }
    // workflow_call outputs: `value: ${{ jobs.x.outputs.y }}`
    const callOutputs: Record<string, string> = {};
    const wc = doc.get(doc.get(root, 'on'), 'workflow_call');
    const lookupJobs = scopeLookup(scope);
    for (const o of doc.entries(doc.get(wc, 'outputs'))) {
      const v = doc.str(doc.get(o.value, 'value'));
      if (v !== undefined) callOutputs[o.key] = interpolateOne(v, lookupJobs);
    }
    return { outputs: callOutputs, done };
  }

  /**
   * The inputs a run starts with before any are given. Only a called workflow's are known: what its caller does not
   * pass is the `workflow_call` default (false, 0 or empty without one). A workflow the analysis starts from runs
   * on its own triggers: dispatched, the person running it chooses every input (the default only fills the form);
   * on any other event `inputs` is empty. Either way the value is decided at run time, so it stays unknown.
   */
  private inputDefaults(doc: YamlDoc, called: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!called) return out;
    const on = doc.get(doc.root, 'on');
    for (const i of doc.entries(doc.get(doc.get(on, 'workflow_call'), 'inputs'))) {
      const defNode = doc.get(i.value, 'default');
      const type = doc.str(doc.get(i.value, 'type'));
      if (defNode && isScalar(defNode)) out[i.key] = coerceInput(String((defNode as Scalar).value ?? ''), type);
      else out[i.key] = type === 'boolean' ? false : type === 'number' ? 0 : '';
    }
    return out;
  }

  private async callReusable(caller: LoadedFile, jobNode: Node, uses: string, scope: Scope, call: Omit<WorkflowCall, 'inputs' | 'prefix'>, jobKey: string): Promise<WorkflowRunResult> {
    const doc = caller.doc;
    const lookup = scopeLookup(scope);
    const withInputs: Record<string, unknown> = {};
    const withNode = doc.get(jobNode, 'with');
    for (const e of doc.entries(withNode)) {
      const raw = doc.str(e.value);
      if (raw === undefined) continue;
      withInputs[e.key] = coerceInput(interpolateOne(raw, lookup), undefined);
    }
    const usesLoc: Location = { file: caller.file, line: doc.line(doc.get(jobNode, 'uses')) };
    const nothing: WorkflowRunResult = { outputs: {}, done: [] };
    if (this.depthBound(call.depth)) {
      this.out.limits.push(`reusable workflow nesting bound (${MAX_CALL_DEPTH}) hit at ${usesLoc.file}:${usesLoc.line}; ${uses} not followed`);
      return nothing;
    }
    let target: LoadedFile | undefined;
    if (uses.startsWith('./')) {
      if (caller.remote) {
        // `./` inside a remote workflow refers to the remote repository.
        const rel = uses.slice(2).replace(/@.*$/, '');
        const d = this.load(caller.repo, rel, remoteDisplay(caller.remote, rel));
        if (d) target = { doc: d, repo: caller.repo, file: rel, relPath: rel, remote: caller.remote };
      } else {
        const rel = uses.slice(2).replace(/@.*$/, '');
        const d = this.load(this.input.repo, rel, rel);
        if (d) target = { doc: d, repo: this.input.repo, file: rel, relPath: rel };
      }
    } else {
      const parsed = parseUses(uses);
      if (parsed && /slsa-framework\/slsa-github-generator/i.test(`${parsed.owner}/${parsed.repo}`) && /generator_container_slsa3/i.test(parsed.path)) {
        this.slsaContainerAttestation(withInputs, usesLoc, call, jobKey);
        return nothing;
      }
      if (parsed) {
        const got = await this.input.remote.readFile(parsed.owner, parsed.repo, parsed.ref, parsed.path);
        if ('error' in got) {
          this.notInspected(uses, usesLoc, got.error, withInputs, call.guard, jobKey, call.chain, doc, jobNode);
          return nothing;
        }
        const parsedDoc = this.load(got.repo, parsed.path, got.display);
        if (parsedDoc) target = { doc: parsedDoc, repo: got.repo, file: got.display, relPath: parsed.path, remote: `${parsed.owner}/${parsed.repo}/${parsed.path}@${parsed.ref}` };
      }
    }
    if (!target) return nothing;
    const callee = target;
    // Input types from the callee decide how strings like 'true' are read.
    const wc = callee.doc.get(callee.doc.get(callee.doc.root, 'on'), 'workflow_call');
    for (const i of callee.doc.entries(callee.doc.get(wc, 'inputs'))) {
      if (i.key in withInputs) withInputs[i.key] = coerceInput(String(withInputs[i.key] ?? ''), callee.doc.str(callee.doc.get(i.value, 'type')));
    }
    const run: WorkflowCall = {
      inputs: withInputs,
      chain: [...call.chain, usesLoc],
      prefix: `${jobKey}>`,
      guard: call.guard,
      depth: call.depth + 1,
      ...(call.start !== undefined ? { start: call.start } : {}),
      callerIdToken: call.callerIdToken,
      ...(call.refs ? { refs: call.refs } : {}),
      ...(call.events ? { events: call.events } : {}),
    };
    const identity = workflowIdentity(callee);
    // What the called workflow's analysis depends on besides its file; where it sits (chain, job key, what it
    // waits for) is stamped onto a reused result.
    const key = JSON.stringify([identity, withInputs, guardKey(call.guard), call.callerIdToken ?? null, call.refs ?? null, call.events ?? null]);
    const got = await this.follow<WorkflowRunResult, WorkflowStamp>(
      { identity, display: callee.file, key, location: usesLoc, depth: run.depth },
      { prefix: run.prefix, chainLength: run.chain.length, ...(run.start !== undefined ? { start: run.start } : {}) },
      () => this.runWorkflow(callee, run),
      (memo) => this.reuseWorkflow(memo, run),
    );
    return got ?? nothing;
  }

  /** A called workflow's result analysed for another caller, stamped with this caller's chain and job keys. */
  private reuseWorkflow(memo: Memo<WorkflowRunResult, WorkflowStamp>, run: WorkflowCall): WorkflowRunResult {
    const { prefix, chainLength, start } = memo.stamp;
    // Every job key inside the called workflow starts with its caller's job key.
    const rename = (key: string) => (key.startsWith(prefix) ? run.prefix + key.slice(prefix.length) : key);
    this.replayRecording(memo.recording, (op) => ({ ...op, chain: [...run.chain, ...op.chain.slice(chainLength)], ...(op.jobKey !== undefined ? { jobKey: rename(op.jobKey) } : {}) }));
    const outside = new Map<number, number>();
    if (start !== undefined && run.start !== undefined) outside.set(start, run.start);
    const moved = this.graph.replay(memo.recording.graphFrom, memo.recording.graphTo, rename, outside);
    for (const facts of memo.recording.jobs) this.addJob({ ...facts, jobKey: rename(facts.jobKey) });
    return { outputs: memo.result.outputs, done: memo.result.done.map(moved) };
  }

  /** slsa-github-generator's container generator: a signed SLSA provenance attestation for image@digest. */
  private slsaContainerAttestation(inputs: Record<string, unknown>, loc: Location, call: { chain: Location[]; guard: Guard }, jobKey: string): void {
    const image = String(inputs['image'] ?? '');
    const digest = String(inputs['digest'] ?? '');
    if (!image) return;
    const op: SignOp = {
      kind: 'sign',
      tool: 'slsa-framework/slsa-github-generator (generator_container_slsa3)',
      method: 'attestation',
      refs: [parseImageRef(`${image}@${digest || '${{ digest }}'}`)],
      keyless: true,
      signatureFormat: 'legacy',
      location: loc,
      chain: call.chain,
      guard: call.guard,
      confidence: 'high',
      jobKey,
      stepIndex: 0,
      seq: 0,
      notes: ['SLSA provenance attestation signed keylessly by the slsa-github-generator reusable workflow'],
    };
    this.out.operations.push(op);
  }

  private notInspected(uses: string, loc: Location, why: string, inputs: Record<string, unknown>, guard: Guard, jobKey: string, chain: Location[], doc?: YamlDoc, jobNode?: Node): void {
    const inputTexts: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(inputs)) inputTexts[k] = [String(v)];
    const perms = doc && jobNode ? doc.get(jobNode, 'permissions') : null;
    const packagesWrite = !!perms && doc !== undefined && (doc.str(perms) === 'write-all' || doc.str(doc.get(perms, 'packages')) === 'write');
    if (!looksImageRelated(uses, inputTexts) && !packagesWrite) return;
    const name = `${NOT_INSPECTED_PREFIX}${uses}`;
    this.out.findings.push(
      ruleFinding('not-inspected', `${uses} may build or push images but was not inspected (${why}). Provide it with --remote-checkouts / remote-checkouts, or give the action a github-token.`, loc),
    );
    const op: PushOp = {
      kind: 'push',
      tool: uses,
      refs: [{ raw: name, name, resolved: false }],
      location: loc,
      chain,
      guard,
      confidence: 'low',
      jobKey,
      stepIndex: 0,
      seq: 0,
      notes: [`pushed by ${uses}, not inspected: ${why}`],
    };
    this.out.operations.push(op);
  }

  // ------------------------------------------------------------------ steps

  private async runSteps(file: LoadedFile, stepsNode: Node | null, run: JobRun, chain: Location[]): Promise<void> {
    const { doc } = file;
    const steps: Array<{ node: Node; group?: number }> = [];
    let groupId = 0;
    for (const s of doc.items(stepsNode)) {
      const par = doc.get(s, 'parallel');
      if (par && doc.isSeq(par)) {
        groupId++;
        for (const inner of doc.items(par)) steps.push({ node: inner, group: groupId });
      } else steps.push({ node: s });
    }
    const ids = new Set<string>();
    for (const s of steps) {
      const id = doc.str(doc.get(s.node, 'id'));
      if (id) ids.add(id);
    }
    run.scope.stepIds = ids;
    for (const s of steps) {
      if (!this.budget.charge(COST.step)) {
        this.budget.stopped(`the steps of ${file.file}`, { file: file.file, line: doc.line(s.node) });
        return;
      }
      await this.runStep(file, s.node, s.group, run, chain);
    }
  }

  private async runStep(file: LoadedFile, node: Node, group: number | undefined, run: JobRun, chain: Location[]): Promise<void> {
    const { doc } = file;
    const stepLoc: Location = { file: file.file, line: doc.line(node) };
    const stepIndex = ++run.seq;
    const id = doc.str(doc.get(node, 'id'));
    const scope = run.scope;
    if (Object.keys(run.envWrites).length > 0) scope.env = { ...scope.env, ...run.envWrites };
    const lookup = scopeLookup(scope);
    const cond = doc.str(doc.get(node, 'if'));
    // The step's own condition: what it writes to $GITHUB_ENV holds only when it runs.
    const stepIf = cond ? evaluateGuard(cond, lookup) : TRUE;
    const guard0 = this.narrowGuard(run.guard, stepIf);
    if (guard0 === 'never') return;
    let guard = guard0;
    if (cond) {
      const missing = [...cond.matchAll(/steps\.([\w-]+)\./g)].map((m) => m[1]!).find((sid) => !scope.stepIds?.has(sid));
      if (missing) guard = { ...guard, neverRuns: `its if: names step id '${missing}', which does not exist in the job` };
    }
    const coe = doc.get(node, 'continue-on-error');
    if (coe && doc.str(coe) !== undefined) {
      const v = interpolateOne(doc.str(coe)!, lookup);
      if (v === 'true' || /\$\{\{/.test(v)) guard = { ...guard, continueOnError: true };
    }
    const runNode = doc.get(node, 'run');
    const uses = doc.str(doc.get(node, 'uses'));
    // Most steps cannot matter (checkout, setup-*, test runners): decide that before building their environment.
    const script = runNode && isScalar(runNode) ? interpolateOne(String(runNode.value ?? ''), lookup) : undefined;
    if (script !== undefined && !scriptMayMatter(script)) return;
    if (script === undefined && (!uses || isIrrelevantUses(uses))) return;
    const stepEnv = { ...this.runnerEnv, ...scope.env, ...this.envMap(doc, doc.get(node, 'env'), lookup, scope.env) };
    const ctx: OpContext = { chain, guard, jobKey: run.jobKey, stepIndex, ...(group !== undefined ? { parallelGroup: group } : {}), ephemeralRegistries: run.ephemeralRegistries, remoteFiles: this.remoteFiles, budget: this.budget };
    const workdir = (doc.str(doc.get(node, 'working-directory')) ?? '').replace(/^\.\/?/, '').replace(/\/+$/, '');
    let produced: Operation[] = [];
    const shell = doc.str(doc.get(node, 'shell')) ?? run.defaultShell;
    if (script !== undefined && !isPosixShell(shell)) {
      this.out.limits.push(`${stepLoc.file}:${stepLoc.line}: run step with shell '${shell}' is not analysed (only bash and sh are)`);
    } else if (script !== undefined && runNode) {
      const block = (runNode as Scalar).type === 'BLOCK_LITERAL' || (runNode as Scalar).type === 'BLOCK_FOLDED';
      const line = doc.line(runNode) + (block ? 1 : 0);
      // An env value with alternatives (written under an earlier step's if:) is not text the shell can take apart:
      // the script is read once per combination of alternatives, each under its condition.
      const results = environmentForks(stepEnv, script).map((fork) => ({
        when: fork.when,
        result: this.scripts.analyze({
          ...ctx,
          guard: fork.when.k === 'const' ? ctx.guard : { ...ctx.guard, formula: and(ctx.guard.formula, fork.when) },
          script,
          file: file.file,
          line,
          env: fork.env,
          workingDirectory: workdir,
          // Steps of remote composite actions and reusable workflows run in the caller's workspace: `make`, `./hack/x.sh`
          // refer to the scanned repository, not to the action's.
          repo: this.input.repo,
          ...(this.input.repository ? { repository: this.input.repository } : {}),
          depth: SCRIPT_DEPTH,
          files: run.virtualFiles,
        }),
      }));
      const r = joinForks(results);
      produced = r.operations;
      append(this.out.localBuilds, r.localBuilds);
      append(this.out.findings, r.findings);
      append(this.out.limits, r.limits);
      this.writeEnv(run, r.envWrites, stepIf);
      applyFileWrites(run.virtualFiles, r.fileWrites, stepIf);
      if (id) scope.steps[id] = { outputs: { ...r.outputWrites } };
    } else if (uses) {
      const withInputs: Record<string, string[]> = {};
      const inputWhen: Record<string, Formula[]> = {};
      const inputLines: Record<string, number> = {};
      const withNode = doc.get(node, 'with');
      for (const e of doc.entries(withNode)) {
        const raw = doc.str(e.value);
        if (raw === undefined) continue;
        const alternatives = inputAlternatives(raw, lookup);
        withInputs[e.key.toLowerCase()] = alternatives.map((a) => a.text);
        inputWhen[e.key.toLowerCase()] = alternatives.map((a) => a.when);
        inputLines[e.key.toLowerCase()] = doc.line(e.keyNode);
      }
      const usesLoc = { file: file.file, line: doc.line(doc.get(node, 'uses')) };
      // What an action (handler or composite) exports holds only when the step runs, as for a run: step.
      const envBefore = stepIf.k === 'const' ? undefined : { ...run.envWrites };
      const filesBefore = stepIf.k === 'const' ? undefined : { ...run.virtualFiles };
      produced = await this.runUses(file, uses, usesLoc, stepLoc, id, { texts: withInputs, when: inputWhen }, inputLines, ctx, stepEnv, workdir, run, chain);
      if (envBefore && filesBefore) this.conditionWrites(run, envBefore, filesBefore, stepIf);
    }
    for (const [i, op] of produced.entries()) {
      op.seq = stepIndex * 1000 + i;
      if (op.kind === 'sign') this.completeSign(op, run);
    }
    append(this.out.operations, produced);
  }

  private completeSign(op: SignOp, run: JobRun): void {
    if (!op.identityWorkflow) op.identityWorkflow = run.workflowPath;
    // A key file that is not in the tree is written during the run (typically from a secret in an earlier step):
    // its origin cannot be judged here. A key file that IS committed stays 'file' (and committed-private-key fires).
    if (op.key?.source === 'file') {
      const p = op.key.value.replace(/^\.\//, '');
      if (!this.input.repo.has(p)) op.key = { ...op.key, source: 'unknown' };
    }
    if (op.signatureFormat === 'default' && run.cosignMajor !== undefined) {
      // cosign 3 writes a Sigstore bundle as an OCI referrer by default; cosign 2 the legacy `.sig` tag.
      op.signatureFormat = run.cosignMajor >= 3 ? 'bundle' : 'legacy';
      op.notes = [...(op.notes ?? []), `cosign ${run.cosignMajor}.x installed by sigstore/cosign-installer`];
    }
  }

  private async runUses(
    file: LoadedFile,
    uses: string,
    usesLoc: Location,
    stepLoc: Location,
    id: string | undefined,
    given: StepInputs,
    inputLines: Record<string, number>,
    ctx: OpContext,
    env: Record<string, string>,
    workdir: string,
    run: JobRun,
    chain: Location[],
  ): Promise<Operation[]> {
    const withInputs = given.texts;
    if (uses.startsWith('docker://')) return [];
    if (uses.startsWith('./')) {
      const rel = uses.slice(2).replace(/\/+$/, '');
      // A JavaScript or Docker action at a path: the handler of the action it is, or not inspected (local-action.ts).
      const opaque = this.opaqueAction(file.repo, rel, (p) => (file.remote ? remoteDisplay(file.remote, p) : p), file.remote ? ownerRepoOf(file.remote) : this.input.repository, uses, withInputs, usesLoc, ctx);
      if (opaque === 'not-inspected') return [];
      if (opaque) return this.runHandler(file, opaque.handler, opaque.action, '', usesLoc, stepLoc, id, given, inputLines, ctx, env, workdir, run);
      return this.runComposite(file.repo, rel, file.remote ? remoteDisplay(file.remote, rel) : rel, file.remote, stepLoc, usesLoc, id, given, ctx, run, chain);
    }
    const parsed = parseUses(uses);
    if (!parsed) return [];
    const action = `${parsed.owner}/${parsed.repo}${parsed.path ? `/${parsed.path}` : ''}`.toLowerCase();
    const handler = handlerFor(action);
    if (handler) return this.runHandler(file, handler, action, parsed.ref, usesLoc, stepLoc, id, given, inputLines, ctx, env, workdir, run);
    if (isKnownIrrelevant(action)) return [];
    // An unknown remote action: read it when it could matter (composite actions that run scripts).
    if (!worthReading(action, withInputs)) return [];
    const actionDir = parsed.path;
    for (const name of ['action.yml', 'action.yaml']) {
      const path = actionDir ? `${actionDir}/${name}` : name;
      const got = await this.input.remote.readFile(parsed.owner, parsed.repo, parsed.ref, path);
      if ('error' in got) continue;
      const remoteId = `${parsed.owner}/${parsed.repo}/${actionDir ? `${actionDir}/` : ''}@${parsed.ref}`.replace('/@', '@');
      // Read, but JavaScript or Docker: as opaque as an unread one.
      const opaque = this.opaqueAction(got.repo, actionDir, () => got.display, undefined, uses, withInputs, usesLoc, ctx);
      if (opaque === 'not-inspected') return [];
      if (opaque) return this.runHandler(file, opaque.handler, opaque.action, parsed.ref, usesLoc, stepLoc, id, given, inputLines, ctx, env, workdir, run);
      return this.runComposite(got.repo, actionDir, remoteId, remoteId, stepLoc, usesLoc, id, given, ctx, run, chain, got.display);
    }
    const inputs: Record<string, unknown> = {};
    for (const k of Object.keys(withInputs)) inputs[k] = inputText(given, k);
    this.notInspected(uses, usesLoc, this.input.remote.unreadReason(parsed.owner, parsed.repo, parsed.ref) ?? (this.input.remote.available ? 'not found in the remote checkouts or through the API' : 'no remote checkout and no GitHub token given'), inputs, ctx.guard, ctx.jobKey, chain);
    return [];
  }

  /**
   * A JavaScript or Docker action at `dir`: the handler of the known action it is a copy of, or 'not-inspected'
   * (recorded here) when it may publish images; undefined for composite actions and irrelevant opaque ones.
   */
  private opaqueAction(repo: RepoReader, dir: string, displayOf: (relPath: string) => string, ownerRepo: string | undefined, uses: string, withInputs: Record<string, string[]>, usesLoc: Location, ctx: OpContext): { action: string; handler: ActionHandler } | 'not-inspected' | undefined {
    const relPath = ['action.yml', 'action.yaml'].map((n) => (dir ? `${dir}/${n}` : n)).find((p) => repo.has(p) || repo.read(p).ok);
    if (!relPath) return undefined;
    const doc = this.load(repo, relPath, displayOf(relPath));
    if (!doc) return undefined;
    const decision = classifyLocalAction({ doc, dir, ...(ownerRepo ? { ownerRepo } : {}), withInputs });
    if (decision.kind === 'handler') return decision;
    if (decision.kind === 'ignore') return undefined;
    const { finding, op } = localNotInspected(uses, decision.using, usesLoc, ctx);
    this.out.findings.push(finding);
    this.out.operations.push(op);
    return 'not-inspected';
  }

  private runHandler(
    file: LoadedFile,
    handler: ActionHandler,
    action: string,
    ref: string,
    usesLoc: Location,
    stepLoc: Location,
    id: string | undefined,
    given: StepInputs,
    inputLines: Record<string, number>,
    ctx: OpContext,
    env: Record<string, string>,
    workdir: string,
    run: JobRun,
  ): Operation[] {
    const lineText = this.lineText(file, usesLoc.line);
    const comment = /#\s*(v?\d+(?:\.\d+)*)/.exec(lineText)?.[1];
    const step: ActionStep = {
      action,
      ref,
      ...(comment ? { refComment: comment } : {}),
      inputs: given.texts,
      inputWhen: given.when,
      inputLines,
      ...(id ? { stepId: id } : {}),
      location: stepLoc,
      ctx,
      repo: this.input.repo,
      ...(this.input.repository ? { repository: this.input.repository } : {}),
      env,
      workdir,
      ...(run.cosignMajor !== undefined ? { cosignMajor: run.cosignMajor } : {}),
      virtualFiles: run.virtualFiles,
    };
    const r = handler.run(step);
    append(this.out.localBuilds, r.localBuilds);
    append(this.out.findings, r.findings);
    append(this.out.limits, r.limits);
    Object.assign(run.envWrites, r.envWrites);
    if (r.virtualFiles) Object.assign(run.virtualFiles, r.virtualFiles);
    if (r.cosignMajor !== undefined) run.cosignMajor = r.cosignMajor;
    if (id) run.scope.steps[id] = { outputs: r.outputs };
    return r.operations;
  }

  /** Runs a composite action's steps inside the calling job (same runner, same env, own steps namespace). */
  private async runComposite(
    repo: RepoReader,
    dir: string,
    display: string,
    remote: string | undefined,
    stepLoc: Location,
    usesLoc: Location,
    id: string | undefined,
    given: StepInputs,
    ctx: OpContext,
    run: JobRun,
    chain: Location[],
    displayFile?: string,
  ): Promise<Operation[]> {
    if (this.depthBound(run.depth)) {
      this.out.limits.push(`composite action nesting bound (${MAX_CALL_DEPTH}) hit at ${stepLoc.file}:${stepLoc.line}; ${display} not followed`);
      return [];
    }
    let relPath: string | undefined;
    for (const name of ['action.yml', 'action.yaml']) {
      const p = dir ? `${dir}/${name}` : name;
      if (repo.has(p) || repo.read(p).ok) {
        relPath = p;
        break;
      }
    }
    if (!relPath) {
      // A local Docker/JS action directory without action.yml, or a missing path.
      return [];
    }
    const shown = displayFile ?? (remote ? remoteDisplay(remote, relPath) : relPath);
    const doc = this.load(repo, relPath, shown);
    if (!doc) return [];
    const runs = doc.get(doc.root, 'runs');
    if (doc.str(doc.get(runs, 'using')) !== 'composite') return [];
    const inputs: Record<string, unknown> = {};
    for (const i of doc.entries(doc.get(doc.root, 'inputs'))) {
      const key = i.key.toLowerCase();
      const def = doc.str(doc.get(i.value, 'default'));
      inputs[i.key] = given.texts[key] !== undefined ? inputText(given, key) : def !== undefined ? interpolateOne(def, scopeLookup(run.scope)) : '';
    }
    for (const k of Object.keys(given.texts)) if (!(k in inputs)) inputs[k] = inputText(given, k);
    const innerScope: Scope = { ...run.scope, inputs, steps: {}, env: { ...run.scope.env, ...run.envWrites } };
    const file: LoadedFile = { doc, repo, file: shown, relPath, ...(remote ? { remote } : {}) };
    const innerChain = [...chain, stepLoc];
    const seq0 = run.seq;
    const identity = `composite\u0000${repo.root}\u0000${relPath}\u0000${remote ?? ''}`;
    // Everything the composite's steps can see or change, besides where they sit (job, chain, step numbers), which
    // is stamped onto a reused result: the same action called again in the same state is read once.
    const key = JSON.stringify([
      identity,
      innerScope.inputs,
      innerScope.env,
      innerScope.github,
      innerScope.matrix,
      isCompleteMatrix(innerScope.matrix),
      innerScope.needs,
      innerScope.jobs,
      run.envWrites,
      run.virtualFiles,
      run.cosignMajor ?? null,
      guardKey(ctx.guard),
      run.workflowPath,
      run.ephemeralRegistries,
      run.defaultShell ?? null,
    ]);
    if (!this.budget.charge(1 + (key.length >>> 4))) {
      this.budget.stopped(`composite action ${shown}`, usesLoc);
      return [];
    }
    const got = await this.follow<CompositeResult, CompositeStamp>(
      { identity, display: shown, key, location: usesLoc, depth: run.depth + 1 },
      { jobKey: run.jobKey, chainLength: innerChain.length, seq0 },
      async () => {
        const innerRun: JobRun = { ...run, scope: innerScope, guard: ctx.guard, depth: run.depth + 1 };
        await this.runSteps(file, doc.get(runs, 'steps'), innerRun, innerChain);
        return {
          steps: innerRun.seq - seq0,
          ...(innerRun.cosignMajor !== undefined ? { cosignMajor: innerRun.cosignMajor } : {}),
          // The composite's steps wrote these into the job's own objects (shared with innerRun).
          envWrites: { ...run.envWrites },
          virtualFiles: { ...run.virtualFiles },
          outputs: this.outputsMap(doc, doc.get(doc.root, 'outputs'), scopeLookup(innerScope), true),
        };
      },
      (memo) => this.reuseComposite(memo, run, innerChain),
    );
    if (!got) return [];
    run.seq = seq0 + got.steps;
    run.cosignMajor = got.cosignMajor;
    Object.assign(run.envWrites, got.envWrites);
    Object.assign(run.virtualFiles, got.virtualFiles);
    if (id) run.scope.steps[id] = { outputs: { ...got.outputs } };
    // The composite's operations were already recorded by its own steps; hand none back.
    return [];
  }

  /**
   * A composite action's result read for another step (or job) in the same state: its operations move to this job,
   * this chain and this step's numbers (the composite's steps are numbered after the calling step, in its job).
   */
  private reuseComposite(memo: Memo<CompositeResult, CompositeStamp>, run: JobRun, chain: Location[]): CompositeResult {
    const { jobKey, chainLength, seq0 } = memo.stamp;
    const shift = run.seq - seq0;
    this.replayRecording(memo.recording, (op) => {
      const copy: Operation = { ...op, chain: [...chain, ...op.chain.slice(chainLength)] };
      if (op.jobKey === jobKey) copy.jobKey = run.jobKey;
      // Only the numbers of the composite's own steps move; a placeholder's 0 stays 0.
      if (op.stepIndex !== undefined && op.stepIndex > seq0) copy.stepIndex = op.stepIndex + shift;
      if (op.seq !== undefined && op.seq >= (seq0 + 1) * 1000) copy.seq = op.seq + shift * 1000;
      return copy;
    });
    return memo.result;
  }

  // ------------------------------------------------------------------ calls: cycles, reuse, budget

  /**
   * Follows a call to a reusable workflow or a composite action. A callee already on the call stack is a cycle:
   * reported once per call site and cut (its contents are not expanded again). A result analysed before under the
   * same key, and still valid here (same cycles cut, same nesting bounds hit), is reused through `reuse`;
   * otherwise the callee is analysed once and remembered with everything it added. Undefined when nothing was
   * followed (a cycle, or the budget refused).
   */
  private async follow<R, S>(
    callee: { identity: string; display: string; key: string; location: Location; depth: number },
    stamp: S,
    analyse: () => Promise<R>,
    reuse: (memo: Memo<R, S>) => R,
  ): Promise<R | undefined> {
    const top = this.frames[this.frames.length - 1];
    const cycleAt = this.frames.findIndex((f) => f.identity === callee.identity);
    if (cycleAt >= 0) {
      top?.reached.add(callee.identity);
      const through = [...this.frames.slice(cycleAt).map((f) => f.display), callee.display].join(' → ');
      this.budget.hit('cycle', `${callee.display} calls itself through ${through}`, callee.location);
      return undefined;
    }
    const memo = this.input.reuse === false ? undefined : (this.memos.get(callee.key) as Array<Memo<R, S>> | undefined)?.find((m) => this.stillValid(m, callee.depth));
    if (memo) {
      if (!this.budget.charge(recordingCost(memo.recording))) {
        this.budget.stopped(`the reuse of ${callee.display}`, callee.location);
        return undefined;
      }
      if (top) mergeFrame(top, { identity: callee.identity, reached: memo.reached, deepest: memo.deepest - memo.depth + callee.depth, boundHit: memo.boundHit });
      this.counters.reused++;
      return reuse(memo);
    }
    if (!this.budget.charge(COST.expansion)) {
      this.budget.stopped(callee.display, callee.location);
      return undefined;
    }
    const frame: CallFrame = { identity: callee.identity, display: callee.display, reached: new Set(), deepest: -Infinity, boundHit: false };
    this.frames.push(frame);
    const marks = this.startRecording();
    const result = await analyse();
    this.frames.pop();
    this.counters.analysed++;
    const cutAbove = new Set(this.frames.filter((f) => frame.reached.has(f.identity)).map((f) => f.identity));
    const entry: Memo<R, S> = { depth: callee.depth, reached: frame.reached, cutAbove, deepest: frame.deepest, boundHit: frame.boundHit, stamp, recording: this.stopRecording(marks), result };
    const list = this.memos.get(callee.key) ?? [];
    list.push(entry as Memo<unknown, unknown>);
    this.memos.set(callee.key, list);
    if (top) mergeFrame(top, frame);
    return result;
  }

  /**
   * A remembered result holds where it is reused when the calls it cut as cycles are cycles here too (and no
   * other), and when the nesting bound stops the same calls (none, or the same depth).
   */
  private stillValid(memo: Memo<unknown, unknown>, depth: number): boolean {
    if (memo.depth !== depth && (memo.boundHit || memo.deepest - memo.depth + depth >= MAX_CALL_DEPTH)) return false;
    for (const f of this.frames) if (memo.reached.has(f.identity) && !memo.cutAbove.has(f.identity)) return false;
    for (const c of memo.cutAbove) if (!this.frames.some((f) => f.identity === c)) return false;
    return true;
  }

  /** True when a call at `depth` is past the nesting bound; noted on the current frame (a reused result must hit the same bounds). */
  private depthBound(depth: number): boolean {
    const top = this.frames[this.frames.length - 1];
    const hit = depth >= MAX_CALL_DEPTH;
    if (top) {
      top.deepest = Math.max(top.deepest, depth);
      if (hit) top.boundHit = true;
    }
    return hit;
  }

  private startRecording(): RecordingMarks {
    return { operations: this.out.operations.length, localBuilds: this.out.localBuilds.length, findings: this.out.findings.length, limits: this.out.limits.length, jobs: this.jobLog.length, graph: this.graph.mark() };
  }

  private stopRecording(m: RecordingMarks): Recording {
    return {
      operations: this.out.operations.slice(m.operations),
      localBuilds: this.out.localBuilds.slice(m.localBuilds),
      // A file's parse error is reported where it is first read, not again for each caller.
      findings: this.out.findings.slice(m.findings).filter((f) => !this.onceOnly.has(f)),
      // Limits are read as a set (the report lists each once): the same nesting bound hit by every copy is one line.
      limits: [...new Set(this.out.limits.slice(m.limits))],
      jobs: this.jobLog.slice(m.jobs),
      graphFrom: m.graph,
      graphTo: this.graph.mark(),
    };
  }

  /** Adds again what a remembered call added, each operation stamped by `stamp`. */
  private replayRecording(r: Recording, stamp: (op: Operation) => Operation): void {
    for (const op of r.operations) this.out.operations.push(stamp(op));
    for (const b of r.localBuilds) this.out.localBuilds.push({ ...b });
    for (const f of r.findings) this.out.findings.push({ ...f });
    for (const l of r.limits) this.out.limits.push(l);
  }

  private addJob(facts: Omit<JobFacts, 'waitsFor'>): void {
    const { jobKey } = facts;
    const job: JobFacts = { ...facts, waitsFor: (before) => this.graph.finishesBefore(before, jobKey) };
    this.out.jobs.set(jobKey, job);
    this.jobLog.push(job);
  }

  // ------------------------------------------------------------------ helpers

  private lineText(file: LoadedFile, line: number): string {
    const r = file.repo.read(file.relPath);
    if (!r.ok) return '';
    let start = 0;
    for (let i = 1; i < line; i++) {
      const n = r.text.indexOf('\n', start);
      if (n < 0) return '';
      start = n + 1;
    }
    const end = r.text.indexOf('\n', start);
    return r.text.slice(start, end < 0 ? undefined : end);
  }

  private extendGuard(base: Guard, cond: string | undefined, lookup: Lookup): Guard | 'never' {
    return cond ? this.narrowGuard(base, evaluateGuard(cond, lookup)) : base;
  }

  private narrowGuard(base: Guard, condition: Formula): Guard | 'never' {
    const formula = and(base.formula, condition);
    if (formula.k === 'const' && !formula.v) return 'never';
    return formula === base.formula ? base : { ...base, formula };
  }

  /**
   * `$GITHUB_ENV` writes of a step with an `if:` hold only when it runs: later steps see the new value under that
   * condition and the previous one (or nothing) otherwise, written as one conditional value.
   */
  /**
   * Rewrites what a `uses:` step changed in the job's environment and runner files as alternatives: its value when
   * the step's `if:` holds, what was there before when it does not. Handlers and composite actions write into the
   * job directly; this puts the step's condition on those writes afterwards.
   */
  private conditionWrites(run: JobRun, envBefore: Record<string, string>, filesBefore: Record<string, string>, stepIf: Formula): void {
    for (const [key, value] of Object.entries(run.envWrites)) {
      if (envBefore[key] === value) continue;
      const previous = envBefore[key] ?? run.scope.env[key] ?? '';
      run.envWrites[key] = previous === value ? value : alternativesText([
        { text: value, when: stepIf },
        { text: previous, when: not(stepIf) },
      ]);
    }
    for (const [path, text] of Object.entries(run.virtualFiles)) {
      const before = filesBefore[path];
      if (before === text) continue;
      // A file the step alone writes is absent when it does not run: its text then holds only under the condition.
      run.virtualFiles[path] = before === undefined ? text : alternativesText([
        { text, when: stepIf },
        { text: before, when: not(stepIf) },
      ]);
    }
  }

  private writeEnv(run: JobRun, writes: Record<string, string>, stepIf: Formula): void {
    for (const [key, value] of Object.entries(writes)) {
      if (stepIf.k === 'const') {
        run.envWrites[key] = value;
        continue;
      }
      const previous = run.envWrites[key] ?? run.scope.env[key] ?? '';
      run.envWrites[key] = alternativesText([
        { text: value, when: stepIf },
        { text: previous, when: not(stepIf) },
      ]);
    }
  }

  private envMap(doc: YamlDoc, node: Node | null, lookup: Lookup, outer: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    // `env.X` inside an env block refers to the outer level's value.
    const scoped: Lookup = (path, text) => (path[0] === 'env' && path[1] !== undefined && outer[path[1]] !== undefined ? [known(outer[path[1]])] : lookup(path, text));
    for (const e of doc.entries(node)) {
      const raw = doc.str(e.value);
      if (raw === undefined) continue;
      env[e.key] = interpolateOne(raw, scoped);
    }
    return env;
  }

  private outputsMap(doc: YamlDoc, node: Node | null, lookup: Lookup, valueKey = false): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of doc.entries(node)) {
      const raw = valueKey ? doc.str(doc.get(e.value, 'value')) : (doc.str(e.value) ?? doc.str(doc.get(e.value, 'value')));
      if (raw !== undefined) out[e.key] = interpolateOne(raw, lookup);
    }
    return out;
  }

}

/** `target.push(...items)` without passing every item as an argument (a long array would overflow the stack). */
function append<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** A step's `with:` inputs: each input's possible texts and the condition of each. */
interface StepInputs {
  texts: Record<string, string[]>;
  when: Record<string, Formula[]>;
}

/**
 * An input's alternatives. A list input of several lines whose values together make more alternatives than a
 * value holds (`set:` with the cache, platform and tag lines each chosen at run time) is read line by line: every
 * line any alternative can produce, once, under the step's own condition. That over-states what one run passes
 * (each push is claimed under a wider condition, so a signature can only look narrower, never wider), where
 * keeping the whole text as written would hand the action no value at all.
 */
function inputAlternatives(raw: string, lookup: Lookup): TextAlternative[] {
  const whole = interpolateAlternatives(raw, lookup);
  if (whole.length > 1 || !raw.trim().includes('\n') || !whole[0]!.text.includes('${{')) return whole;
  const lines = new Set<string>();
  for (const line of raw.split('\n')) {
    for (const a of interpolateAlternatives(line, lookup)) for (const l of a.text.split('\n')) lines.add(l);
  }
  return [{ text: [...lines].join('\n'), when: TRUE }];
}

/** One input as one text: its only value, or its alternatives written as one conditional expression. */
function inputText(given: StepInputs, key: string): string {
  const texts = given.texts[key] ?? [];
  const when = given.when[key] ?? [];
  return alternativesText(texts.map((text, i) => ({ text, when: when[i] ?? TRUE })));
}

/**
 * How many environments one script is read in. Three registries each added under its own `if:` already make 8
 * values of one variable; with the tags chosen by ref type that is 24 combinations.
 */
const MAX_ENV_FORKS = 32;

/**
 * The environments a script may run with: one per combination of env values that hold alternatives (bounded).
 * The names the script itself mentions are split first, so that past the bound it is a name the script does not
 * read that stays unknown (as written), not one it does. Names it does not mention still split while the bound
 * allows: a tool the script runs may read them (DOCKER_CONTENT_TRUST, KO_DOCKER_REPO, a called script).
 */
function environmentForks(env: Record<string, string>, script: string): Array<{ env: Record<string, string>; when: Formula }> {
  const mentioned = (k: string): boolean => script.includes(k);
  const all = Object.keys(env).filter((k) => mayHoldAlternatives(env[k]!));
  const keys = [...all.filter(mentioned), ...all.filter((k) => !mentioned(k))];
  if (keys.length === 0) return [{ env, when: TRUE }];
  return alternativeCombinations(keys.map((k) => env[k]!), MAX_ENV_FORKS).map((c) => ({
    env: { ...env, ...Object.fromEntries(keys.map((k, i) => [k, c.texts[i]!])) },
    when: c.when,
  }));
}

/** The results of one script read per environment, as one: operations of all, writes as conditional values. */
function joinForks(forks: Array<{ when: Formula; result: RunScriptResult }>): RunScriptResult {
  if (forks.length === 1) return forks[0]!.result;
  const joinWritten = (pick: (r: RunScriptResult) => Record<string, string>): Record<string, string> => {
    const keys = new Set(forks.flatMap((f) => Object.keys(pick(f.result))));
    const out: Record<string, string> = {};
    for (const k of keys) out[k] = alternativesText(forks.map((f) => ({ text: pick(f.result)[k] ?? '', when: f.when })));
    return out;
  };
  const seen = new Set<string>();
  const findings = forks.flatMap((f) => f.result.findings).filter((x) => {
    const k = `${x.rule}|${x.location.file}:${x.location.line}|${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    operations: forks.flatMap((f) => f.result.operations),
    localBuilds: forks.flatMap((f) => f.result.localBuilds),
    findings,
    limits: [...new Set(forks.flatMap((f) => f.result.limits))],
    envWrites: joinWritten((r) => r.envWrites),
    outputWrites: joinWritten((r) => r.outputWrites),
    fileWrites: joinForkFileWrites(forks),
  };
}

