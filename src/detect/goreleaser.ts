import { pushDigestText } from '../model/digest.js';
import { posix } from 'node:path';
import { ruleFinding } from '../model/rule-finding.js';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import type { Finding } from '../model/finding.js';
import { isEphemeralRegistry, parseImageRef, registryOf } from '../model/image-ref.js';
import type { Location } from '../model/location.js';
import type { ImageRef, OpContext, OperationBase, PushOp, ReaderResult, SignOp } from '../model/pipeline.js';
import type { Confidence, SignMethod } from '../model/report.js';
import { firstYamlError, parseYaml, yamlDocs, type YamlDoc } from '../parse/yaml.js';
import { yamlBoundFinding } from '../parse/yaml-findings.js';
import { commandPublishes, parseGoreleaserArgs, type GoreleaserRun } from './goreleaser-args.js';
import { classifyKey, DEFAULT_DOCKER_SIGN_ARGS, inspectSignArgs, kindsSigned, type GoreleaserImageKind } from './goreleaser-sign.js';
import { loadConfigLayers, type UninspectedInclude } from './goreleaser-includes.js';
import { configEnv, renderTemplate, type ConfigEnvEntry, type TemplateValues } from './goreleaser-template.js';
import { NOT_INSPECTED_PREFIX } from '../model/pipeline.js';
import { appendAll } from '../util/arrays.js';
import { AnalysisBudget } from '../util/budget.js';
import { hiddenPushOps, hiddenSuffix, scanHiddenGoreleaser } from './hidden-pushes.js';

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

/** goreleaser's default config file names, in its lookup order. */
export const GORELEASER_CONFIG_NAMES = ['.goreleaser.yml', '.goreleaser.yaml', 'goreleaser.yml', 'goreleaser.yaml'];

/** One image goreleaser builds (and, unless skipped, pushes). */
interface GoreleaserImage {
  kind: GoreleaserImageKind;
  id?: string;
  refs: ImageRef[];
  location: Location;
  /** Why this image is built but not pushed. */
  skip?: string;
  notes: string[];
  confidence: Confidence;
}

interface ConfigContext {
  y: YamlDoc;
  file: string;
  values: TemplateValues;
  /** The run's budget: rendered templates are charged to it and capped in length. */
  budget: AnalysisBudget;
}

/** Renders a template written at `line` of the context's file. */
function render(ctx: ConfigContext, text: string, line: number): string {
  return renderTemplate(text, ctx.values, { budget: ctx.budget, location: { file: ctx.file, line } });
}

/**
 * Reads the goreleaser config a run uses and returns the pushes (`dockers`, `dockers_v2`, `docker_manifests`,
 * `kos`) and image signatures (`docker_signs`) it performs, with `file:line` inside the config.
 * `signs:` / `binary_signs:` sign blobs (checksums, archives), never images, and are ignored on purpose.
 */
