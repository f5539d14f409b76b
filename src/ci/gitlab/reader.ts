import { isScalar, type Node, type Scalar } from 'yaml';
import type { RepoReader } from '../../discover/repo.js';
import { and, atom, FALSE, not, or, TRUE, type Formula } from '../../logic/formula.js';
import type { Location } from '../../model/location.js';
import { NOT_INSPECTED_PREFIX, type Guard, type JobFacts, type OpContext, type PushOp, type SignOp } from '../../model/pipeline.js';
import { ruleFinding } from '../../model/rule-finding.js';
import { applyFileWrites } from '../../shell/index.js';
import { scriptMayMatter } from '../../shell/script-relevance.js';
import { AnalysisBudget } from '../../util/budget.js';
import { JobGraph } from '../job-graph.js';
import { ScriptCache } from '../script-cache.js';
import { flattenItems, GLOBAL_KEYS, isReference, jobLayers, keyLine, lastOf, loadConfig, resolveReference, ROOT_CONFIG, type GitlabConfig, type Layer } from './config.js';
import { gitlabCondition, refCondition, type KnownVars } from './expr.js';
import { emptyCiReaderResult, type CiReaderResult } from '../reader-result.js';

/**
 * The GitLab CI reader: `.gitlab-ci.yml` and its local includes into the shared pipeline model (pushes, signatures,
 * local builds with guard, order, job identity, file:line and call chain), as GitLab would run them.
 * Keyword semantics follow https://docs.gitlab.com/ci/yaml/ (cited per keyword below). Scripts go through the
 * shared shell interpreter; this module knows GitLab, the shell knows nothing of it.
 */

export interface GitlabReaderInput {
  repo: RepoReader;
  repository?: string;
  ephemeralRegistries: string[];
  budget?: AnalysisBudget;
}

/** `files`: pipeline files read (the root and its local includes). */
export type GitlabReadResult = CiReaderResult;

/** Same indirection depth as a workflow step's script (make targets, repository scripts). */
const SCRIPT_DEPTH = 6;
/** GitLab's own bound on `parallel:` (and `parallel: matrix:` combinations). */
const MAX_PARALLEL = 200;
/** Rule variants of one job that are read separately (each `rules:` entry that matches is one way the job runs). */
const MAX_VARIANTS = 16;
const MAX_VALUE_EXPANSION = 10;
const COST = { job: 1500, edge: 16, segment: 50 } as const;

/** https://docs.gitlab.com/ci/yaml/#stages: the default stages, and `.pre`/`.post` that always come first and last. */
const DEFAULT_STAGES = ['build', 'test', 'deploy'];

/** Keys `default:` gives a job that does not set them itself (https://docs.gitlab.com/ci/yaml/#default). */
const DEFAULT_KEYS = new Set(['after_script', 'artifacts', 'before_script', 'cache', 'hooks', 'id_tokens', 'image', 'interruptible', 'retry', 'services', 'tags', 'timeout']);

/** Registry images whose service container is a throwaway registry for the job (as for GitHub's `services:`). */
const REGISTRY_SERVICE = /(^|\/)(registry|distribution|zot|zot-linux-amd64)(:|@|$)/i;

/** Image-related words in an unread include: what it may hide is a push (fail closed), as for remote actions. */
const IMAGE_RELATED = /docker|kaniko|buildah|podman|container|image|oci|registry|publish|release|push|cosign|sign|notation|goreleaser|auto-devops|jib|(^|[/_.-])(ko|build)([/_.-]|$)/i;

/** One way a job runs: the rule that matched (or the job's own `when:`), and what it sets. */
interface Variant {
  guard: Formula;
  when: string;
  allowFailure: boolean;
  vars: Record<string, string>;
  /** The rule's line, when a `rules:` entry decided it. */
  rule?: number;
}

export function readGitlab(input: GitlabReaderInput): GitlabReadResult {
  const budget = input.budget ?? new AnalysisBudget();
  const out: GitlabReadResult = emptyCiReaderResult();
  const config = loadConfig(input.repo, budget);
  if (!config) return out;
  out.files = config.files.length;
  out.findings.push(...config.findings);
  out.limits.push(...config.limits);
  new GitlabReader(input, config, budget, out).run();
  return out;
}

