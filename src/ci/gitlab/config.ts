import type { Node } from 'yaml';
import type { RepoReader } from '../../discover/repo.js';
import type { Finding } from '../../model/finding.js';
import type { Location } from '../../model/location.js';
import { ruleFinding } from '../../model/rule-finding.js';
import { yamlBoundFinding } from '../../parse/yaml-findings.js';
import { firstYamlError, parseYaml, yamlDocs, yamlLimitNotes, type YamlDoc } from '../../parse/yaml.js';
import type { AnalysisBudget } from '../../util/budget.js';

/**
 * A GitLab CI configuration as GitLab assembles it before it creates jobs: the root `.gitlab-ci.yml` and its
 * `include:`d files merged key by key, and per job the layers `extends:` and `default:` add.
 * References: https://docs.gitlab.com/ci/yaml/#include, https://docs.gitlab.com/ci/yaml/includes/ (merge
 * order: included files first, in order, the including file last and winning), https://docs.gitlab.com/ci/yaml/#extends
 * (deep merge of hashes, the job winning; arrays are replaced), https://docs.gitlab.com/ci/yaml/yaml_optimization/#reference-tags.
 */

export const ROOT_CONFIG = '.gitlab-ci.yml';

/** GitLab's own bounds: 150 included files per pipeline, `extends:` 11 levels deep, `!reference` 10 levels. */
export const MAX_INCLUDES = 150;
export const MAX_EXTENDS_DEPTH = 11;
export const MAX_REFERENCE_DEPTH = 10;

/** Top-level keys that are not jobs (https://docs.gitlab.com/ci/yaml/#global-keywords, and the deprecated globals). */
export const GLOBAL_KEYS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);

/** One definition of a key: the node, in the document and file it is written in. */
export interface Layer {
  doc: YamlDoc;
  node: Node;
  file: string;
  /** Only these keys of the map count: a job inherits only some keywords of `default:`. */
  keep?: (key: string) => boolean;
  /** The node is the value of this one key rather than a map (a deprecated top-level `before_script:`). */
  asKey?: string;
}

/** An include the reader did not read (another project, a URL, a template, a component, a path with variables). */
export interface Unread {
  kind: 'project' | 'remote' | 'template' | 'component' | 'local';
  /** What it names, as written (`group/ci-templates:/docker.yml@main`, a URL, `Docker.gitlab-ci.yml`). */
  what: string;
  location: Location;
  why: string;
}

export interface GitlabConfig {
  /** Every top-level key's definitions, lowest precedence first. */
  keys: Map<string, Layer[]>;
  /** Files read (the root first). */
  files: string[];
  unread: Unread[];
  /** `include: rules:` of an included file (https://docs.gitlab.com/ci/yaml/#includerules): its jobs exist only then. */
  includeRules: Map<string, Layer>;
  findings: Finding[];
  limits: string[];
}

/** Loads the root file and its local includes. Undefined when the tree has no `.gitlab-ci.yml`. */
export function loadConfig(repo: RepoReader, budget: AnalysisBudget): GitlabConfig | undefined {
  if (!repo.has(ROOT_CONFIG)) return undefined;
  const config: GitlabConfig = { keys: new Map(), files: [], unread: [], includeRules: new Map(), findings: [], limits: [] };
  const seen = new Set<string>();
  let count = 0;
  // Depth-first: an included file's own includes are merged before it, as GitLab resolves them.
  const visit = (path: string, depth: number): void => {
    if (seen.has(path)) return;
    seen.add(path);
    if (++count > MAX_INCLUDES) {
      config.findings.push(ruleFinding('input-bound-exceeded', `${path} was not read: GitLab's bound of ${MAX_INCLUDES} included files was reached. It is a pipeline file, so what it pushes or signs is unknown and the check fails closed.`, { file: path, line: 1 }));
      return;
    }
    if (!budget.charge(1000)) {
      budget.stopped(`the GitLab CI includes of ${ROOT_CONFIG}`, { file: path, line: 1 });
      return;
    }
    const doc = loadDoc(repo, path, config, budget);
    if (!doc) return;
    config.files.push(path);
    const includes = doc.get(doc.root, 'include');
    if (includes) for (const inc of includeEntries(doc, includes)) {
      const loc = { file: path, line: doc.line(inc.node) };
      if (inc.kind === 'local') {
        const targets = localTargets(repo, inc.what);
        if (targets === 'variable') {
          config.unread.push({ kind: 'local', what: inc.what, location: loc, why: 'its path is made of CI/CD variables' });
          continue;
        }
        if (targets.length === 0) {
          // GitLab refuses to create the pipeline when a local include is missing: nothing it names runs.
          config.limits.push(`${loc.file}:${loc.line}: include ${inc.what} names no file of the tree; GitLab would not create the pipeline`);
          continue;
        }
        if (depth >= 100) continue;
        const rules = doc.isMap(inc.node) ? doc.get(inc.node, 'rules') : null;
        for (const t of targets) {
          if (rules && !seen.has(t)) config.includeRules.set(t, { doc, node: rules, file: path });
          visit(t, depth + 1);
        }
      } else config.unread.push({ kind: inc.kind, what: inc.what, location: loc, why: inc.kind === 'template' ? "a GitLab-provided template; its text is not part of the tree" : 'not part of the tree' });
    }
    for (const e of doc.entries(doc.root)) {
      if (e.key === 'include' || !e.value) continue;
      const list = config.keys.get(e.key) ?? [];
      list.push({ doc, node: e.value, file: path });
      // Where the job is written (its key line) is where it is reported.
      keyLines.set(e.value, doc.line(e.keyNode));
      config.keys.set(e.key, list);
    }
  };
  visit(ROOT_CONFIG, 0);
  // A file's includes were merged before its own keys, so the including file comes last and wins.
  return config;
}