export function readGoreleaser(inv: GoreleaserInvocation): ReaderResult {
  const result: ReaderResult = { operations: [], localBuilds: [], findings: [], limits: [] };
  const run = parseGoreleaserArgs(inv.args);
  // `goreleaser build`, `check`, … never build images.
  if (!commandPublishes(run)) return result;

  const configPath = findConfig(inv, run, result);
  if (!configPath) return result;
  const read = inv.repo.read(configPath);
  if (!read.ok) {
    result.limits.push(`goreleaser config ${configPath} not read: ${read.reason}`);
    return result;
  }
  const budget = inv.budget ?? new AnalysisBudget();
  const parsed = parseYaml(read.text, configPath, budget);
  const doc = yamlDocs(parsed)[0];
  if (parsed.errors.length > 0 || !doc || !doc.isMap(doc.root)) {
    const first = firstYamlError(parsed);
    result.findings.push(parseErrorFinding(configPath, first?.line ?? 1, first?.message ?? 'not a YAML mapping', inv.location, hiddenIn(inv, run, configPath, read.text, result)));
    const bound = yamlBoundFinding(parsed, configPath, [{ ...inv.location, message: 'goreleaser runs here' }]);
    if (bound) result.findings.push(bound);
    return result;
  }
  const workdir = normalizeRelPath(inv.workdir || '.') ?? '';
  const loaded = loadConfigLayers({ y: doc, file: configPath }, inv.repo, workdir, inv.remoteFiles, budget);
  appendAll(result.limits, loaded.limits);
  for (const e of loaded.parseErrors) {
    result.findings.push(parseErrorFinding(e.file, e.line, e.message, inv.location, hiddenIn(inv, run, e.file, e.text, result)));
    const bound = yamlBoundFinding(e.parsed, e.file, [{ ...inv.location, message: 'goreleaser runs here' }]);
    if (bound) result.findings.push(bound);
  }
  const layers = loaded.layers;
  // Lists gather every layer's entries; the including file's come last in `env` so its values win.
  const envList: ConfigEnvEntry[] = [];
  for (const { y, file } of [...layers].reverse()) {
    for (const n of y.items(y.get(y.root, 'env'))) {
      const text = y.str(n);
      if (text !== undefined) envList.push({ text, location: { file, line: y.line(n) } });
    }
  }
  const { env, unknownEnv } = configEnv(envList, inv.env, budget);
  const repoName = inv.repository?.split('/')[1];
  const projectNameLayer = layers.find(({ y }) => y.str(y.get(y.root, 'project_name')) !== undefined);
  const projectNameNode = projectNameLayer?.y.get(projectNameLayer.y.root, 'project_name');
  const projectName =
    projectNameLayer && projectNameNode
      ? renderTemplate(projectNameLayer.y.str(projectNameNode)!, { env, unknownEnv }, { budget, location: { file: projectNameLayer.file, line: projectNameLayer.y.line(projectNameNode) } })
      : repoName;
  const vars: Record<string, string> = {};
  for (const { y } of [...layers].reverse()) for (const e of y.entries(y.get(y.root, 'variables'))) if (y.str(e.value) !== undefined) vars[e.key] = y.str(e.value)!;
  const values: TemplateValues = { env, unknownEnv, ...(projectName !== undefined ? { projectName } : {}), ...(Object.keys(vars).length ? { vars } : {}) };
  const contexts: ConfigContext[] = layers.map((l) => ({ y: l.y, file: l.file, values, budget }));

  const images: GoreleaserImage[] = [];
  for (const ctx of contexts) {
    // Entry lists are input-sized: appended in loops, not spread into a call.
    if (!run.skipDocker) for (const list of [readDockers(ctx), readDockersV2(ctx), readManifests(ctx)]) appendAll(images, list);
    if (!run.skipKo) appendAll(images, readKos(ctx, inv.env, result.limits));
  }

  const base = opBase(inv);
  for (const u of loaded.uninspected) notInspectedInclude(u, inv, base, result);
  const pushed: GoreleaserImage[] = [];
  // Images the merge job signs that a split job pushed.
  const signedHere: GoreleaserImage[] = [];
  for (const image of images) {
    const reason = run.noPublish ?? image.skip;
    if (reason) {
      for (const ref of image.refs) result.localBuilds.push({ name: ref.name, reason, location: image.location });
      continue;
    }
    // Split jobs push the `dockers` images only; the merge job pushes the rest and signs them all.
    if (run.phase === 'split' && image.kind !== 'docker') continue;
    if (run.phase === 'merge' && image.kind === 'docker') {
      signedHere.push(image);
      continue;
    }
    const splitNote = 'pushed by a `goreleaser release --split` job; docker_signs and docker_manifests run in the merge job';
    if (run.phase === 'split' && !image.notes.includes(splitNote)) image.notes.push(splitNote);
    pushed.push(image);
    const op: PushOp = {
      kind: 'push',
      tool: `goreleaser ${toolKey(image.kind)}`,
      ...base,
      location: image.location,
      confidence: image.confidence,
      refs: image.refs,
      // docker_signs' `${digest}` is what this push produced (goreleaser's artifact list carries it, also from a split job).
      digestText: pushDigestText(image.location),
      ...(image.notes.length ? { notes: image.notes } : {}),
    };
    const name = image.refs[0]?.name;
    if (name && isEphemeralRegistry(name, inv.ephemeralRegistries)) op.ephemeral = registryOf(name);
    result.operations.push(op);
  }

  const targets = [...pushed, ...signedHere];
  if (!run.skipSign && run.phase !== 'split' && targets.length > 0) {
    for (const ctx of contexts) for (const op of readDockerSigns(ctx, targets, result.limits)) result.operations.push({ ...base, ...op });
  }
  return result;
}

