import type { Node } from 'yaml';
import { hiddenPushOps, hiddenSuffix, scanHiddenCommands, type HiddenCommand } from '../../detect/hidden-pushes.js';
import type { RepoReader } from '../../discover/repo.js';
import { TRUE } from '../../logic/formula.js';
import type { Finding } from '../../model/finding.js';
import type { PushOp } from '../../model/pipeline.js';
import { ruleFinding } from '../../model/rule-finding.js';
import { yamlBoundFinding } from '../../parse/yaml-findings.js';
import { firstYamlError, parseYaml, yamlDocs, yamlLimitNotes, type YamlDoc } from '../../parse/yaml.js';
import type { AnalysisBudget } from '../../util/budget.js';

/**
 * Finding Cloud Build configurations in a tree. Build triggers live in the Google Cloud project, not in the
 * repository, and name their config file by path (default `cloudbuild.yaml` or `cloudbuild.json` at the root,
 * https://cloud.google.com/build/docs/automating-builds/create-manage-triggers); `gcloud builds submit` takes any
 * path. So every file named like a build config anywhere in the tree is read — `cloudbuild.yaml|yml|json`,
 * variants such as `cloudbuild-release.yaml` or `release.cloudbuild.yaml`, and YAML/JSON files in a `cloudbuild/`
 * or `.cloudbuild/` folder — when its document has the shape of one: a top-level `steps:` list whose entries are
 * maps with a `name:` (the builder image; https://cloud.google.com/build/docs/build-config-file-schema). Anything
 * else with such a name (a trigger definition, a Kubernetes manifest) is not a build config and is left alone.
 *
 * Vendored dependencies and test fixtures (`vendor/`, `third_party/`, `node_modules/`, `testdata/`, `fixtures/`)
 * are someone else's builds or samples, not this repository's: not read.
 */

const CONFIG_NAME = /(^|\/)([\w.-]*[._-])?cloudbuild([._-][\w.-]*)?\.(ya?ml|json)$/i;
const CONFIG_FOLDER = /(^|\/)\.?cloud-?build\/[^/]+\.(ya?ml|json)$/i;
const NOT_OURS = /(^|\/)(vendor|third_party|node_modules|testdata|_testdata|test-data|fixtures?|__fixtures__)\//i;
/** Build configs read from one tree; the rest are a limit (each one is a whole build). */
export const MAX_CONFIGS = 1000;

export function isBuildConfigPath(path: string): boolean {
  return (CONFIG_NAME.test(path) || CONFIG_FOLDER.test(path)) && !NOT_OURS.test(path);
}

export interface BuildConfig {
  path: string;
  doc: YamlDoc;
  /** The `steps:` sequence. */
  steps: Node;
}

export interface LoadedConfigs {
  configs: BuildConfig[];
  findings: Finding[];
  limits: string[];
  /** Pushes a build config that does not parse may hide (not inspected; they fail the verdict closed). */
  hidden: PushOp[];
}

/** A document shaped like a build config: `steps:` is a list of maps, at least one of them naming its builder. */
export function buildConfigSteps(doc: YamlDoc): Node | undefined {
  if (!doc.isMap(doc.root)) return undefined;
  const steps = doc.get(doc.root, 'steps');
  if (!steps || !doc.isSeq(steps)) return undefined;
  const items = doc.items(steps);
  if (items.length === 0 || !items.every((i) => doc.isMap(i))) return undefined;
  return items.some((i) => doc.str(doc.get(i, 'name')) !== undefined) ? steps : undefined;
}

