import { hiddenPushOps, hiddenSuffix, type HiddenCommand } from './hidden-pushes.js';
import { posix } from 'node:path';
import { ruleFinding } from '../model/rule-finding.js';
import { normalizeRelPath, type RepoReader } from '../discover/repo.js';
import { isEphemeralRegistry, parseImageRef, registryOf } from '../model/image-ref.js';
import type { Location } from '../model/location.js';
import type { OpContext, PushOp, ReaderResult } from '../model/pipeline.js';
import { emptyDefinition, loadBakeFile, type BakeDefinition, type BakeTargetDef } from './bake-files.js';
import { BakeEvaluator } from './bake-eval.js';
import { compileGlob, isUsable, PATH_GLOB } from '../util/glob.js';

/** A `docker buildx bake` run: docker/bake-action or the command in a script. */
export interface BakeInvocation extends OpContext {
  repo: RepoReader;
  /** Bake definition files (repository-relative); empty means bake's defaults (docker-bake.hcl, compose files…). */
  files: string[];
  /** Files that do not exist in the tree but are produced in CI, by path (e.g. docker/metadata-action's bake file). */
  virtualFiles?: Record<string, string>;
  targets: string[];
  /** `--push` / `push: true` given. */
  push: boolean;
  /** `--set` overrides (`*.tags=…`, `app.output=type=registry`). */
  set: string[];
  workdir: string;
  env: Record<string, string>;
  location: Location;
  /** The step id, so a later sign step's `steps.<id>.outputs.metadata` can target these images. */
  stepId?: string;
}

/** bake's default files, in its lookup and merge order (docs.docker.com/build/bake/reference). */
export const BAKE_DEFAULT_FILES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
  'docker-bake.json',
  'docker-bake.hcl',
  'docker-bake.override.json',
  'docker-bake.override.hcl',
];

const MAX_GROUP_DEPTH = 32;

interface SetOverride {
  matches: (target: string) => boolean;
  key: string;
  append: boolean;
  value: string;
}

/**
 * Reads the bake definition a run uses and returns one push per tag of every target that goes to a registry
 * (`--push`, `push: true`, an `output` of `type=registry` or `type=image,push=true`, or such a `--set`), and
 * local builds for the rest. Tags carry the `file:line` where they are written.
 */
export function readBake(inv: BakeInvocation): ReaderResult {
  const result: ReaderResult = { operations: [], localBuilds: [], findings: [], limits: [] };
  const def = emptyDefinition();
  const loaded = loadFiles(inv, def, result);
  if (loaded === 0) return result;

  const evaluator = new BakeEvaluator(def, inv.env, inv.budget, inv.location);
  const sets = inv.set.map(parseSet).filter((s): s is SetOverride => s !== undefined);
  const targetNames = resolveTargets(def, evaluator, inv.targets.length ? inv.targets : ['default'], result.limits);
  const base = {
    chain: [...inv.chain, inv.location],
    guard: inv.guard,
    jobKey: inv.jobKey,
    stepIndex: inv.stepIndex,
    ...(inv.parallelGroup !== undefined ? { parallelGroup: inv.parallelGroup } : {}),
  };

  for (const name of targetNames) {
    const chain = inheritanceChain(def, evaluator, name);
    const own = def.targets.get(name);
    if (!own) {
      result.limits.push(`bake target "${name}" (${inv.location.file}:${inv.location.line}) is not defined in the bake files read`);
      continue;
    }
    const tags = collectTags(chain, evaluator, sets, name, inv.location);
    const outputs = collectOutputs(chain, evaluator, sets, name);
    const pushAttr = chain.some((t) => t.attributes.has('push') && evaluator.strings(t.attributes.get('push')?.value).some((v) => v.text === 'true'));
    const pushes = inv.push || pushAttr || outputs.some(isRegistryOutput) || sets.some((s) => s.key === 'push' && s.matches(name) && s.value === 'true');
    if (tags.length === 0) {
      if (pushes) result.limits.push(`bake target "${name}" (${own.location.file}:${own.location.line}) pushes but has no tags that could be read`);
      continue;
    }
    for (const tag of tags) {
      const ref = parseImageRef(tag.text);
      if (!pushes) {
        result.localBuilds.push({ name: ref.name, reason: `bake target "${name}" has no registry output (no --push)`, location: tag.location });
        continue;
      }
      const op: PushOp = {
        kind: 'push',
        tool: 'docker buildx bake',
        ...base,
        location: tag.location,
        confidence: ref.resolved ? 'high' : 'medium',
        refs: [ref],
        notes: [`bake target "${name}"`],
      };
      if (isEphemeralRegistry(ref.name, inv.ephemeralRegistries)) op.ephemeral = registryOf(ref.name);
      result.operations.push(op);
    }
  }
  return result;
}

