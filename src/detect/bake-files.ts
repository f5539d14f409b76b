import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Location } from '../model/location.js';
import { firstYamlError, parseYaml, yamlDocs, type YamlDoc } from '../parse/yaml.js';
import { appendAll } from '../util/arrays.js';
import type { AnalysisBudget } from '../util/budget.js';
import { parseHcl, type HclAttribute, type HclValue } from './hcl.js';

/**
 * The merged definition bake builds from all its files: variables, functions, groups and targets, with values
 * kept unevaluated (HCL, JSON and compose all become HclValue) and every attribute knowing where it was written.
 */
export interface BakeAttribute {
  value: HclValue;
  file: string;
  /** Produced in CI (docker/metadata-action's bake file): its lines do not exist in the tree. */
  virtual: boolean;
}

export interface BakeTargetDef {
  name: string;
  location: Location;
  virtual: boolean;
  attributes: Map<string, BakeAttribute>;
}

export interface BakeDefinition {
  variables: Map<string, BakeAttribute>;
  functions: Map<string, { params: string[]; result: HclValue }>;
  groups: Map<string, BakeAttribute>;
  targets: Map<string, BakeTargetDef>;
}

export function emptyDefinition(): BakeDefinition {
  return { variables: new Map(), functions: new Map(), groups: new Map(), targets: new Map() };
}

/** A syntax problem; `bound` when a parse bound cut the file short (then the check fails closed). */
export type LoadProblem = { line: number; message: string; bound?: { reason: string; line: number } };

