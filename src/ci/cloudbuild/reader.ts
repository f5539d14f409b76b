import { isScalar, type Node, type Scalar } from 'yaml';
import { scanHiddenCommands } from '../../detect/hidden-pushes.js';
import type { RepoReader } from '../../discover/repo.js';
import { normalizeRelPath } from '../../discover/repo.js';
import { TRUE } from '../../logic/formula.js';
import { resolvedDigestText } from '../../model/digest.js';
import { isEphemeralRegistry, parseImageRef, registryOf } from '../../model/image-ref.js';
import type { Location } from '../../model/location.js';
import { NOT_INSPECTED_PREFIX, type Guard, type JobFacts, type PushOp, type SignOp } from '../../model/pipeline.js';
import { ruleFinding } from '../../model/rule-finding.js';
import type { YamlDoc } from '../../parse/yaml.js';
import { applyFileWrites, type RunScriptResult } from '../../shell/index.js';
import { scriptMayMatter } from '../../shell/script-relevance.js';
import { AnalysisBudget } from '../../util/budget.js';
import { JobGraph } from '../job-graph.js';
import { ScriptCache } from '../script-cache.js';
import { builderImage, execLine, stepCommand } from './builders.js';
import { loadBuildConfigs, type BuildConfig } from './config.js';
import { BUILTIN_SUBSTITUTIONS, buildSubstitutions, substitute, substitutionKeys, type Substitutions } from './substitutions.js';
import { emptyCiReaderResult, type CiReaderResult } from '../reader-result.js';

/**
 * The Google Cloud Build reader: build configs (config.ts finds them) into the shared pipeline model, as Cloud
 * Build runs them (https://cloud.google.com/build/docs/build-config-file-schema, cited per field below). Each step
 * is a job run of its own: Cloud Build runs every step in its own container, in the order `waitFor` gives, sharing
 * only the `/workspace` files. A step's command goes through the shared shell interpreter (exec form: one quoted
 * command line; `bash -c SCRIPT` and `script:`: the script), so this module knows Cloud Build, never a tool.
 *
 * Triggers — which branch or tag runs a build — are configured in the Google Cloud project, outside the file: every
 * operation of a build config runs under the guard TRUE (whenever the trigger starts the build). Conditions inside
 * scripts still narrow their own commands, as anywhere.
 */

export interface CloudBuildReaderInput {
  repo: RepoReader;
  repository?: string;
  ephemeralRegistries: string[];
  budget?: AnalysisBudget;
}

/** `files`: build configs read. */
export type CloudBuildReadResult = CiReaderResult;

/** Same indirection depth as a workflow step's script (make targets, repository scripts). */
const SCRIPT_DEPTH = 6;
/** Steps read from one build config (this reader's bound; Cloud Build's own is lower). */
const MAX_STEPS = 500;
const COST = { step: 1500, edge: 16, image: 50 } as const;

/** Arguments of a step of an unknown builder that say it may push or sign images. */
const IMAGE_WORK_ARG = /^(push|publish|sign|--push(=true)?|--destination(=.*)?|--publish(=true)?)$/i;
/** Builder image names that say the same. */
const IMAGE_WORK_BUILDER = /skaffold|buildah|podman|kaniko|(^|[/_-])(jib|img|ko|crane|cosign|docker)([/_-]|$)|buildpacks|buildkit|goreleaser/i;

/**
 * Registries where Cloud Build stores build provenance: Artifact Registry (`<location>-docker.pkg.dev`, also with an
 * unknown `$LOCATION`: whatever the region, the host is Artifact Registry) and gcr.io, which Artifact Registry serves.
 */