/** A `from_url` include that could not be read: a finding, and an unknown image when its name says images. */
function notInspectedInclude(u: UninspectedInclude, inv: GoreleaserInvocation, base: ReturnType<typeof opBase>, result: ReaderResult): void {
  result.findings.push(
    ruleFinding('not-inspected', `goreleaser include ${u.url} was not inspected (${u.why}); images it configures are not known. Provide it with --remote-checkouts / remote-checkouts.`, u.location, [{ ...inv.location, message: 'goreleaser runs here' }]),
  );
  if (!/docker|image|container|(^|[/_.-])kos?([/_.-]|$)|oci/i.test(u.url.replace(/^[a-z]+:\/\/[^/]+/i, ''))) return;
  const name = `${NOT_INSPECTED_PREFIX}goreleaser include ${u.url}`;
  result.operations.push({
    kind: 'push',
    tool: 'goreleaser',
    ...base,
    location: u.location,
    confidence: 'low',
    refs: [{ raw: name, name, resolved: false }],
    notes: [`configured in goreleaser include ${u.url}, not inspected: ${u.why}`],
  });
}

function toolKey(kind: GoreleaserImageKind): string {
  return kind === 'docker' ? 'dockers' : kind === 'docker-v2' ? 'dockers_v2' : kind === 'manifest' ? 'docker_manifests' : 'kos';
}

function opBase(inv: GoreleaserInvocation): Pick<OperationBase, 'chain' | 'guard' | 'jobKey' | 'stepIndex' | 'parallelGroup'> {
  return {
    chain: [...inv.chain, inv.location],
    guard: inv.guard,
    jobKey: inv.jobKey,
    stepIndex: inv.stepIndex,
    ...(inv.parallelGroup !== undefined ? { parallelGroup: inv.parallelGroup } : {}),
  };
}