/** Adds one file to the definition; returns its syntax problems. Later files override earlier attributes, as in bake. */
export function loadBakeFile(def: BakeDefinition, file: string, text: string, virtual: boolean, budget?: AnalysisBudget): LoadProblem[] {
  if (/\.hcl$/i.test(file)) {
    // The HCL parser is linear and bounded on its own; its text is charged like YAML's, one unit per character.
    if (budget && (!budget.charge(text.length + 1) || budget.exhausted)) {
      budget.stopped(`the bake file ${file}`, { file, line: 1 });
      return [{ line: 1, message: 'not parsed: the analysis budget is spent', bound: { reason: 'analysis budget spent; the file was not parsed', line: 1 } }];
    }
    return loadHcl(def, file, text, virtual);
  }
  if (/\.json$/i.test(file) || /^\s*\{/.test(text)) return loadJson(def, file, text, virtual, budget);
  return loadCompose(def, file, text, virtual, budget);
}

function target(def: BakeDefinition, name: string, location: Location, virtual: boolean): BakeTargetDef {
  let t = def.targets.get(name);
  if (!t) {
    t = { name, location, virtual, attributes: new Map() };
    def.targets.set(name, t);
  }
  return t;
}

function loadHcl(def: BakeDefinition, file: string, text: string, virtual: boolean): LoadProblem[] {
  const hcl = parseHcl(text);
  for (const block of hcl.blocks) {
    const label = block.labels[0];
    if (label === undefined) continue;
    const attr = (name: string): HclAttribute | undefined => block.attributes.find((a) => a.name === name);
    if (block.type === 'variable') {
      const d = attr('default');
      def.variables.set(label, { value: d?.value ?? { kind: 'expr', text: '', line: block.line }, file, virtual });
    } else if (block.type === 'function') {
      const params = attr('params')?.value;
      const result = attr('result')?.value;
      if (!result) continue;
      const names = params?.kind === 'list' ? params.items.map((i) => (i.kind === 'expr' || i.kind === 'string' ? i.text : '')) : [];
      def.functions.set(label, { params: names, result });
    } else if (block.type === 'group') {
      const t = attr('targets');
      if (t) def.groups.set(label, { value: t.value, file, virtual });
    } else if (block.type === 'target') {
      const t = target(def, label, { file, line: block.line }, virtual);
      for (const a of block.attributes) t.attributes.set(a.name, { value: a.value, file, virtual });
    }
  }
  // Top-level `NAME = value` attributes are variables too.
  for (const a of hcl.attributes) def.variables.set(a.name, { value: a.value, file, virtual });
  return hcl.errors;
}

/** YAML node → HclValue, so JSON and compose strings get the same `${VAR}` interpolation as HCL. */
function toValue(y: YamlDoc, node: unknown): HclValue {
  const n = y.deref(node) as Node | null;
  const line = y.line(n);
  if (n && isSeq(n)) return { kind: 'list', items: y.items(n).map((i) => toValue(y, i)), line };
  if (n && isMap(n)) return { kind: 'object', entries: y.entries(n).map((e) => ({ key: e.key, value: toValue(y, e.value) })), line };
  if (n && isScalar(n) && typeof n.value === 'string') return { kind: 'string', text: n.value, line };
  return { kind: 'expr', text: n && isScalar(n) ? String(n.value) : '', line };
}

function yamlRoot(file: string, text: string, budget: AnalysisBudget | undefined): { y?: YamlDoc; problems: LoadProblem[] } {
  const parsed = parseYaml(text, file, budget);
  const y = yamlDocs(parsed)[0];
  const first = firstYamlError(parsed);
  return { ...(y ? { y } : {}), problems: first ? [{ ...first, ...(parsed.bound ? { bound: parsed.bound } : {}) }] : [] };
}

function loadJson(def: BakeDefinition, file: string, text: string, virtual: boolean, budget: AnalysisBudget | undefined): LoadProblem[] {
  const { y, problems } = yamlRoot(file, text, budget);
  if (!y || problems.length) return problems.length ? problems : [{ line: 1, message: 'empty bake file' }];
  const root = y.root;
  for (const e of y.entries(y.get(root, 'variable'))) {
    const d = y.get(e.value, 'default');
    def.variables.set(e.key, { value: d ? toValue(y, d) : { kind: 'expr', text: '', line: y.line(e.keyNode) }, file, virtual });
  }
  for (const e of y.entries(y.get(root, 'group'))) {
    const t = y.get(e.value, 'targets');
    if (t) def.groups.set(e.key, { value: toValue(y, t), file, virtual });
  }
  for (const e of y.entries(y.get(root, 'target'))) {
    const t = target(def, e.key, { file, line: y.line(e.keyNode) }, virtual);
    for (const a of y.entries(e.value)) t.attributes.set(a.key, { value: toValue(y, a.value), file, virtual });
  }
  return [];
}

/** Compose: every service with a `build:` is a target; `image`, `build.tags` and `build.x-bake` give its tags and outputs. */
function loadCompose(def: BakeDefinition, file: string, text: string, virtual: boolean, budget: AnalysisBudget | undefined): LoadProblem[] {
  const { y, problems } = yamlRoot(file, text, budget);
  if (!y || problems.length) return problems;
  const serviceNames: HclValue[] = [];
  for (const svc of y.entries(y.get(y.root, 'services'))) {
    const build = y.get(svc.value, 'build');
    if (!build) continue;
    const line = y.line(svc.keyNode);
    serviceNames.push({ kind: 'string', text: svc.key, line });
    const t = target(def, svc.key, { file, line }, virtual);
    const tags: HclValue[] = [];
    const image = y.get(svc.value, 'image');
    if (image && y.str(image)) tags.push(toValue(y, image));
    const buildTags = y.get(build, 'tags');
    if (buildTags) appendAll(tags, y.items(buildTags).map((i) => toValue(y, i)));
    const xb = y.get(build, 'x-bake');
    const xTags = xb ? y.get(xb, 'tags') : null;
    if (xTags) appendAll(tags, y.isSeq(xTags) ? y.items(xTags).map((i) => toValue(y, i)) : [toValue(y, xTags)]);
    if (tags.length) t.attributes.set('tags', { value: { kind: 'list', items: tags, line }, file, virtual });
    for (const key of ['output', 'push']) {
      const v = xb ? y.get(xb, key) : null;
      if (v) t.attributes.set(key, { value: toValue(y, v), file, virtual });
    }
  }
  if (serviceNames.length && !def.groups.has('default')) {
    def.groups.set('default', { value: { kind: 'list', items: serviceNames, line: 1 }, file, virtual });
  }
  return [];
}