function loadFiles(inv: BakeInvocation, def: BakeDefinition, result: ReaderResult): number {
  const workdir = normalizeRelPath(inv.workdir || '.') ?? '';
  const virtual = inv.virtualFiles ?? {};
  const requested = inv.files.length ? inv.files : BAKE_DEFAULT_FILES;
  let loaded = 0;
  for (const written of requested) {
    // bake-action v6 marks local files with `cwd://`.
    const file = written.replace(/^cwd:\/\//, '').trim();
    if (!file) continue;
    const virtualText = virtual[written] ?? virtual[file];
    if (virtualText !== undefined) {
      const problems = loadBakeFile(def, file, virtualText, true, inv.budget);
      if (problems.length) result.limits.push(`bake file ${file} produced in CI could not be read: ${problems[0]?.message ?? ''}`);
      loaded++;
      continue;
    }
    const path = normalizeRelPath(posix.join(workdir || '.', file));
    if (path === undefined || /\$\{\{|\$\{?[A-Za-z_]/.test(file)) {
      result.limits.push(`bake file \`${written}\` (${inv.location.file}:${inv.location.line}) could not be resolved to a repository file`);
      continue;
    }
    if (!inv.repo.has(path)) {
      if (inv.files.length) result.limits.push(`bake file ${path} (${inv.location.file}:${inv.location.line}) is not in the repository`);
      continue;
    }
    const read = inv.repo.read(path);
    if (!read.ok) {
      result.limits.push(`bake file ${path} not read: ${read.reason}`);
      continue;
    }
    const problems = loadBakeFile(def, path, read.text, false, inv.budget);
    if (problems.length) {
      const first = problems[0]!;
      const related = [{ ...inv.location, message: 'bake runs here' }];
      // The targets the unread part defines may be pushed by this call: a push not inspected (fail closed), named.
      const pushes = inv.push || /type=registry|push=true/.test(`${inv.set.join('\n')}\n${read.text.slice(0, 256 * 1024)}`);
      const hidden: HiddenCommand[] = pushes ? [{ kind: 'push', text: `bake targets of ${path}`, line: first.line }] : [];
      const same = (l: number): number => l;
      for (const op of hiddenPushOps(hidden, path, same, inv)) result.operations.push({ ...op, chain: [...inv.chain, inv.location] });
      result.findings.push(ruleFinding('parse-error', `bake file ${path} could not be parsed: ${first.message}${hiddenSuffix(hidden, same)}`, { file: path, line: first.line }, related));
      if (first.bound) {
        const text = `${path} was not read whole (${first.bound.reason}). It is a pipeline file, so what it pushes or signs is unknown and the check fails closed.`;
        result.findings.push(ruleFinding('input-bound-exceeded', text, { file: path, line: first.bound.line }, related));
      }
    }
    loaded++;
  }
  return loaded;
}

/**
 * Expands groups (recursively) into target names, keeping the order and dropping duplicates. Each group is
 * expanded once: groups naming the same group many times over would otherwise grow exponentially with depth.
 */
function resolveTargets(def: BakeDefinition, ev: BakeEvaluator, names: string[], limits: string[]): string[] {
  const out: string[] = [];
  const listed = new Set<string>();
  const expanded = new Set<string>();
  const visit = (name: string, depth: number): void => {
    if (depth > MAX_GROUP_DEPTH) {
      limits.push(`bake group nesting bound (${MAX_GROUP_DEPTH}) hit at "${name}"`);
      return;
    }
    const group = def.groups.get(name);
    if (group && !(depth === 0 && def.targets.has(name) && name !== 'default')) {
      if (expanded.has(name)) return;
      expanded.add(name);
      for (const t of ev.strings(group.value)) if (t.text !== name) visit(t.text, depth + 1);
      return;
    }
    if (!listed.has(name)) {
      listed.add(name);
      out.push(name);
    }
  };
  for (const n of names) visit(n, 0);
  return out;
}

/** The target followed by its ancestors, nearest first (`inherits` in order; later parents override earlier ones). */
function inheritanceChain(def: BakeDefinition, ev: BakeEvaluator, name: string): BakeTargetDef[] {
  const out: BakeTargetDef[] = [];
  const seen = new Set<string>();
  const visit = (n: string, depth: number): void => {
    const t = def.targets.get(n);
    if (!t || seen.has(n) || depth > MAX_GROUP_DEPTH) return;
    seen.add(n);
    out.push(t);
    const parents = ev.strings(t.attributes.get('inherits')?.value).map((p) => p.text);
    for (const p of [...parents].reverse()) visit(p, depth + 1);
  };
  visit(name, 0);
  return out;
}

function collectTags(chain: BakeTargetDef[], ev: BakeEvaluator, sets: SetOverride[], name: string, stepLocation: Location): Array<{ text: string; location: Location }> {
  const fromSets = sets.filter((s) => s.key === 'tags' && s.matches(name));
  if (fromSets.length) {
    // `--set` replaces the file's tags (`+=` appends); the command line is where they are written.
    const replace = fromSets.some((s) => !s.append);
    const base = replace ? [] : fileTags(chain, ev, stepLocation);
    return [...base, ...fromSets.flatMap((s) => s.value.split(',').map((v) => ({ text: v.trim(), location: stepLocation })))].filter((t) => t.text);
  }
  return fileTags(chain, ev, stepLocation);
}

function fileTags(chain: BakeTargetDef[], ev: BakeEvaluator, stepLocation: Location): Array<{ text: string; location: Location }> {
  // The nearest definition of `tags` wins (a child overrides its parents).
  const holder = chain.find((t) => t.attributes.has('tags'));
  const attr = holder?.attributes.get('tags');
  if (!attr) return [];
  return ev
    .strings(attr.value)
    .filter((t) => t.text.trim() !== '')
    .map((t) => ({ text: t.text.trim(), location: attr.virtual ? stepLocation : { file: attr.file, line: t.line } }));
}

function collectOutputs(chain: BakeTargetDef[], ev: BakeEvaluator, sets: SetOverride[], name: string): string[] {
  const fromSets = sets.filter((s) => s.key === 'output' && s.matches(name)).map((s) => s.value);
  if (fromSets.length) return fromSets;
  const holder = chain.find((t) => t.attributes.has('output'));
  return holder ? ev.strings(holder.attributes.get('output')?.value).map((o) => o.text) : [];
}

function isRegistryOutput(output: string): boolean {
  const fields = new Map(
    output.split(',').map((f) => {
      const eq = f.indexOf('=');
      return [f.slice(0, eq < 0 ? undefined : eq).trim().toLowerCase(), eq < 0 ? '' : f.slice(eq + 1).trim().toLowerCase()] as [string, string];
    }),
  );
  const type = fields.get('type');
  return type === 'registry' || ((type === 'image' || type === 'oci') && fields.get('push') === 'true');
}

/** `pattern.key=value` / `pattern.key+=value`; `pattern` may use `*` and other globs. */
function parseSet(s: string): SetOverride | undefined {
  const m = /^([^=+]+?)\.([A-Za-z-]+)(\+?=)(.*)$/s.exec(s.trim());
  if (!m) return undefined;
  const pattern = m[1] ?? '';
  const key = (m[2] ?? '').toLowerCase();
  // picomatch's glob syntax, as before (target names never start with a dot, so its dot rule does not arise). A
  // pattern the matcher cannot evaluate makes the override not understood, like any other `--set` it cannot read.
  const glob = compileGlob(pattern, PATH_GLOB);
  if (!isUsable(glob)) return undefined;
  return { matches: (t) => glob.matches(t) === true, key: key === 'outputs' ? 'output' : key, append: m[3] === '+=', value: m[4] ?? '' };
}