class GitlabReader {
  private readonly graph: JobGraph;
  private readonly scripts = new ScriptCache();
  private readonly globalVars: Record<string, string>;
  private readonly pipelineGuard: Formula;

  constructor(
    private readonly input: GitlabReaderInput,
    private readonly config: GitlabConfig,
    private readonly budget: AnalysisBudget,
    private readonly out: GitlabReadResult,
  ) {
    this.graph = new JobGraph(budget);
    this.globalVars = this.variables(this.topLayers('variables'), {});
    // https://docs.gitlab.com/ci/yaml/#workflowrules: no pipeline at all unless a rule matches.
    const wf = lastOf(this.topLayers('workflow'), 'rules');
    this.pipelineGuard = wf ? this.rulesVariants(wf, this.known(this.globalVars), false).reduce<Formula>((acc, v) => or(acc, v.guard), FALSE) : TRUE;
  }

  run(): void {
    this.reportUnread();
    const stages = this.stages();
    const jobs = [...this.config.keys.keys()].filter((k) => !GLOBAL_KEYS.has(k) && !k.startsWith('.') && this.config.keys.get(k)!.some((l) => l.doc.isMap(l.node)));
    const stageOf = new Map<string, number>();
    const layersOf = new Map<string, Layer[]>();
    for (const name of jobs) {
      const { layers, missing, tooDeep } = jobLayers(this.config, name);
      const own = this.config.keys.get(name)!;
      const loc = { file: own[own.length - 1]!.file, line: keyLine(own[own.length - 1]!) };
      if (tooDeep) this.out.limits.push(`${loc.file}:${loc.line}: extends: of job ${name} is deeper than GitLab allows or circular; the rest was not merged`);
      if (missing.length) {
        // A parent that is not in the tree comes from an include that was not read: what the job runs is unknown.
        if (this.config.unread.length > 0) {
          const unread = this.config.unread[0]!;
          this.notInspectedJob(name, loc, `it extends ${missing.join(', ')}, defined in an include that was not read (${unread.what})`);
          continue;
        }
        this.out.limits.push(`${loc.file}:${loc.line}: job ${name} extends ${missing.join(', ')}, which the configuration does not define`);
      }
      layersOf.set(name, layers);
      const stage = this.str(lastOf(layers, 'stage')) ?? 'test';
      const i = stages.indexOf(stage);
      stageOf.set(name, i < 0 ? stages.indexOf('test') : i);
    }
    // Jobs in stage order, and within a stage after what they `needs:` (GitLab rejects needs on a later stage).
    const ordered = [...layersOf.keys()].sort((a, b) => stageOf.get(a)! - stageOf.get(b)!);
    const needsOf = new Map<string, string[] | undefined>(ordered.map((n) => [n, this.needs(layersOf.get(n)!)]));
    const order = needsOrder(ordered, needsOf, stageOf);
    const done = new Map<string, number>();
    let stageDone: number | undefined;
    let current = -1;
    let blockingInStage: number[] = [];
    const closeStage = (upTo: number): void => {
      while (current < upTo) {
        stageDone = this.graph.add(undefined, [...(stageDone !== undefined ? [stageDone] : []), ...blockingInStage]);
        blockingInStage = [];
        current++;
      }
    };
    for (const name of order) {
      if (!this.budget.charge(COST.job)) {
        this.budget.stopped(`the jobs of ${ROOT_CONFIG}`, { file: ROOT_CONFIG, line: 1 });
        break;
      }
      closeStage(stageOf.get(name)! - 1);
      const needs = needsOf.get(name);
      // https://docs.gitlab.com/ci/yaml/#needs: a job with `needs:` starts when those jobs finish, ignoring stages;
      // without it, when every blocking job of the earlier stages has.
      const waitsFor = needs ? needs.flatMap((n) => (done.has(n) ? [done.get(n)!] : [])) : stageDone !== undefined ? [stageDone] : [];
      const { node, blocking } = this.job(name, layersOf.get(name)!, waitsFor, stages[stageOf.get(name)!] ?? 'test');
      done.set(name, node);
      if (blocking) blockingInStage.push(node);
    }
  }