const PROVENANCE_REGISTRY = /^([\w${}-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$/i;

export function readCloudBuild(input: CloudBuildReaderInput): CloudBuildReadResult {
  const budget = input.budget ?? new AnalysisBudget();
  const out: CloudBuildReadResult = emptyCiReaderResult();
  const loaded = loadBuildConfigs(input.repo, budget);
  out.findings.push(...loaded.findings);
  out.limits.push(...loaded.limits);
  out.operations.push(...loaded.hidden);
  for (const op of loaded.hidden) out.jobs.set(op.jobKey!, { jobKey: op.jobKey!, ci: 'cloud-build', location: op.location, idTokenWrite: true, workflowPath: op.location.file, waitsFor: () => false });
  out.files = loaded.configs.length + loaded.findings.filter((f) => f.rule === 'parse-error').length;
  const scripts = new ScriptCache();
  for (const config of loaded.configs) {
    if (!budget.charge(COST.step)) {
      budget.stopped(`the Cloud Build config ${config.path}`, { file: config.path, line: 1 });
      break;
    }
    new BuildReader(input, config, budget, scripts, out).run();
  }
  return out;
}

/** One step as read: its job key, graph node, and what it wrote to the shared workspace. */
interface StepRun {
  key: string;
  node: number;
  writes: RunScriptResult['fileWrites'];
}

class BuildReader {
  private readonly doc: YamlDoc;
  private readonly path: string;
  private readonly graph: JobGraph;
  private readonly subs: Substitutions;
  private readonly options: Node | null;
  /** Names of environment variables set from secrets (`secretEnv`, through `availableSecrets` or `secrets`). */
  private readonly secretNames = new Set<string>();
  private readonly runs: StepRun[] = [];
  private readonly ids = new Map<string, number>();
  /** Pushes the steps made, for the `images:` entries they already pushed. */
  private readonly stepPushes: PushOp[] = [];
  /** Local builds per step index (an image rebuilt after its push is another image at the end). */
  private readonly stepBuilds: Array<{ step: number; name: string }> = [];
  /** The email of the build's `serviceAccount:` when written out: the identity keyless signatures of the build carry. */
  private readonly serviceAccount: string | undefined;

  constructor(
    private readonly input: CloudBuildReaderInput,
    config: BuildConfig,
    private readonly budget: AnalysisBudget,
    private readonly scripts: ScriptCache,
    private readonly out: CloudBuildReadResult,
  ) {
    this.doc = config.doc;
    this.path = config.path;
    this.graph = new JobGraph(budget);
    const root = this.doc.root;
    const defaults: Array<[string, string]> = [];
    for (const e of this.doc.entries(this.doc.get(root, 'substitutions'))) {
      const v = this.doc.str(e.value);
      if (v !== undefined) defaults.push([e.key, v]);
    }
    this.subs = buildSubstitutions(defaults);
    this.options = this.doc.get(root, 'options');
    for (const n of this.strings(this.doc.get(this.options, 'secretEnv'))) this.secretNames.add(n);
    // https://cloud.google.com/build/docs/securing-builds/use-secrets: availableSecrets.secretManager[].env names,
    // and the legacy `secrets: [{kmsKeyName, secretEnv: {NAME: ciphertext}}]`.
    for (const s of this.doc.items(this.doc.get(this.doc.get(root, 'availableSecrets'), 'secretManager'))) {
      const env = this.doc.str(this.doc.get(s, 'env'));
      if (env) this.secretNames.add(env);
    }
    for (const s of this.doc.items(this.doc.get(root, 'secrets'))) for (const e of this.doc.entries(this.doc.get(s, 'secretEnv'))) this.secretNames.add(e.key);
    // https://cloud.google.com/build/docs/build-config-file-schema#serviceaccount: `projects/{project}/serviceAccounts/{email}`.
    const sa = this.sub(this.doc.str(this.doc.get(root, 'serviceAccount')) ?? '');
    const email = /(?:^|\/serviceAccounts\/)([^/\s$]+@[^/\s$]+)$/.exec(sa);
    this.serviceAccount = email ? email[1] : undefined;
  }

  run(): void {
    const steps = this.doc.items(this.doc.get(this.doc.root, 'steps'));
    if (steps.length > MAX_STEPS) this.out.limits.push(`${this.path}: more than ${MAX_STEPS} build steps; the rest were not read`);
    // `all` relays "every step so far has finished": a step without `waitFor` waits for all prior steps
    // (https://cloud.google.com/build/docs/configuring-builds/configure-build-step-order), one edge per step.
    let all: number | undefined;
    for (const [i, step] of steps.slice(0, MAX_STEPS).entries()) {
      if (!this.budget.charge(COST.step)) {
        this.budget.stopped(`the build steps of ${this.path}`, { file: this.path, line: this.doc.line(step) });
        return;
      }
      const node = this.step(step, i, all);
      all = this.graph.add(undefined, [...(all !== undefined ? [all] : []), node]);
    }
    this.images(steps.length, all);
  }

  /** Reads one step; answers its node in the job graph. */
  private step(step: Node, index: number, all: number | undefined): number {
    const { doc } = this;
    const loc: Location = { file: this.path, line: doc.line(step) };
    const id = doc.str(doc.get(step, 'id'));
    const key = `${this.path}#step ${index + 1}${id ? ` (${id})` : ''}`;
    const waits = this.waitFor(step, loc, all);
    if (!this.budget.charge(COST.edge * waits.length)) this.budget.stopped(`the build steps of ${this.path}`, loc);
    const node = this.graph.add(key, waits, loc);
    if (id) this.ids.set(id, node);
    // Keyless signing in Cloud Build gets its OIDC token from the build's service account (the metadata server,
    // or `gcloud auth print-identity-token`), which the file cannot show: not a missing permission of the file.
    const facts: JobFacts = { jobKey: key, ci: 'cloud-build', location: loc, idTokenWrite: true, workflowPath: this.path, ...(this.serviceAccount ? { identitySubject: this.serviceAccount } : {}), waitsFor: (before) => this.graph.finishesBefore(before, key) };
    this.out.jobs.set(key, facts);
    const run: StepRun = { key, node, writes: [] };
    this.runs.push(run);

    const name = this.sub(doc.str(doc.get(step, 'name')) ?? '');
    if (!name) {
      this.out.limits.push(`${this.path}:${loc.line}: build step ${index + 1} has no name (builder image); Cloud Build rejects it`);
      return node;
    }
    // https://cloud.google.com/build/docs/build-config-file-schema#allowfailure and #allowexitcodes: the build goes
    // on when the step fails, so a signature there does not stop an unsigned release (as continue-on-error).
    const allowFailure = doc.str(doc.get(step, 'allowFailure')) === 'true' || doc.items(doc.get(step, 'allowExitCodes')).length > 0;
    const guard: Guard = { formula: TRUE, continueOnError: allowFailure };
    const env = this.env(step);
    const cwd = this.dir(step, loc);
    const scriptNode = doc.get(step, 'script');
    if (scriptNode) {
      // https://cloud.google.com/build/docs/configuring-builds/run-bash-scripts: the script runs under its shebang,
      // `#!/bin/sh` without one; substitutions are not applied to it (only `automapSubstitutions` passes them as
      // environment variables).
      const text = doc.str(scriptNode) ?? '';
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
      const interpreter = shebang ? (/\/env$/.test(shebang[1]!) ? (shebang[2] ?? '') : shebang[1]!) : 'sh';
      if (!/(^|\/)(ba|z|k|da|a)?sh$/.test(interpreter)) {
        this.notShell(text, interpreter, scriptLine(doc, scriptNode), key, guard, loc, index);
        return node;
      }
      this.analyze(text, scriptLine(doc, scriptNode), env, cwd, undefined, key, index, guard, loc, run);
      return node;
    }
    const argNodes = doc.items(doc.get(step, 'args'));
    const args = argNodes.map((n) => this.sub(doc.str(n) ?? ''));
    const entrypointText = doc.str(doc.get(step, 'entrypoint'));
    const entrypoint = entrypointText !== undefined ? this.sub(entrypointText) : undefined;
    const command = stepCommand(name, entrypoint, args);
    if (command.kind === 'unknown') {
      this.unknownBuilder(name, args, command.reason, key, guard, loc, index);
      return node;
    }
    if (command.kind === 'shell') {
      const scriptNodeInArgs = argNodes[command.scriptIndex];
      const line = scriptNodeInArgs ? scriptLine(doc, scriptNodeInArgs) : loc.line;
      // `bash -c SCRIPT NAME A B`: $0 is NAME, $1… are A B.
      const raw = scriptNodeInArgs ? (doc.str(scriptNodeInArgs) ?? '') : '';
      this.analyze(command.script, line, this.shellEnv(env, raw), cwd, command.positional.slice(1), key, index, guard, loc, run);
      return node;
    }
    this.analyze(execLine(command.words), loc.line, env, cwd, undefined, key, index, guard, loc, run);
    return node;
  }

  /**
   * The nodes a step waits for: without `waitFor` (or with an empty one) every earlier step; `waitFor: ['-']` none
   * (it starts with the build); otherwise the steps with those ids, which Cloud Build requires to come earlier.
   */
  private waitFor(step: Node, loc: Location, all: number | undefined): number[] {
    const { doc } = this;
    const list = this.strings(doc.get(step, 'waitFor'));
    if (list.length === 0) return all !== undefined ? [all] : [];
    const out: number[] = [];
    for (const w of list) {
      if (w === '-') continue;
      const node = this.ids.get(w);
      if (node !== undefined) out.push(node);
      // Waiting for nothing is the fail-closed reading: no signature after it is counted as after that step.
      else this.out.limits.push(`${loc.file}:${loc.line}: waitFor names ${w}, which no earlier step has as its id; Cloud Build rejects the build, and the step is read as waiting for nothing`);
    }
    return out;
  }

  /**
   * The step's environment (https://cloud.google.com/build/docs/build-config-file-schema#env): `options.env`, then
   * the step's `env` (`KEY=VALUE`, substituted; the step's value wins); `secretEnv` names hold values this file
   * cannot show; `automapSubstitutions` (options or step) passes every substitution as a variable.
   */
  private env(step: Node): Record<string, string> {
    const { doc } = this;
    const env: Record<string, string> = {};
    const automap = (doc.str(doc.get(step, 'automapSubstitutions')) ?? doc.str(doc.get(this.options, 'automapSubstitutions'))) === 'true';
    if (automap) {
      for (const k of BUILTIN_SUBSTITUTIONS) env[k] = `$${k}`;
      for (const [k, v] of this.subs.known) env[k] = v;
    }
    for (const list of [doc.get(this.options, 'env'), doc.get(step, 'env')]) {
      for (const item of this.strings(list)) {
        const eq = item.indexOf('=');
        if (eq <= 0) continue;
        env[item.slice(0, eq)] = this.sub(item.slice(eq + 1));
      }
    }
    for (const list of [doc.get(this.options, 'secretEnv'), doc.get(step, 'secretEnv')]) {
      for (const n of this.strings(list)) {
        this.secretNames.add(n);
        env[n] = `$${n}`;
      }
    }
    return env;
  }

  /**
   * A `bash -c` script in `args` was substituted by Cloud Build before the shell saw it: a substitution that stays
   * unknown (`$COMMIT_SHA`) is the build's value, not the step's environment variable of that name, so the shell
   * must see it unknown whatever `env:` says. (`rawScript` is the script as written, before substitution.)
   */
  private shellEnv(env: Record<string, string>, rawScript: string): Record<string, string> {
    const keys = substitutionKeys(rawScript).filter((k) => !this.subs.known.has(k));
    if (keys.length === 0) return env;
    const out = { ...env };
    for (const k of keys) if (Object.hasOwn(out, k) && out[k] !== `$${k}`) out[k] = `$${k}`;
    return out;
  }

  /** https://cloud.google.com/build/docs/build-config-file-schema#dir: relative to `/workspace`, the checked-out source. */
  private dir(step: Node, loc: Location): string {
    const raw = this.doc.str(this.doc.get(step, 'dir'));
    if (raw === undefined) return '';
    const d = this.sub(raw).replace(/^\/workspace(\/|$)/, '');
    const rel = d.startsWith('/') ? undefined : normalizeRelPath(d);
    if (rel === undefined) {
      this.out.limits.push(`${loc.file}:${loc.line}: dir ${raw} is outside the workspace; the step's repository paths are read from the root`);
      return '';
    }
    return rel;
  }

  private analyze(script: string, line: number, env: Record<string, string>, cwd: string, args: string[] | undefined, key: string, index: number, guard: Guard, loc: Location, run: StepRun): void {
    if (!scriptMayMatter(script)) return;
    const files = this.visibleFiles(run);
    const r = this.scripts.analyze({
      chain: [loc],
      guard,
      jobKey: key,
      stepIndex: index,
      ephemeralRegistries: this.input.ephemeralRegistries,
      budget: this.budget,
      script,
      file: this.path,
      line,
      env,
      workingDirectory: cwd,
      repo: this.input.repo,
      ...(this.input.repository ? { repository: this.input.repository } : {}),
      depth: SCRIPT_DEPTH,
      files,
      ...(args ? { args } : {}),
    });
    for (const [i, op] of r.operations.entries()) {
      op.seq = i;
      if (op.kind === 'sign') this.completeSign(op, env);
      else this.stepPushes.push(op);
    }
    for (const b of r.localBuilds) this.stepBuilds.push({ step: index, name: b.name });
    this.out.operations.push(...r.operations);
    this.out.localBuilds.push(...r.localBuilds);
    this.out.findings.push(...r.findings);
    this.out.limits.push(...r.limits);
    run.writes = r.fileWrites;
  }

  /**
   * What the steps this one waits for left in `/workspace` (the only thing steps share). `/workspace/x` and `x`
   * (relative to the workspace, the default working directory) are the same file.
   */
  private visibleFiles(run: StepRun): Record<string, string> {
    const files: Record<string, string> = {};
    for (const earlier of this.runs) {
      if (earlier === run || earlier.writes.length === 0 || !this.graph.finishesBefore(earlier.key, run.key)) continue;
      const writes = earlier.writes.flatMap((w) => {
        const other = w.path.startsWith('/workspace/') ? w.path.slice('/workspace/'.length) : w.path.startsWith('/') ? undefined : `/workspace/${w.path}`;
        return other ? [w, { ...w, path: other }] : [w];
      });
      applyFileWrites(files, writes, TRUE);
    }
    return files;
  }

  private completeSign(op: SignOp, env: Record<string, string>): void {
    if (!op.identityWorkflow) op.identityWorkflow = this.path;
    const fromSecret = (name: string): boolean => this.secretNames.has(name);
    if (op.key?.source === 'env' && op.key.value.startsWith('env://')) {
      const name = op.key.value.slice('env://'.length);
      // A key from `secretEnv` comes from Secret Manager or KMS; one the config does not set at all is not known.
      if (fromSecret(name)) op.key = { ...op.key, source: 'secret' };
      else if (!Object.hasOwn(env, name)) op.key = { ...op.key, source: 'unknown' };
    }
    const pw = op.password && /^\$\{?([A-Za-z_]\w*)\}?$/.exec(op.password.value.trim());
    if (op.password && pw && fromSecret(pw[1]!)) op.password = { ...op.password, source: 'secret' };
    // A key file that is not in the tree is written during the build (from a secret): its origin is unknown.
    if (op.key?.source === 'file') {
      const p = op.key.value.replace(/^\/workspace\//, '').replace(/^\.\//, '');
      if (!this.input.repo.has(p)) op.key = { ...op.key, source: 'unknown' };
    }
  }

  /**
   * https://cloud.google.com/build/docs/build-config-file-schema#images: "pushed upon the successful completion of
   * all build steps" — after every step, so a signature made by a step runs before these pushes. It cannot sign
   * what `images:` pushes (cosign resolves the reference in the registry, where the new image is not yet), so the
   * judge sees the images job wait for every step and a step's signature as before the push: unsigned.
   *
   * An entry a step already pushed, unconditionally and not allowed to fail, under the same name and tag, and that
   * no later step builds again, is that step's local image pushed once more (same manifest, same digest): not a
   * new push path, so the step's push and the signatures after it decide. Anything else is a push of its own.
   *
   * `options.requestedVerifyOption: VERIFIED`: Cloud Build must generate and upload signed SLSA build provenance
   * for the images it pushed, or fail the build ("If a verified build is requested, and any part of the process to
   * generate and upload provenance fails, the build will also fail"; without it, provenance "may occur, but is not
   * guaranteed to"). It is Google-signed provenance of the digest, recorded in Artifact Analysis, and only for
   * images in Artifact Registry (https://cloud.google.com/build/docs/securing-builds/generate-validate-build-provenance).
   * The engine's SignMethod for a signed provenance attestation is `attestation` (as actions/attest-build-provenance;
   * the corpus counts an attestation-only image as signed by attestation in the lenient reading, and the strict
   * `accept-methods` refuses it), so VERIFIED counts as an attestation by digest, made after the push, for each
   * `images:` entry in Artifact Registry (`*-docker.pkg.dev`, gcr.io). Images elsewhere, or whose registry is not
   * known, get no credit. Images pushed by steps are not in the build's results and get no provenance.
   */
  private images(stepCount: number, all: number | undefined): void {
    const { doc } = this;
    const nodes = doc.items(doc.get(doc.root, 'images'));
    if (nodes.length === 0) return;
    const key = `${this.path}#images`;
    const loc: Location = { file: this.path, line: doc.line(doc.keyNode(doc.root, 'images')) };
    this.graph.add(key, all !== undefined ? [all] : [], loc);
    this.out.jobs.set(key, { jobKey: key, ci: 'cloud-build', location: loc, idTokenWrite: true, workflowPath: this.path, waitsFor: (before) => this.graph.finishesBefore(before, key) });
    const verified = doc.str(doc.get(this.options, 'requestedVerifyOption')) === 'VERIFIED';
    const guard: Guard = { formula: TRUE, continueOnError: false };
    const attest: SignOp[] = [];
    for (const [i, n] of nodes.entries()) {
      if (!this.budget.charge(COST.image)) {
        this.budget.stopped(`the images of ${this.path}`, loc);
        return;
      }
      const raw = this.sub(doc.str(n) ?? '').trim();
      if (!raw) continue;
      const at: Location = { file: this.path, line: doc.line(n) };
      const ref = parseImageRef(raw);
      if (!ref.name) continue;
      if (isEphemeralRegistry(ref.name, this.input.ephemeralRegistries)) {
        this.out.localBuilds.push({ name: ref.name, reason: `Cloud Build images: to ephemeral registry ${registryOf(ref.name)}`, location: at });
        continue;
      }
      const host = registryOf(ref.name);
      const provenance = PROVENANCE_REGISTRY.test(host);
      const notes = ['pushed by Cloud Build after all build steps succeed (images:)'];
      if (verified && !provenance) notes.push(/\$/.test(host) ? `requestedVerifyOption: VERIFIED, but the registry (${host}) is not known: Cloud Build's provenance is only for Artifact Registry, so none is counted` : `requestedVerifyOption: VERIFIED, but ${host} is not Artifact Registry: Cloud Build generates no provenance for it`);
      const earlier = this.pushedByStep(ref.name, ref.tag);
      if (earlier.length > 0) {
        for (const p of earlier) (p.notes ??= []).push(`also listed in images: (${at.file}:${at.line}); Cloud Build pushes the same local image again after the steps`);
      } else {
        const push: PushOp = { kind: 'push', tool: 'Cloud Build images:', refs: [ref], location: at, chain: [], guard, confidence: 'high', jobKey: key, stepIndex: stepCount, seq: i, notes };
        this.out.operations.push(push);
      }
      if (verified && provenance) {
        attest.push({
          kind: 'sign',
          tool: 'Cloud Build provenance (requestedVerifyOption: VERIFIED)',
          method: 'attestation',
          refs: [parseImageRef(`${ref.name}@${resolvedDigestText(raw)}`)],
          keyless: false,
          key: { value: 'Cloud Build provenance signing key (Google-managed)', source: 'kms', location: this.verifyLocation() },
          location: this.verifyLocation(),
          chain: [at],
          guard,
          confidence: 'high',
          jobKey: key,
          stepIndex: stepCount,
          seq: nodes.length + i,
          identityWorkflow: this.path,
          notes: ["Cloud Build's signed SLSA build provenance, stored in Artifact Analysis rather than next to the image in the registry: Binary Authorization can check it; cosign-based admission controllers cannot fetch it"],
        });
      }
    }
    this.out.operations.push(...attest);
  }

  /**
   * Unconditional pushes by steps of `name` with `tag` that may stand for the `images:` entry: not allowed to fail,
   * and with no local build of the same reference in a later step.
   */
  private pushedByStep(name: string, tag: string | undefined): PushOp[] {
    const matching = this.stepPushes.filter(
      (p) => p.location.file === this.path && p.guard.formula.k === 'const' && p.guard.formula.v && !p.guard.continueOnError && p.refs.some((r) => r.name === name && r.tag === tag),
    );
    if (matching.length === 0) return [];
    const lastPush = Math.max(...matching.map((p) => p.stepIndex ?? 0));
    // Local builds are listed by name: a later build of the name, whatever its tag, may have replaced the image.
    const rebuilt = this.stepBuilds.some((b) => b.step > lastPush && parseImageRef(b.name).name === name);
    return rebuilt ? [] : matching;
  }

  private verifyLocation(): Location {
    const opt = this.doc.keyNode(this.options, 'requestedVerifyOption');
    return { file: this.path, line: opt ? this.doc.line(opt) : this.doc.line(this.options) };
  }

  /** A step whose builder's command is not known: if it looks image-related, it is not inspected and fails closed. */
  private unknownBuilder(name: string, args: string[], reason: string, key: string, guard: Guard, loc: Location, index: number): void {
    if (!IMAGE_WORK_BUILDER.test(builderImage(name)) && !args.some((a) => IMAGE_WORK_ARG.test(a.trim()))) return;
    const what = `Cloud Build step ${index + 1} (${name}) at ${loc.file}:${loc.line}`;
    this.out.findings.push(ruleFinding('not-inspected', `${what} was not inspected: ${reason}, and its builder or arguments suggest it may build, push or sign images. It counts as an unsigned push until the step runs a known command (set entrypoint: to the tool), or suppress this finding with the reason it does not publish images.`, loc));
    this.out.operations.push(placeholder(what, loc, guard, key, index, `${what}: ${reason}`));
  }

  /** A `script:` in another language: not read; a push or signing command its text shows fails closed. */
  private notShell(text: string, interpreter: string, line: number, key: string, guard: Guard, loc: Location, index: number): void {
    const hidden = scanHiddenCommands(text);
    const what = `Cloud Build step ${index + 1} at ${loc.file}:${loc.line}`;
    if (hidden.length === 0) {
      this.out.limits.push(`${loc.file}:${loc.line}: the script of build step ${index + 1} runs under ${interpreter || 'an unknown interpreter'}, not a shell; not read`);
      return;
    }
    const at: Location = { file: loc.file, line: line + hidden[0]!.line - 1 };
    this.out.findings.push(ruleFinding('not-inspected', `${what} runs a ${interpreter} script, which is not read; its text shows ${hidden.map((h) => h.text).slice(0, 3).join(', ')}. It counts as an unsigned push.`, at));
    this.out.operations.push(placeholder(what, at, guard, key, index, `${what}: a ${interpreter} script, not read`));
  }

  private sub(text: string): string {
    return substitute(text, this.subs);
  }

  /** A list of strings, or one string (`secretEnv: NAME` is allowed as a single value). */
  private strings(node: Node | null): string[] {
    if (!node) return [];
    const one = this.doc.str(node);
    if (one !== undefined) return [one];
    return this.doc.items(node).map((i) => this.doc.str(i)).filter((s): s is string => s !== undefined);
  }
}

/** The first script line of a scalar: a block scalar (`|`) starts on the line after its indicator. */
function scriptLine(doc: YamlDoc, node: Node): number {
  const block = isScalar(node) && ((node as Scalar).type === 'BLOCK_LITERAL' || (node as Scalar).type === 'BLOCK_FOLDED');
  return doc.line(node) + (block ? 1 : 0);
}

function placeholder(what: string, loc: Location, guard: Guard, jobKey: string, stepIndex: number, note: string): PushOp {
  const name = `${NOT_INSPECTED_PREFIX}${what}`;
  return { kind: 'push', tool: what, refs: [{ raw: name, name, resolved: false }], location: loc, chain: [], guard, confidence: 'low', jobKey, stepIndex, seq: 0, notes: [note] };
}