/** A text that reads as a build config even though it does not parse: a `steps` key. */
const STEPS_KEY = /(^|[\s{,])["']?steps["']?\s*:/m;

export function loadBuildConfigs(repo: RepoReader, budget?: AnalysisBudget): LoadedConfigs {
  const out: LoadedConfigs = { configs: [], findings: [], limits: [], hidden: [] };
  const paths = repo.files.map((f) => f.path).filter(isBuildConfigPath);
  if (paths.length > MAX_CONFIGS) {
    out.limits.push(`${paths.length} files are named like Cloud Build configs; the first ${MAX_CONFIGS} were read`);
    for (const p of paths.slice(MAX_CONFIGS)) out.findings.push(ruleFinding('input-bound-exceeded', `${p} was not read: more than ${MAX_CONFIGS} Cloud Build configs in the tree. It may be a pipeline file, so what it pushes or signs is unknown and the check fails closed.`, { file: p, line: 1 }));
  }
  for (const path of paths.slice(0, MAX_CONFIGS)) {
    const read = repo.read(path);
    if (!read.ok) {
      // A bound that refused it is reported (and fails closed) through the reader's bound hits.
      if (!/bound|binary/.test(read.reason)) out.limits.push(`${path}: could not be read (${read.reason})`);
      continue;
    }
    const parsed = parseYaml(read.text, path, budget);
    const docs = yamlDocs(parsed);
    // Stopped by the run's budget: its hit at that line already fails the check; the file is not analysed.
    if (parsed.stoppedByBudget) continue;
    if (parsed.errors.length > 0) {
      // Only a text that reads as a build config is one that fails: another file with that name is not ours.
      if (!STEPS_KEY.test(read.text)) {
        out.limits.push(`${path}: named like a Cloud Build config but does not parse and has no steps; not read`);
        continue;
      }
      const err = firstYamlError(parsed);
      const hidden = [...scanHiddenBuildConfig(read.text), ...scanHiddenCommands(read.text)].sort((a, b) => a.line - b.line);
      const same = (l: number): number => l;
      out.findings.push(ruleFinding('parse-error', `Cloud Build config ${path} is not valid YAML${err ? `: ${err.message}` : ''}; it was not analysed${hiddenSuffix(hidden, same)}`, { file: path, line: err?.line ?? 1 }));
      out.hidden.push(...hiddenPushOps(hidden, path, same, { chain: [], guard: { formula: TRUE, continueOnError: false }, jobKey: `${path}#(does not parse)`, stepIndex: 0 }));
      const bound = yamlBoundFinding(parsed, path);
      if (bound) out.findings.push(bound);
      continue;
    }
    const doc = docs[0];
    const steps = doc ? buildConfigSteps(doc) : undefined;
    if (!doc || !steps) continue;
    if (docs.length > 1) out.limits.push(`${path}: only the first of ${docs.length} YAML documents is a build config; the rest were not read`);
    out.limits.push(...yamlLimitNotes(doc));
    out.configs.push({ path, doc, steps });
  }
  return out;
}

/**
 * What a build config that does not parse may push, by line: `images:` entries (pushed at the end of the build),
 * kaniko's `--destination`, and a `push` argument (`args: ['push', IMG]` of the docker builder). Signing commands
 * in scripts are found by the shared scan (src/detect/hidden-pushes.ts).
 */
export function scanHiddenBuildConfig(text: string): HiddenCommand[] {
  const out: HiddenCommand[] = [];
  const lines = text.slice(0, 256 * 1024).split('\n');
  let inImages = false;
  for (let i = 0; i < lines.length && out.length < 20; i++) {
    const line = lines[i]!.slice(0, 4096);
    if (/^\s*#/.test(line)) continue;
    if (/^\S/.test(line)) inImages = /^["']?images["']?\s*:/.test(line);
    const flow = /^["']?images["']?\s*:\s*\[(.*)\]?/.exec(line);
    if (flow && flow[1]!.trim()) for (const item of flow[1]!.split(',')) {
      const name = item.trim().replace(/^["']|["'\]]+$/g, '');
      if (name) out.push({ kind: 'push', text: `images: ${name.slice(0, 100)}`, line: i + 1 });
    }
    else if (inImages) {
      const item = /^\s*-\s*["']?([^"'\s#]+)/.exec(line);
      if (item) out.push({ kind: 'push', text: `images: ${item[1]!.slice(0, 100)}`, line: i + 1 });
    }
    const dest = /--destination[= ]["']?([^"'\s,\]]+)/.exec(line);
    if (dest) out.push({ kind: 'push', text: `kaniko --destination ${dest[1]!.slice(0, 100)}`, line: i + 1 });
    if (/(^|[\s,[])["']?push["']?\s*(,|\]|$)/.test(line) && !/\b(docker|git)\s+push\b/.test(line)) out.push({ kind: 'push', text: 'a push argument of a builder step', line: i + 1 });
  }
  return out;
}