  /** Reads one job (each rule variant and matrix combination); returns its "finished" node and whether later stages wait for it. */
  private job(name: string, layers: Layer[], waitsFor: number[], stage: string): { node: number; blocking: boolean } {
    const own = layers[layers.length - 1]!;
    const loc: Location = { file: own.file, line: keyLine(own) };
    const inherit = lastOf(layers, 'inherit');
    const withDefaults = [...this.defaultLayers(inherit), ...layers];
    const inheritVars = inherit ? this.inheritList(inherit, 'variables') : true;
    const global = inheritVars === true ? this.globalVars : inheritVars === false ? {} : Object.fromEntries(Object.entries(this.globalVars).filter(([k]) => inheritVars.includes(k)));
    const predefined: Record<string, string> = { CI: 'true', GITLAB_CI: 'true', CI_JOB_NAME: name, CI_JOB_STAGE: stage, CI_CONFIG_PATH: ROOT_CONFIG };
    const jobVars = this.variables(layers.flatMap((l) => (l.doc.isMap(l.node) && l.doc.get(l.node, 'variables') ? [{ doc: l.doc, node: l.doc.get(l.node, 'variables')!, file: l.file }] : [])), { ...predefined, ...global });
    const baseVars = { ...predefined, ...global, ...jobVars };
    const includeGuard = this.includeGuard(own.file);
    const variants = this.variants(layers, baseVars).map((v) => ({ ...v, guard: and(this.pipelineGuard, includeGuard, v.guard) }));
    const finished: number[] = [...waitsFor];
    const idTokens = lastOf(withDefaults, 'id_tokens');
    const tokenNames = idTokens ? idTokens.doc.entries(idTokens.node).map((e) => e.key) : [];
    const services = this.serviceHosts(lastOf(withDefaults, 'services'));
    const combos = this.matrix(lastOf(layers, 'parallel'), loc);
    let blocking = false;
    for (const [vi, variant] of variants.entries()) {
      if (variant.guard.k === 'const' && !variant.guard.v) continue;
      // https://docs.gitlab.com/ci/yaml/#allow_failure: a manual job that later stages do not wait for.
      if (!(variant.when === 'manual' && variant.allowFailure)) blocking = true;
      for (const combo of combos) {
        const key = `${own.file}#${name}${variants.length > 1 ? `(rule ${vi + 1})` : ''}${combos.length > 1 ? `[${Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(', ')}]` : ''}`;
        if (!this.budget.charge(COST.job + COST.edge * waitsFor.length)) {
          this.budget.stopped(`the jobs of ${ROOT_CONFIG}`, loc);
          return { node: this.graph.add(undefined, finished, loc), blocking };
        }
        finished.push(this.graph.add(key, waitsFor, loc));
        const facts: JobFacts = { jobKey: key, ci: 'gitlab-ci', location: loc, idTokenWrite: tokenNames.length > 0, workflowPath: ROOT_CONFIG, waitsFor: (before) => this.graph.finishesBefore(before, key) };
        this.out.jobs.set(key, facts);
        // id_tokens are variables of the job (https://docs.gitlab.com/ci/yaml/#id_tokens); their value is unknown here.
        const env: Record<string, string> = { ...baseVars, ...variant.vars, ...combo };
        for (const t of tokenNames) env[t] = `$${t}`;
        let guard: Formula = variant.guard;
        if (variant.when === 'manual') guard = and(guard, atom(`(job ${name} is started by hand)`));
        if (variant.when === 'on_failure') guard = and(guard, atom(`(an earlier job of the pipeline failed)`));
        this.runJob(name, key, withDefaults, env, { formula: guard, continueOnError: variant.allowFailure }, [...services, ...this.input.ephemeralRegistries], loc);
      }
    }
    return { node: this.graph.add(undefined, finished, loc), blocking };
  }

