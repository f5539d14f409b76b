import type { RepoReader } from '../discover/repo.js';
import type { AnalysisBudget } from '../util/budget.js';
import { parseYaml, YamlDoc } from '../parse/yaml.js';
import { Doc, parseDocument, splitDocuments } from './documents.js';
import { preprocessHelmTemplate, type DisabledBlock } from './helm.js';
import { emptyOutcome, type ReadOutcome } from './model.js';
import { chartRootOf, classifyPath, isHelmTemplate } from './paths.js';
import type { ReaderContext } from './engines/context.js';
import { isImageValidatingPolicy, isKyvernoPolicy, readImageValidatingPolicy, readKyvernoPolicy } from './engines/kyverno.js';
import { isSigstoreClusterImagePolicy, readSigstorePolicy } from './engines/sigstore.js';
import { connaisseurConfigRoot, readConnaisseur } from './engines/connaisseur.js';
import {
  engineOf,
  helmValuesGatekeeperFailurePolicy,
  isBinauthzPolicy,
  isKubewardenPolicy,
  isPortierisPolicy,
  isRatifyConstraint,
  readBinauthzYaml,
  readEngineRelease,
  readKubewarden,
  readNamespace,
  readPortieris,
  readRatifyConstraint,
  readWebhookConfiguration,
} from './engines/others.js';
import { readTerraform } from './engines/terraform.js';

/**
 * Finds and reads every file that can hold admission configuration. Cheap tests come first: the path (tests,
 * docs and non-YAML are never read), then one regex over the raw text, then per `---` document, so that only
 * documents that can matter are YAML-parsed.
 */