/** The line of the key a top-level value is written under (`build:` rather than its first keyword). */
const keyLines = new WeakMap<object, number>();

export function keyLine(layer: Layer): number {
  return keyLines.get(layer.node) ?? layer.doc.line(layer.node);
}

function loadDoc(repo: RepoReader, path: string, config: GitlabConfig, budget: AnalysisBudget): YamlDoc | undefined {
  const read = repo.read(path);
  if (!read.ok) {
    config.findings.push(ruleFinding('parse-error', `${path} could not be read: ${read.reason}`, { file: path, line: 1 }));
    return undefined;
  }
  const parsed = parseYaml(read.text, path, budget);
  let docs = yamlDocs(parsed);
  // A file with a `spec:` header (https://docs.gitlab.com/ci/yaml/#spec) holds the configuration in its second document.
  if (docs.length > 1 && docs[0]!.get(docs[0]!.root, 'spec')) docs = docs.slice(1);
  // Stopped by the run's budget: its hit at that line already fails the check; the file is not analysed.
  if (parsed.stoppedByBudget) return undefined;
  if (parsed.errors.length > 0 || docs.length === 0 || !docs[0]!.isMap(docs[0]!.root)) {
    const err = firstYamlError(parsed);
    config.findings.push(ruleFinding('parse-error', `${path} is not valid YAML${err ? `: ${err.message}` : ''}; it was not analysed`, { file: path, line: err?.line ?? 1 }));
    const bound = yamlBoundFinding(parsed, path);
    if (bound) config.findings.push(bound);
    return undefined;
  }
  config.limits.push(...yamlLimitNotes(docs[0]!));
  return docs[0]!;
}