  /**
   * before_script and script run in one shell, after_script in another whose exit status GitLab ignores
   * (https://docs.gitlab.com/ci/yaml/#after_script): a signature there does not stop the release when it fails.
   */
  private runJob(name: string, jobKey: string, layers: Layer[], env: Record<string, string>, guard: Guard, ephemeral: string[], loc: Location): void {
    const parts: Array<{ key: string; after: boolean }> = [
      { key: 'before_script', after: false },
      { key: 'script', after: false },
      { key: 'after_script', after: true },
    ];
    const files: Record<string, string> = {};
    let stepIndex = 0;
    const trigger = lastOf(layers, 'trigger');
    if (trigger) {
      this.triggerJob(name, trigger, loc, guard, jobKey);
      return;
    }
    for (const part of parts) {
      const layer = lastOf(layers, part.key);
      if (!layer) continue;
      for (const seg of this.segments(layer, 0)) {
        stepIndex++;
        if (!this.budget.charge(COST.segment)) {
          this.budget.stopped(`the scripts of job ${name}`, loc);
          return;
        }
        if (!scriptMayMatter(seg.text)) continue;
        const g: Guard = part.after ? { ...guard, continueOnError: true } : guard;
        const ctx: OpContext = { chain: [loc], guard: g, jobKey, stepIndex, ephemeralRegistries: ephemeral, budget: this.budget };
        const r = this.scripts.analyze({
          ...ctx,
          script: seg.text,
          file: seg.file,
          line: seg.line,
          env,
          workingDirectory: '',
          repo: this.input.repo,
          ...(this.input.repository ? { repository: this.input.repository } : {}),
          depth: SCRIPT_DEPTH,
          files,
        });
        for (const [i, op] of r.operations.entries()) {
          op.seq = stepIndex * 1000 + i;
          if (op.kind === 'sign') completeSign(op, this.input.repo, env);
        }
        this.out.operations.push(...r.operations);
        this.out.localBuilds.push(...r.localBuilds);
        this.out.findings.push(...r.findings);
        this.out.limits.push(...r.limits);
        applyFileWrites(files, r.fileWrites, TRUE);
      }
    }
  }

  /**
   * The script lines of a `script:`-like keyword as shell text, in runs of lines that sit one after another in one
   * file (so every command keeps its own file:line). `!reference` and nested arrays are flattened as GitLab does;
   * a reference to another place starts a new run. Variables a line sets are not seen by a later run (a limit of
   * this reader: they are one shell at run time).
   */
  private segments(layer: Layer, depth: number): Array<{ text: string; file: string; line: number }> {
    const { doc } = layer;
    if (depth > 10) return [];
    if (isReference(layer.node)) {
      const target = resolveReference(this.config, layer);
      if (!target) {
        this.out.limits.push(`${layer.file}:${doc.line(layer.node)}: !reference names nothing the configuration defines; not followed`);
        return [];
      }
      return this.segments(target, depth + 1);
    }
    const scalar = (node: Node): { text: string; line: number } | undefined => {
      const s = doc.str(node);
      if (s === undefined) return undefined;
      const block = isScalar(node) && ((node as Scalar).type === 'BLOCK_LITERAL' || (node as Scalar).type === 'BLOCK_FOLDED');
      return { text: s, line: doc.line(node) + (block ? 1 : 0) };
    };
    const single = scalar(layer.node);
    if (single) return [{ text: single.text, file: layer.file, line: single.line }];
    const out: Array<{ text: string; file: string; line: number }> = [];
    let run: { text: string; file: string; line: number; end: number } | undefined;
    const flush = (): void => {
      if (run) out.push({ text: run.text, file: run.file, line: run.line });
      run = undefined;
    };
    for (const item of doc.items(layer.node)) {
      if (isReference(item) || doc.isSeq(item)) {
        flush();
        out.push(...this.segments({ doc, node: item, file: layer.file }, depth + 1));
        continue;
      }
      const s = scalar(item);
      if (!s) continue;
      if (run && s.line > run.end) {
        // Pad with empty lines so the shell's line numbers are the file's.
        run.text += '\n'.repeat(s.line - run.end) + s.text;
        run.end = s.line + s.text.split('\n').length - 1;
        continue;
      }
      flush();
      run = { text: s.text, file: layer.file, line: s.line, end: s.line + s.text.split('\n').length - 1 };
    }
    flush();
    return out;
  }

  // ------------------------------------------------------------------ conditions