function findConfig(inv: GoreleaserInvocation, run: GoreleaserRun, result: ReaderResult): string | undefined {
  const workdir = normalizeRelPath(inv.workdir || '.') ?? '';
  if (run.config !== undefined) {
    const path = normalizeRelPath(posix.join(workdir || '.', run.config));
    if (path === undefined || /\$\{\{|\$\{?[A-Za-z_]/.test(run.config)) {
      result.limits.push(`goreleaser config \`${run.config}\` (${inv.location.file}:${inv.location.line}) could not be resolved to a repository file`);
      return undefined;
    }
    if (!inv.repo.has(path)) {
      result.limits.push(`goreleaser config ${path} (${inv.location.file}:${inv.location.line}) is not in the repository`);
      return undefined;
    }
    return path;
  }
  for (const name of GORELEASER_CONFIG_NAMES) {
    const path = workdir ? `${workdir}/${name}` : name;
    if (inv.repo.has(path)) return path;
  }
  // No config: goreleaser's defaults build binaries only, so nothing is pushed.
  return undefined;
}

function parseErrorFinding(file: string, line: number, message: string, from: Location, hidden: string): Finding {
  return ruleFinding('parse-error', `goreleaser config ${file} could not be parsed: ${message}${hidden}`, { file, line }, [{ ...from, message: 'goreleaser runs here' }]);
}

/**
 * A config (or include) that does not parse may hide the images this publishing run pushes: its image sections,
 * found lexically, become images not inspected (the verdict fails closed); the message tail names them.
 */
function hiddenIn(inv: GoreleaserInvocation, run: GoreleaserRun, file: string, text: string, result: ReaderResult): string {
  if (run.noPublish !== undefined || run.skipDocker) return '';
  const hidden = scanHiddenGoreleaser(text, file);
  const same = (l: number): number => l;
  for (const op of hiddenPushOps(hidden, file, same, inv)) result.operations.push({ ...op, chain: [...inv.chain, inv.location] });
  return hiddenSuffix(hidden, same);
}

function strings(y: YamlDoc, node: unknown): Array<{ text: string; line: number }> {
  const n = y.deref(node);
  if (!n) return [];
  if (y.isSeq(n)) {
    return y
      .items(n)
      .map((i) => ({ text: y.str(i), line: y.line(i) }))
      .filter((x): x is { text: string; line: number } => x.text !== undefined && x.text.trim() !== '');
  }
  const s = y.str(n);
  return s !== undefined && s.trim() !== '' ? [{ text: s, line: y.line(n) }] : [];
}

/** `skip_push` / `disable`: true, false, "auto" (skipped for prereleases) or a template decided at release time. */
function skipReason(ctx: ConfigContext, entry: unknown, notes: string[]): { skip?: string; confidence: Confidence } {
  const { y } = ctx;
  for (const key of ['skip_push', 'disable', 'skip']) {
    const raw = y.str(y.get(entry, key));
    if (raw === undefined) continue;
    const v = raw.trim().toLowerCase();
    if (v === 'true') return { skip: `goreleaser ${key}: true`, confidence: 'high' };
    if (v === 'false' || v === '') continue;
    if (v === 'auto') {
      notes.push(`${key}: auto skips the push for prereleases`);
      continue;
    }
    notes.push(`${key} is decided at release time (${raw.trim()})`);
    return { confidence: 'medium' };
  }
  return { confidence: 'high' };
}

function refFor(ctx: ConfigContext, text: string, line: number): ImageRef {
  return parseImageRef(render(ctx, text.trim(), line));
}

function entryId(ctx: ConfigContext, entry: unknown): string | undefined {
  const node = ctx.y.get(entry, 'id');
  const id = ctx.y.str(node);
  return id !== undefined ? render(ctx, id, ctx.y.line(node)) : undefined;
}

/**
 * `dockers` (one push per `image_templates` line) and `docker_manifests` (one push per `name_template`: its
 * image_templates name images that `dockers` already pushed) have the same shape.
 */
function readTemplateEntries(ctx: ConfigContext, section: 'dockers' | 'docker_manifests', field: 'image_templates' | 'name_template', kind: 'docker' | 'manifest'): GoreleaserImage[] {
  const { y } = ctx;
  const out: GoreleaserImage[] = [];
  for (const entry of y.items(y.get(y.root, section))) {
    const notes: string[] = [];
    const { skip, confidence } = skipReason(ctx, entry, notes);
    const id = entryId(ctx, entry);
    for (const t of strings(y, y.get(entry, field))) {
      out.push({
        kind,
        ...(id !== undefined ? { id } : {}),
        refs: [refFor(ctx, t.text, t.line)],
        location: { file: ctx.file, line: t.line },
        ...(skip ? { skip } : {}),
        notes,
        confidence,
      });
    }
  }
  return out;
}

function readDockers(ctx: ConfigContext): GoreleaserImage[] {
  return readTemplateEntries(ctx, 'dockers', 'image_templates', 'docker');
}

function readManifests(ctx: ConfigContext): GoreleaserImage[] {
  return readTemplateEntries(ctx, 'docker_manifests', 'name_template', 'manifest');
}

function readDockersV2(ctx: ConfigContext): GoreleaserImage[] {
  const { y } = ctx;
  const out: GoreleaserImage[] = [];
  for (const entry of y.items(y.get(y.root, 'dockers_v2'))) {
    const notes: string[] = [];
    const { skip, confidence } = skipReason(ctx, entry, notes);
    const id = entryId(ctx, entry);
    const tags = strings(y, y.get(entry, 'tags')).map((t) => render(ctx, t.text.trim(), t.line));
    for (const image of strings(y, y.get(entry, 'images'))) {
      const name = render(ctx, image.text.trim(), image.line);
      const refs = tags.length ? tags.map((tag) => parseImageRef(`${name}:${tag}`)) : [parseImageRef(name)];
      out.push({
        kind: 'docker-v2',
        ...(id !== undefined ? { id } : {}),
        refs,
        location: { file: ctx.file, line: image.line },
        ...(skip ? { skip } : {}),
        notes,
        confidence,
      });
    }
  }
  return out;
}

function readKos(ctx: ConfigContext, runEnv: Record<string, string>, limits: string[]): GoreleaserImage[] {
  const { y } = ctx;
  const out: GoreleaserImage[] = [];
  for (const entry of y.items(y.get(y.root, 'kos'))) {
    const notes: string[] = ['ko pushes by digest'];
    const { skip, confidence } = skipReason(ctx, entry, notes);
    const id = entryId(ctx, entry) ?? ctx.values.projectName;
    let repos = [...strings(y, y.get(entry, 'repositories')), ...strings(y, y.get(entry, 'repository'))];
    const envRepo = runEnv.KO_DOCKER_REPO;
    // goreleaser lets KO_DOCKER_REPO replace the configured repository.
    if (envRepo) repos = [{ text: envRepo, line: y.line(entry) }];
    if (repos.length === 0) {
      limits.push(`goreleaser kos entry at ${ctx.file}:${y.line(entry)} has no repository (KO_DOCKER_REPO not known)`);
      continue;
    }
    const tags = strings(y, y.get(entry, 'tags')).map((t) => render(ctx, t.text.trim(), t.line));
    if (tags.length === 0) tags.push('latest');
    const main = y.str(y.get(entry, 'main'));
    const leaf = main && main !== '.' ? posix.basename(main.replace(/\/+$/, '')) : (ctx.values.projectName ?? '<main package>');
    const flag = (k: string): boolean => y.str(y.get(entry, k))?.trim().toLowerCase() === 'true';
    for (const repo of repos) {
      const base = render(ctx, repo.text.trim(), repo.line).replace(/\/+$/, '');
      // ko's namers: bare = the repository itself; base_import_paths = repo/<leaf>; preserve_import_paths =
      // repo/<full import path>; default = repo/<leaf>-<md5 of import path>, which cannot be known statically.
      let name: string;
      if (flag('bare')) name = base;
      else if (flag('base_import_paths')) name = `${base}/${leaf}`;
      else if (flag('preserve_import_paths')) name = `${base}/<import path of ${main ?? leaf}>`;
      else name = `${base}/${leaf}-<md5 of import path>`;
      out.push({
        kind: 'ko',
        ...(id !== undefined ? { id } : {}),
        refs: tags.map((tag) => parseImageRef(`${name}:${tag}`)),
        location: { file: ctx.file, line: repo.line },
        ...(skip ? { skip } : {}),
        notes,
        confidence,
      });
    }
  }
  return out;
}

type SignOpBody = Omit<SignOp, 'chain' | 'guard' | 'jobKey' | 'stepIndex' | 'parallelGroup'>;

function readDockerSigns(ctx: ConfigContext, pushed: GoreleaserImage[], limits: string[]): SignOpBody[] {
  const { y } = ctx;
  const out: SignOpBody[] = [];
  for (const entry of y.items(y.get(y.root, 'docker_signs'))) {
    const line = y.line(entry);
    const location: Location = { file: ctx.file, line, endLine: y.endLine(entry) };
    const cmd = (y.str(y.get(entry, 'cmd')) ?? 'cosign').trim();
    const tool = posix.basename(cmd);
    const argsNode = y.get(entry, 'args');
    const args = y.isSeq(argsNode) ? strings(y, argsNode).map((a) => a.text) : DEFAULT_DOCKER_SIGN_ARGS;
    const info = inspectSignArgs(args);
    let method: SignMethod;
    if (tool === 'cosign') method = info.attest ? 'cosign-attest' : 'goreleaser-cosign';
    else if (tool === 'notation') method = 'notation';
    else {
      limits.push(`goreleaser docker_signs at ${ctx.file}:${line} runs \`${cmd}\`, not a known image signer; not counted`);
      continue;
    }
    const artifacts = (y.str(y.get(entry, 'artifacts')) ?? '').trim();
    const kinds = kindsSigned(artifacts);
    if (!kinds) {
      limits.push(`goreleaser docker_signs at ${ctx.file}:${line} has artifacts \`${artifacts}\`, which could not be interpreted; not counted`);
      continue;
    }
    const ids = strings(y, y.get(entry, 'ids')).map((i) => render(ctx, i.text.trim(), i.line));
    const targets = pushed.filter((img) => kinds.has(img.kind) && (ids.length === 0 || (img.id !== undefined && ids.includes(img.id))));
    if (targets.length === 0) continue;

    const notes: string[] = [];
    let confidence: Confidence = 'high';
    const condition = y.str(y.get(entry, 'if'));
    if (condition !== undefined) {
      notes.push(`goreleaser docker_signs filter \`if: ${condition}\` may leave some artifacts unsigned`);
      confidence = 'medium';
    }
    if (!info.namesArtifact && !info.byDigest) {
      notes.push('docker_signs args name neither ${artifact} nor ${digest}');
      confidence = 'low';
    }
    const refs = signedRefs(targets, info.byDigest);

    const signEnv = configEnv(
      strings(y, y.get(entry, 'env')).map((e) => ({ text: e.text, location: { file: ctx.file, line: e.line } })),
      ctx.values.env,
      ctx.budget,
      ctx.values.unknownEnv,
    ).env;
    const keyLocation: Location = { file: ctx.file, line: y.line(argsNode ?? entry) };
    // The key keeps its template (`{{ .Env.KEY }}`) so the classifier can see where it comes from.
    const key = info.keyValue !== undefined ? classifyKey(info.keyValue, signEnv, keyLocation) : undefined;
    const stdin = y.str(y.get(entry, 'stdin'));
    const passwordEnv = signEnv.COSIGN_PASSWORD;
    const password =
      stdin !== undefined
        ? classifyKey(stdin.trim(), signEnv, { file: ctx.file, line: y.line(y.get(entry, 'stdin')) })
        : passwordEnv !== undefined
          ? classifyKey(passwordEnv, signEnv, location)
          : undefined;
    out.push({
      kind: 'sign',
      tool: `goreleaser docker_signs (${tool})`,
      location,
      confidence,
      method,
      refs,
      keyless: method !== 'notation' && info.keyless,
      ...(key ? { key } : {}),
      ...(password ? { password } : {}),
      ...(method !== 'notation' ? { signatureFormat: signatureFormat(args) } : {}),
      ...(notes.length ? { notes } : {}),
    });
  }
  return out;
}

function signatureFormat(args: string[]): 'legacy' | 'bundle' | 'default' {
  for (const a of args) {
    const m = /^--new-bundle-format(?:=(.*))?$/.exec(a);
    if (m) return m[1] === 'false' ? 'legacy' : 'bundle';
  }
  return 'default';
}

/**
 * What cosign receives for each artifact: `${artifact}` is `name:tag` for dockers, dockers_v2 and manifests, and
 * already a digest reference for ko; `${digest}` pins it to the digest.
 */
function signedRefs(targets: GoreleaserImage[], byDigest: boolean): ImageRef[] {
  const refs: ImageRef[] = [];
  const seen = new Set<string>();
  for (const img of targets) {
    for (const ref of img.refs) {
      const digestRef = byDigest || img.kind === 'ko';
      const raw = digestRef ? `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}@\${digest}` : ref.raw;
      if (seen.has(raw)) continue;
      seen.add(raw);
      refs.push(digestRef ? { ...ref, raw, digest: pushDigestText(img.location) } : ref);
    }
  }
  return refs;
}