function includeEntries(doc: YamlDoc, node: Node): Array<{ kind: Unread['kind']; what: string; node: Node }> {
  const items = doc.isSeq(node) ? doc.items(node) : [node];
  const out: Array<{ kind: Unread['kind']; what: string; node: Node }> = [];
  for (const item of items) {
    const s = doc.str(item);
    if (s !== undefined) {
      // A string is a local path, or a URL (https://docs.gitlab.com/ci/yaml/#include).
      out.push({ kind: /^https?:\/\//i.test(s) ? 'remote' : 'local', what: s, node: item });
      continue;
    }
    const local = doc.str(doc.get(item, 'local'));
    if (local !== undefined) {
      out.push({ kind: 'local', what: local, node: item });
      continue;
    }
    const project = doc.str(doc.get(item, 'project'));
    if (project !== undefined) {
      const fileNode = doc.get(item, 'file');
      const files = doc.isSeq(fileNode) ? doc.items(fileNode).map((f) => doc.str(f) ?? '?') : [doc.str(fileNode) ?? '?'];
      const ref = doc.str(doc.get(item, 'ref'));
      for (const f of files) out.push({ kind: 'project', what: `${project}:${f}${ref ? `@${ref}` : ''}`, node: item });
      continue;
    }
    for (const kind of ['remote', 'template', 'component'] as const) {
      const v = doc.str(doc.get(item, kind));
      if (v !== undefined) {
        out.push({ kind, what: v, node: item });
        break;
      }
    }
  }
  return out;
}

/** The tree's files a local include names (`/ci/build.yml`, `ci/*.yml`, `ci/**.yml`), or 'variable'. */
function localTargets(repo: RepoReader, path: string): string[] | 'variable' {
  if (/\$/.test(path)) return 'variable';
  const rel = path.replace(/^\/+/, '');
  if (!/[*?]/.test(rel)) return repo.has(rel) ? [rel] : [];
  // Wildcards: `*` within a folder, `**` across folders (https://docs.gitlab.com/ci/yaml/#includelocal).
  const glob = (part: string): string => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  const re = new RegExp(`^${rel.split('**').map(glob).join('.*')}$`);
  return repo.files.map((f) => f.path).filter((p) => re.test(p) && /\.ya?ml$/i.test(p)).slice(0, MAX_INCLUDES);
}

/**
 * A job's layers, lowest precedence first: each `extends:` parent's own layers (recursively, in the order listed,
 * so a later parent wins), then the job's definitions. `missing` names parents the configuration does not define.
 */
export function jobLayers(config: GitlabConfig, name: string): { layers: Layer[]; missing: string[]; tooDeep: boolean } {
  const missing: string[] = [];
  let tooDeep = false;
  const walk = (n: string, depth: number, stack: Set<string>): Layer[] => {
    const own = config.keys.get(n);
    if (!own) {
      missing.push(n);
      return [];
    }
    if (depth > MAX_EXTENDS_DEPTH || stack.has(n)) {
      tooDeep = true;
      return own;
    }
    const parents: Layer[] = [];
    const ext = lastOf(own, 'extends');
    if (ext) {
      const names = ext.doc.isSeq(ext.node) ? ext.doc.items(ext.node).map((i) => ext.doc.str(i)).filter((s): s is string => !!s) : [ext.doc.str(ext.node)].filter((s): s is string => !!s);
      const next = new Set(stack).add(n);
      for (const p of names) parents.push(...walk(p, depth + 1, next));
    }
    return [...parents, ...own];
  };
  return { layers: walk(name, 0, new Set()), missing, tooDeep };
}

/** The highest-precedence definition of `key` among `layers`. */
export function lastOf(layers: readonly Layer[], key: string): Layer | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.asKey !== undefined) {
      if (l.asKey === key) return { doc: l.doc, node: l.node, file: l.file };
      continue;
    }
    if (!l.doc.isMap(l.node) || !l.doc.has(l.node, key) || (l.keep && !l.keep(key))) continue;
    const node = l.doc.get(l.node, key);
    return node ? { doc: l.doc, node, file: l.file } : undefined;
  }
  return undefined;
}

/**
 * Resolves `!reference [job, key, …]` (a sequence tagged `!reference`) to the node it names, following references
 * inside references up to GitLab's depth; undefined when it names nothing.
 */
export function resolveReference(config: GitlabConfig, layer: Layer, depth = 0): Layer | undefined {
  if (depth > MAX_REFERENCE_DEPTH) return undefined;
  const path = layer.doc.items(layer.node).map((i) => layer.doc.str(i));
  if (path.length < 1 || path.some((p) => p === undefined)) return undefined;
  const [first, ...rest] = path as string[];
  let cur: Layer | undefined = config.keys.has(first!) ? { ...lastLayer(config, first!) } : undefined;
  if (!cur) return undefined;
  for (const k of rest) {
    cur = cur === undefined ? undefined : k === rest[0] ? lastOf(jobLayers(config, first!).layers, k) : nextLayer(cur, k);
    if (!cur) return undefined;
  }
  return isReference(cur.node) ? resolveReference(config, cur, depth + 1) : cur;
}

function lastLayer(config: GitlabConfig, name: string): Layer {
  const list = config.keys.get(name)!;
  return list[list.length - 1]!;
}

function nextLayer(l: Layer, key: string): Layer | undefined {
  const node = l.doc.get(l.node, key);
  return node ? { doc: l.doc, node, file: l.file } : undefined;
}

/**
 * The items of a sequence with `!reference` items replaced by the items of the sequence they name (rules and
 * scripts can be assembled that way); a reference that names nothing is dropped and reported by the caller.
 */
export function flattenItems(config: GitlabConfig, layer: Layer, depth = 0): Layer[] {
  if (isReference(layer.node)) {
    const target = depth < MAX_REFERENCE_DEPTH ? resolveReference(config, layer) : undefined;
    return target ? flattenItems(config, target, depth + 1) : [];
  }
  const out: Layer[] = [];
  for (const item of layer.doc.items(layer.node)) {
    const l = { doc: layer.doc, node: item, file: layer.file };
    if (isReference(item)) out.push(...flattenItems(config, l, depth + 1));
    else out.push(l);
  }
  return out;
}

export function isReference(node: unknown): boolean {
  return !!node && typeof node === 'object' && (node as { tag?: string }).tag === '!reference';
}