  /**
   * How the job runs: per matching `rules:` entry (https://docs.gitlab.com/ci/yaml/#rules: the first rule that
   * matches decides; none matching means no job), else `only`/`except` and the job's `when:`.
   */
  private variants(layers: Layer[], vars: Record<string, string>): Variant[] {
    const known = this.known(vars);
    const allow = lastOf(layers, 'allow_failure');
    const allowFailure = allow ? allowsFailure(allow) : undefined;
    const jobWhen = this.str(lastOf(layers, 'when')) ?? 'on_success';
    const rules = lastOf(layers, 'rules');
    if (rules) {
      const vs = this.rulesVariants(rules, known, true, jobWhen, allowFailure);
      if (vs.length > MAX_VARIANTS) {
        this.out.limits.push(`${rules.file}:${rules.doc.line(rules.node)}: more than ${MAX_VARIANTS} rules; the rest are read as one`);
        const rest = vs.slice(MAX_VARIANTS - 1);
        return [...vs.slice(0, MAX_VARIANTS - 1), { ...rest[0]!, guard: or(...rest.map((v) => v.guard)) }];
      }
      return vs;
    }
    if (jobWhen === 'never') return [];
    let guard = TRUE;
    const only = lastOf(layers, 'only');
    const except = lastOf(layers, 'except');
    if (only) guard = and(guard, this.onlyExcept(only, known, 'only'));
    if (except) guard = and(guard, not(this.onlyExcept(except, known, 'except')));
    // https://docs.gitlab.com/ci/yaml/#allow_failure: manual jobs default to allowed to fail (outside rules).
    return [{ guard, when: jobWhen, allowFailure: allowFailure ?? jobWhen === 'manual', vars: {} }];
  }

  private rulesVariants(rules: Layer, known: KnownVars, isJob: boolean, jobWhen = 'on_success', jobAllow?: boolean): Variant[] {
    const out: Variant[] = [];
    let notEarlier: Formula = TRUE;
    for (const { doc: d, node: r, file } of flattenItems(this.config, rules)) {
      let cond: Formula = TRUE;
      const ifText = d.str(d.get(r, 'if'));
      if (ifText !== undefined) cond = and(cond, gitlabCondition(ifText, known));
      // `changes:` and `exists:` depend on the push or the tree at run time: opaque atoms.
      for (const k of ['changes', 'exists'] as const) {
        const v = d.get(r, k);
        if (v) cond = and(cond, atom(`${k}: ${JSON.stringify(d.toPlain(v)).slice(0, 120)}`));
      }
      const when = d.str(d.get(r, 'when')) ?? (isJob ? jobWhen : 'always');
      const guard = and(notEarlier, cond);
      notEarlier = and(notEarlier, not(cond));
      if (when !== 'never') {
        const allowNode = d.get(r, 'allow_failure');
        // Inside rules, `when: manual` no longer implies allow_failure (https://docs.gitlab.com/ci/yaml/#rulesallow_failure).
        const allowFailure = allowNode ? allowsFailure({ doc: d, node: allowNode, file }) : (jobAllow ?? false);
        const varsNode = d.get(r, 'variables');
        const vars = varsNode ? this.variables([{ doc: d, node: varsNode, file }], {}) : {};
        out.push({ guard, when, allowFailure, vars, rule: d.line(r) });
      }
      // A rule that always matches ends the list: the rules after it are never reached.
      if (cond.k === 'const' && cond.v) break;
    }
    return out;
  }

  /** https://docs.gitlab.com/ci/yaml/#only--except: refs OR'ed; refs, variables and changes AND'ed; `except` negates the whole. */
  private onlyExcept(layer: Layer, known: KnownVars, which: string): Formula {
    const { doc, node } = layer;
    const refs = (n: Node | null): Formula => {
      const list = doc.isSeq(n) ? doc.items(n).map((i) => doc.str(i)).filter((s): s is string => s !== undefined) : doc.str(n) !== undefined ? [doc.str(n)!] : [];
      return list.length ? or(...list.map(refCondition)) : TRUE;
    };
    if (!doc.isMap(node)) return refs(node);
    const parts: Formula[] = [];
    if (doc.get(node, 'refs')) parts.push(refs(doc.get(node, 'refs')));
    const vars = doc.get(node, 'variables');
    if (vars) parts.push(or(...doc.items(vars).map((i) => gitlabCondition(doc.str(i) ?? '', known))));
    const changes = doc.get(node, 'changes');
    if (changes) parts.push(atom(`${which}: changes: ${JSON.stringify(doc.toPlain(changes)).slice(0, 120)}`));
    if (doc.get(node, 'kubernetes')) parts.push(atom(`${which}: kubernetes: active`));
    return parts.length ? and(...parts) : TRUE;
  }