const FILE_TRIGGER =
  /verifyImages|ImageValidatingPolicy|ImagePolicy|constraints\.gatekeeper\.sh|policies\.kubewarden\.io|defaultAdmissionRule|WebhookConfiguration|validatingWebhookFailurePolicy|kind:\s*["']?(?:HelmRelease|Application|Namespace)\b|validators:/;
/** Kinds worth parsing; a document of any other kind is skipped on one regex. */
const INTERESTING_KINDS = new Set([
  'ClusterPolicy',
  'Policy',
  'ImageValidatingPolicy',
  'NamespacedImageValidatingPolicy',
  'ClusterImagePolicy',
  'ImagePolicy',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'Namespace',
  'HelmRelease',
  'Application',
  'ClusterAdmissionPolicy',
  'AdmissionPolicy',
]);
const KINDLESS_TRIGGER = /defaultAdmissionRule|validators:|validatingWebhookFailurePolicy/;

/** Whether a raw document can hold something a reader wants, judged without parsing it. */
export function worthParsing(text: string): boolean {
  const kind = (/^kind:\s*["']?(\w+)/m.exec(text) ?? /"kind"\s*:\s*"(\w+)"/.exec(text))?.[1];
  if (kind === undefined) return KINDLESS_TRIGGER.test(text);
  if (/constraints\.gatekeeper\.sh/.test(text) && kind !== 'ConstraintTemplate') return true;
  if (!INTERESTING_KINDS.has(kind)) return false;
  if (kind === 'ClusterPolicy' || kind === 'Policy') return text.includes('verifyImages');
  return true;
}
const TF_TRIGGER = /google_binary_authorization_policy|resource\s+"helm_release"/;

export interface DiscoveryResult extends ReadOutcome {
  manifestsParsed: number;
  /** Kustomization files that patch something: read after policies are known. */
  kustomizations: string[];
}

/** `budget`: the run's; every YAML parse is charged to it, and the scan stops (with a hit) once it is spent. */
export function discover(repo: RepoReader, opts: { policyRoot: boolean; label: string; budget?: AnalysisBudget }): DiscoveryResult {
  const result: DiscoveryResult = { ...emptyOutcome(), manifestsParsed: 0, kustomizations: [] };
  const valuesCache = new Map<string, unknown>();
  for (const f of repo.files) {
    const role = classifyPath(f.path);
    if (role === 'skip') continue;
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    const isKustomization = /^kustomization\.ya?ml$|^Kustomization$/.test(base);
    const isTf = /\.tf$/i.test(base);
    // Reading is not charged (the walk's bounds cover it), but a spent budget or a passed deadline ends the scan.
    if (opts.budget?.exhausted) {
      opts.budget.stopped('the admission policy scan', { file: f.path, line: 1 });
      break;
    }
    const read = repo.read(f.path, { scan: true });
    if (!read.ok) continue;
    const text = read.text;
    if (isKustomization) {
      if (/patch/i.test(text)) result.kustomizations.push(f.path);
      continue;
    }
    const counted = role === 'deployable' || opts.policyRoot;
    const fileNotes: string[] = [];
    if (role === 'example' && !opts.policyRoot) fileNotes.push('listed as an example (examples/samples folder): not counted; add it with policy-paths to count it');
    if (opts.policyRoot) fileNotes.push(`from policy-paths root ${opts.label}`);
    const file = opts.policyRoot ? `${opts.label.replace(/\/+$/, '')}/${f.path}` : f.path;
    const ctx: ReaderContext = { counted, fileNotes };
    if (isTf) {
      if (!TF_TRIGGER.test(text)) continue;
      const tf = readTerraform(text, file, ctx);
      result.policies.push(...tf.policies);
      result.installations.push(...tf.installations);
      continue;
    }
    if (!FILE_TRIGGER.test(text)) continue;
    const helm = isHelmTemplate(f.path, text);
    let source = text;
    if (!splitDocuments(text).some((d) => worthParsing(d.text))) continue;
    const disabled: DisabledBlock[] = [];
    let values: unknown;
    if (helm) {
      const chart = chartRootOf(f.path, (p) => repo.has(p));
      // The chart's values.yaml (often the largest YAML of a chart) is parsed only for a template that reads it.
      values = chart !== undefined && text.includes('.Values') ? chartValues(repo, chart, valuesCache, opts.budget) : undefined;
      source = preprocessHelmTemplate(text, values, { disabled });
      ctx.fileNotes = [...fileNotes, 'Helm template read without rendering; .Values resolved from the chart values.yaml where possible'];
    }
    readParts(source, file, f.path, helm, ctx, result, opts.budget);
    // What the chart ships switched off by default is listed as not counted, with the condition that disables it.
    const lines = disabled.length > 0 ? text.split('\n') : [];
    const relevant = disabled.filter((b) => FILE_TRIGGER.test(lines.slice(b.from - 1, b.to).join('\n')));
    if (relevant.length > 0) {
      const shadow: DiscoveryResult = { ...emptyOutcome(), manifestsParsed: 0, kustomizations: [] };
      readParts(preprocessHelmTemplate(text, values, { takeDisabled: true }), file, f.path, true, { ...ctx, counted: false }, shadow, opts.budget);
      result.manifestsParsed += shadow.manifestsParsed;
      for (const p of shadow.policies) {
        const block = relevant.find((b) => p.location.line >= b.from && p.location.line <= b.to);
        if (!block) continue;
        p.counted = false;
        p.notCountedReason =
          values === undefined
            ? `disabled: {{ if ${block.condition} }} (${file}:${block.line}) is unset, since no chart values.yaml provides it`
            : `disabled by default: {{ if ${block.condition} }} (${file}:${block.line}) is false with the chart's values.yaml`;
        result.policies.push(p);
      }
    }
  }
  return result;
}

/** Parses the documents of one file that can hold admission configuration and hands them to the readers. */
function readParts(source: string, file: string, path: string, helm: boolean, ctx: ReaderContext, result: DiscoveryResult, budget: AnalysisBudget | undefined): void {
  // One parse-error finding per file, however many of its documents fail: the first error, and a count.
  let first: { line: number; message: string } | undefined;
  let errors = 0;
  for (const part of splitDocuments(source)) {
    if (!FILE_TRIGGER.test(part.text) || !worthParsing(part.text)) continue;
    const parsed = parseDocument(part, file, budget);
    result.manifestsParsed++;
    if (parsed.errors.length > 0 && !helm) {
      first ??= parsed.errors[0]!;
      errors += parsed.errorCount;
      continue;
    }
    for (const doc of parsed.docs) {
      try {
        readDocument(doc, part.text, ctx, result, path);
      } catch (e) {
        // A reader bug on an odd document must not abort the scan; say what was skipped.
        result.limits.push(`${file}:${part.startLine}: admission reader skipped a document (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }
  if (first) {
    const more = errors - 1;
    result.parseErrors.push({ location: { file, line: first.line }, message: more > 0 ? `${first.message} (and ${more} more error${more === 1 ? '' : 's'} in the file)` : first.message });
  }
}

function readDocument(doc: Doc, text: string, ctx: ReaderContext, out: ReadOutcome, path: string): void {
  const root = doc.root;
  if (!doc.isMap(root)) return;
  const apiVersion = doc.strAt(root, 'apiVersion') ?? '';
  const kind = doc.strAt(root, 'kind') ?? '';
  if (isKyvernoPolicy(apiVersion, kind)) out.policies.push(...readKyvernoPolicy(doc, ctx));
  else if (isImageValidatingPolicy(apiVersion, kind)) out.policies.push(...readImageValidatingPolicy(doc, ctx));
  else if (isSigstoreClusterImagePolicy(apiVersion, kind)) out.policies.push(...readSigstorePolicy(doc, ctx));
  else if (isPortierisPolicy(apiVersion, kind)) out.policies.push(...readPortieris(doc, ctx));
  else if (isRatifyConstraint(apiVersion, kind, text)) out.policies.push(...readRatifyConstraint(doc, ctx));
  else if (isKubewardenPolicy(apiVersion, kind, text)) out.policies.push(...readKubewarden(doc, ctx));
  else if (kind === 'ValidatingWebhookConfiguration' || kind === 'MutatingWebhookConfiguration') out.installations.push(...readWebhookConfiguration(doc, ctx));
  else if (kind === 'Namespace' && apiVersion === 'v1') out.namespaces.push(...readNamespace(doc, ctx));
  else if ((kind === 'HelmRelease' || kind === 'Application') && engineOf(text)) {
    out.installations.push(...readEngineRelease(doc, ctx));
    const values = doc.path(root, 'spec', 'values');
    const app = values ? connaisseurConfigRoot(doc, values) : null;
    if (values && app) out.policies.push(...readConnaisseur(doc, values, app, ctx));
  } else if (!kind && isBinauthzPolicy(doc)) out.policies.push(...readBinauthzYaml(doc, ctx));
  else if (!kind) {
    const app = connaisseurConfigRoot(doc, root);
    if (app) out.policies.push(...readConnaisseur(doc, root!, app, ctx));
    if (/validatingWebhookFailurePolicy/.test(text)) out.installations.push(...helmValuesGatekeeperFailurePolicy(doc, ctx, `Gatekeeper Helm values ${path}`));
  }
}

function chartValues(repo: RepoReader, chart: string, cache: Map<string, unknown>, budget: AnalysisBudget | undefined): unknown {
  if (cache.has(chart)) return cache.get(chart);
  let values: unknown;
  for (const name of ['values.yaml', 'values.yml']) {
    const r = repo.read(chart ? `${chart}/${name}` : name);
    if (!r.ok) continue;
    const parsed = parseYaml(r.text, name, budget);
    const first = parsed.docs[0];
    if (first) values = new YamlDoc(name, first, parsed.lineCounter).toPlain(first.contents);
    break;
  }
  cache.set(chart, values);
  return values;
}