  private includeGuard(file: string): Formula {
    const rules = this.config.includeRules.get(file);
    if (!rules) return TRUE;
    return this.rulesVariants(rules, this.known(this.globalVars), false).reduce<Formula>((acc, v) => or(acc, v.guard), FALSE);
  }

  // ------------------------------------------------------------------ keywords

  /** https://docs.gitlab.com/ci/yaml/#variables: `NAME: value` or `NAME: {value, expand}`; `$VAR` in values expanded. */
  private variables(layers: Layer[], outer: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const l of layers) {
      for (const e of l.doc.entries(l.node)) {
        const v = l.doc.isMap(e.value) ? l.doc.get(e.value, 'value') : e.value;
        const text = l.doc.str(v);
        if (text === undefined) continue;
        const expand = l.doc.isMap(e.value) ? l.doc.str(l.doc.get(e.value, 'expand')) !== 'false' : true;
        out[e.key] = expand ? expandVars(text, { ...outer, ...out }) : text;
      }
    }
    return out;
  }

  /** Values known for conditions: literal values only (a value that still names a variable is unknown). */
  private known(vars: Record<string, string>): KnownVars {
    return new Map(Object.entries(vars).filter(([, v]) => !v.includes('$')));
  }

  private topLayers(key: string): Layer[] {
    return this.config.keys.get(key) ?? [];
  }

  /** `default:` (and the deprecated top-level forms) as the lowest layer, unless `inherit: default:` says otherwise. */
  private defaultLayers(inherit: Layer | undefined): Layer[] {
    const allowed = inherit ? this.inheritList(inherit, 'default') : true;
    if (allowed === false) return [];
    const keep = (k: string): boolean => DEFAULT_KEYS.has(k) && (allowed === true || allowed.includes(k));
    const out: Layer[] = [];
    for (const l of this.topLayers('default')) out.push({ ...l, keep });
    for (const k of ['before_script', 'after_script', 'image', 'services']) for (const l of this.topLayers(k)) if (keep(k)) out.push({ ...l, asKey: k });
    return out;
  }

  private inheritList(inherit: Layer, key: string): boolean | string[] {
    const n = inherit.doc.get(inherit.node, key);
    if (!n) return true;
    const s = inherit.doc.str(n);
    if (s !== undefined) return s !== 'false';
    return inherit.doc.items(n).map((i) => inherit.doc.str(i)).filter((x): x is string => !!x);
  }

  private stages(): string[] {
    const l = lastOf(this.topLayers('stages').map((x) => ({ ...x, asKey: 'stages' })), 'stages');
    const listed = l ? l.doc.items(l.node).map((i) => l.doc.str(i)).filter((s): s is string => !!s && s !== '.pre' && s !== '.post') : DEFAULT_STAGES;
    return ['.pre', ...listed, '.post'];
  }

  /** Job names this job `needs:`; undefined without the keyword. A need with `parallel:` or on another pipeline waits for nothing we model. */
  private needs(layers: Layer[]): string[] | undefined {
    const l = lastOf(layers, 'needs');
    if (!l) return undefined;
    const out: string[] = [];
    for (const item of l.doc.items(l.node)) {
      const s = l.doc.str(item);
      if (s !== undefined) out.push(s);
      else if (l.doc.isMap(item) && !l.doc.get(item, 'pipeline') && !l.doc.get(item, 'project') && !l.doc.get(item, 'parallel')) {
        const job = l.doc.str(l.doc.get(item, 'job'));
        if (job) out.push(job);
      }
    }
    return out;
  }

  /** https://docs.gitlab.com/ci/yaml/#parallelmatrix: each entry's variables crossed, the entries' sets joined. */
  private matrix(parallel: Layer | undefined, loc: Location): Array<Record<string, string>> {
    if (!parallel) return [{}];
    const m = parallel.doc.get(parallel.node, 'matrix');
    if (!m) return [{}]; // `parallel: N`: N copies of one job
    const out: Array<Record<string, string>> = [];
    for (const entry of parallel.doc.items(m)) {
      let combos: Array<Record<string, string>> = [{}];
      for (const e of parallel.doc.entries(entry)) {
        const values = parallel.doc.isSeq(e.value) ? parallel.doc.items(e.value).map((v) => parallel.doc.str(v)).filter((v): v is string => v !== undefined) : [parallel.doc.str(e.value)].filter((v): v is string => v !== undefined);
        combos = combos.flatMap((c) => values.map((v) => ({ ...c, [e.key]: v })));
        if (combos.length > MAX_PARALLEL) break;
      }
      out.push(...combos);
      if (out.length > MAX_PARALLEL) {
        this.out.limits.push(`${loc.file}:${loc.line}: parallel: matrix: has more than ${MAX_PARALLEL} combinations (GitLab's bound); the rest not expanded`);
        return out.slice(0, MAX_PARALLEL);
      }
    }
    return out.length ? out : [{}];
  }

  /**
   * Host names of registry service containers (https://docs.gitlab.com/ci/services/#accessing-the-services: the
   * alias, or the image name without tag with `/` as `__` and as `-`): they exist for the job only.
   */
  private serviceHosts(services: Layer | undefined): string[] {
    if (!services) return [];
    const out: string[] = [];
    for (const s of services.doc.items(services.node)) {
      const image = services.doc.str(s) ?? services.doc.str(services.doc.get(s, 'name')) ?? '';
      if (!REGISTRY_SERVICE.test(image)) continue;
      const alias = services.doc.str(services.doc.get(s, 'alias'));
      if (alias) out.push(...alias.split(',').map((a) => a.trim()));
      const bare = image.replace(/[:@].*$/, '');
      out.push(bare.replace(/\//g, '__'), bare.replace(/\//g, '-'));
    }
    return out;
  }

  // ------------------------------------------------------------------ what is not read

  /** Unread includes: a not-inspected finding each; an image-related one also stands as a push that is not signed (fail closed). */
  private reportUnread(): void {
    for (const u of this.config.unread) {
      const related = IMAGE_RELATED.test(u.what);
      this.out.findings.push(
        ruleFinding(
          'not-inspected',
          `include ${u.kind === 'local' ? '' : `${u.kind} `}${u.what} was not inspected (${u.why}).${related ? ' Its name says it may build, push or sign images, so it counts as an unsigned push until it is readable.' : ''} Vendor it into the tree as a local include, or suppress this finding with the reason it does not publish images.`,
          u.location,
        ),
      );
      if (related) this.out.operations.push(placeholder(`include ${u.what}`, u.location, { formula: this.pipelineGuard, continueOnError: false }, `${ROOT_CONFIG}#include`, `pushed by include ${u.what}, not inspected: ${u.why}`));
    }
  }

  private notInspectedJob(name: string, loc: Location, why: string): void {
    const key = `${loc.file}#${name}`;
    this.out.findings.push(ruleFinding('not-inspected', `GitLab CI job ${name} was not inspected: ${why}. What it runs is unknown, so it counts as an unsigned push.`, loc));
    this.out.jobs.set(key, { jobKey: key, ci: 'gitlab-ci', location: loc, idTokenWrite: false, workflowPath: ROOT_CONFIG, waitsFor: () => false });
    this.out.operations.push(placeholder(`job ${name}`, loc, { formula: this.pipelineGuard, continueOnError: false }, key, `job ${name} not inspected: ${why}`));
  }

  /** https://docs.gitlab.com/ci/yaml/#trigger: a child or downstream pipeline, not read by this reader. */
  private triggerJob(name: string, trigger: Layer, loc: Location, guard: Guard, jobKey: string): void {
    const { doc, node } = trigger;
    const include = doc.get(node, 'include');
    const project = doc.str(node) ?? doc.str(doc.get(node, 'project'));
    const what = project ? `downstream project ${project}` : include ? `child pipeline ${JSON.stringify(doc.toPlain(include)).slice(0, 120)}` : 'a downstream pipeline';
    const local = include ? (doc.str(include) ?? doc.str(doc.get(include, 'local')) ?? doc.items(include).map((i) => doc.str(doc.get(i, 'local')) ?? doc.str(i)).find((x) => x)) : undefined;
    const text = local ? this.input.repo.read(local.replace(/^\/+/, '')) : undefined;
    const mayPush = IMAGE_RELATED.test(what) || (text?.ok === true && /\b(docker|podman|buildah|nerdctl)\s+(push|buildx)|--destination|\bcosign\s+sign|\bkaniko\b|\bko\s+(build|publish|apply|resolve)|\bcrane\s+(push|copy|cp)|\bskopeo\s+copy/.test(text.text));
    this.out.findings.push(ruleFinding('not-inspected', `GitLab CI job ${name} triggers ${what}, which this reader does not follow.${mayPush ? ' It may push or sign images, so it counts as an unsigned push.' : ''}`, loc));
    if (mayPush) this.out.operations.push(placeholder(`job ${name}`, loc, guard, jobKey, `job ${name} triggers ${what}, not inspected`));
  }

  private str(l: Layer | undefined): string | undefined {
    return l ? l.doc.str(l.node) : undefined;
  }
}

function placeholder(what: string, loc: Location, guard: Guard, jobKey: string, note: string): PushOp {
  const name = `${NOT_INSPECTED_PREFIX}${what}`;
  return { kind: 'push', tool: what, refs: [{ raw: name, name, resolved: false }], location: loc, chain: [], guard, confidence: 'low', jobKey, stepIndex: 0, seq: 0, notes: [note] };
}

function completeSign(op: SignOp, repo: RepoReader, env: Record<string, string>): void {
  if (!op.identityWorkflow) op.identityWorkflow = ROOT_CONFIG;
  // `env://NAME` with NAME defined nowhere in the configuration is a CI/CD variable of the project's settings
  // (https://docs.gitlab.com/ci/variables/#define-a-cicd-variable-in-the-ui), GitLab's place for secrets: not
  // readable from the repository, as a GitHub secret is not. A NAME the YAML sets stays an env value (and is judged).
  if (op.key?.source === 'env' && op.key.value.startsWith('env://') && !Object.hasOwn(env, op.key.value.slice('env://'.length))) op.key = { ...op.key, source: 'secret' };
  // A key file that is not in the tree is written during the job (from a CI/CD variable): its origin is unknown.
  if (op.key?.source === 'file') {
    const p = op.key.value.replace(/^\.\//, '');
    if (!repo.has(p)) op.key = { ...op.key, source: 'unknown' };
  }
}

/** `allow_failure: true`, or `allow_failure: exit_codes:` (allowed to fail on some codes): the job may fail unnoticed. */
function allowsFailure(l: Layer): boolean {
  const s = l.doc.str(l.node);
  if (s !== undefined) return s === 'true';
  return !!l.doc.get(l.node, 'exit_codes');
}

function expandVars(text: string, vars: Record<string, string>): string {
  let out = text;
  for (let i = 0; i < MAX_VALUE_EXPANSION && /\$/.test(out); i++) {
    const next = out.replace(/\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a?: string, b?: string) => {
      const name = a ?? b;
      return name !== undefined && Object.hasOwn(vars, name) && vars[name] !== `$${name}` ? vars[name]! : m;
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Jobs in stage order, each after the jobs it needs (same or earlier stage); a needs cycle keeps the listed order. */
function needsOrder(ordered: string[], needsOf: Map<string, string[] | undefined>, stageOf: Map<string, number>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'active' | 'done'>();
  for (const root of ordered) {
    const stack: Array<{ n: string; i: number }> = [{ n: root, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i === 0) {
        if (state.has(top.n)) {
          stack.pop();
          continue;
        }
        state.set(top.n, 'active');
      }
      // A need on a later stage is a configuration error in GitLab; it must not pull that job ahead of its stage.
      const deps = (needsOf.get(top.n) ?? []).filter((d) => needsOf.has(d) && stageOf.get(d)! <= stageOf.get(top.n)!);
      if (top.i < deps.length) {
        const d = deps[top.i++]!;
        if (!state.has(d)) stack.push({ n: d, i: 0 });
        continue;
      }
      state.set(top.n, 'done');
      out.push(top.n);
      stack.pop();
    }
  }
  return out;
}
