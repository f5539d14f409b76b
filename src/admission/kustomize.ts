import { posix } from 'node:path';
import type { Node } from 'yaml';
import type { RepoReader } from '../discover/repo.js';
import type { AnalysisBudget } from '../util/budget.js';
import type { EnforcementMode } from '../model/report.js';
import type { Location } from '../model/location.js';
import { Doc, parseDocument, splitDocuments } from './documents.js';
import type { Policy } from './model.js';
import { classifyPath } from './paths.js';
import type { DeployStatus } from './deploy.js';

/**
 * Kustomize overlays that patch a policy's mode (strategic-merge or JSON 6902 patches, inline or by path).
 * The overlay is what gets deployed: it yields a variant of the base policy with the patched mode, and the base
 * itself stops counting on its own.
 */

interface ModePatch {
  kind?: string;
  name?: string;
  mode: EnforcementMode;
  location: Location;
  field: string;
}

function modeFromValue(field: string, value: string): EnforcementMode | undefined {
  const v = value.toLowerCase();
  if (field === 'enforcementAction') return v === 'deny' ? 'enforce' : v === 'warn' ? 'warn' : 'audit';
  if (field === 'mode') return v === 'enforce' || v === 'protect' ? 'enforce' : v === 'monitor' ? 'audit' : 'warn';
  if (field === 'validationActions') return /deny/.test(v) ? 'enforce' : /warn/.test(v) ? 'warn' : 'audit';
  return v === 'enforce' ? 'enforce' : v === 'audit' ? 'audit' : undefined;
}

const MODE_FIELDS = ['validationFailureAction', 'failureAction', 'mode', 'validationActions', 'enforcementAction'];

function smpModes(doc: Doc, target: { kind?: string; name?: string }): ModePatch[] {
  const root = doc.root;
  const kind = doc.strAt(root, 'kind') ?? target.kind;
  const name = doc.strAt(root, 'metadata', 'name') ?? target.name;
  const out: ModePatch[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 8) return;
    for (const e of doc.entries(node)) {
      if (MODE_FIELDS.includes(e.key)) {
        const value = doc.str(e.value) ?? doc.strings(e.value).join(',');
        const mode = value ? modeFromValue(e.key, value) : undefined;
        if (mode) out.push({ ...(kind ? { kind } : {}), ...(name ? { name } : {}), mode, location: doc.loc(e.keyNode), field: `${e.key}: ${value}` });
      } else if (e.value) {
        visit(e.value, depth + 1);
        for (const item of doc.items(e.value)) visit(item, depth + 1);
      }
    }
  };
  visit(doc.get(root, 'spec'), 0);
  return out;
}

function jsonPatchModes(doc: Doc, ops: Node[], target: { kind?: string; name?: string }): ModePatch[] {
  const out: ModePatch[] = [];
  for (const op of ops) {
    const path = doc.strAt(op, 'path') ?? '';
    const field = path.split('/').pop() ?? '';
    const value = doc.strAt(op, 'value') ?? doc.strings(doc.get(op, 'value')).join(',');
    if (!MODE_FIELDS.includes(field) || !value) continue;
    const mode = modeFromValue(field, value);
    if (mode) out.push({ ...target, mode, location: doc.loc(op), field: `${field}: ${value}` });
  }
  return out;
}

function patchesOf(repo: RepoReader, file: string, doc: Doc, budget: AnalysisBudget | undefined): ModePatch[] {
  const dir = posix.dirname(file);
  const root = doc.root;
  const out: ModePatch[] = [];
  const readPatchText = (text: string, target: { kind?: string; name?: string }, where: string, startLine: number): void => {
    for (const part of splitDocuments(text)) {
      const parsed = parseDocument({ text: part.text, startLine: part.startLine + startLine - 1 }, where, budget);
      for (const d of parsed.docs) {
        const items = d.items(d.root);
        if (items.length > 0) out.push(...jsonPatchModes(d, items, target));
        else out.push(...smpModes(d, target));
      }
    }
  };
  const fromEntry = (entry: Node, jsonOnly: boolean): void => {
    const t = doc.get(entry, 'target');
    const target = { ...(doc.strAt(t, 'kind') ? { kind: doc.strAt(t, 'kind')! } : {}), ...(doc.strAt(t, 'name') ? { name: doc.strAt(t, 'name')! } : {}) };
    const inline = doc.strAt(entry, 'patch') ?? (jsonOnly ? undefined : doc.str(entry));
    const path = doc.strAt(entry, 'path') ?? (!inline && !jsonOnly ? doc.str(entry) : undefined);
    if (inline && /\n|:/.test(inline)) readPatchText(inline, target, file, doc.line(doc.get(entry, 'patch') ?? entry) + 1);
    else if (path) {
      const p = posix.normalize(posix.join(dir, path));
      const r = repo.read(p);
      if (r.ok) readPatchText(r.text, target, p, 1);
    }
  };
  for (const e of doc.items(doc.get(root, 'patches'))) fromEntry(e, false);
  for (const e of doc.items(doc.get(root, 'patchesStrategicMerge'))) fromEntry(e, false);
  for (const e of doc.items(doc.get(root, 'patchesJson6902'))) fromEntry(e, true);
  return out;
}

function resourceRoots(doc: Doc, file: string): string[] {
  const dir = posix.dirname(file);
  return [...doc.strings(doc.get(doc.root, 'resources')), ...doc.strings(doc.get(doc.root, 'bases'))]
    .filter((r) => !/^[a-z]+:\/\//i.test(r) && !r.startsWith('github.com/'))
    .map((r) => posix.normalize(posix.join(dir, r)).replace(/^\.\//, ''));
}

function under(path: string, roots: string[]): boolean {
  return roots.some((r) => r === '.' || path === r || path.startsWith(r.endsWith('/') ? r : `${r}/`));
}

/** Variants for every policy an overlay patches; marks the patched bases as not counted on their own. */
/** `budget`: the run's; every YAML parse is charged to it. */
export function applyKustomizations(repo: RepoReader, files: string[], policies: Policy[], statusOf?: (file: string) => DeployStatus, budget?: AnalysisBudget): Policy[] {
  const variants: Policy[] = [];
  const originallyCounted = new Map(policies.map((p) => [p, p.counted]));
  for (const file of files) {
    const read = repo.read(file);
    if (!read.ok) continue;
    const parsed = parseDocument({ text: read.text, startLine: 1 }, file, budget);
    const doc = parsed.docs[0];
    if (!doc || parsed.errors.length > 0) continue;
    const patches = patchesOf(repo, file, doc, budget);
    if (patches.length === 0) continue;
    const roots = resourceRoots(doc, file);
    const status: DeployStatus | undefined = classifyPath(file) !== 'deployable' ? { deployed: false, reason: `the overlay ${file} is in a test or example folder` } : statusOf?.(file);
    const counted = status ? status.deployed : classifyPath(file) === 'deployable';
    for (const patch of patches) {
      for (const base of policies) {
        if (!base.objectRef || !under(base.location.file, roots)) continue;
        if (patch.kind && patch.kind !== base.objectRef.kind) continue;
        if (patch.name && patch.name !== base.objectRef.name) continue;
        const variantCounted = counted && (originallyCounted.get(base) ?? false);
        const { deployedBy: _d, notCountedReason: _n, ...rest } = base;
        void _d;
        void _n;
        variants.push({
          ...rest,
          mode: patch.mode,
          modeLocation: { ...patch.location, message: `${patch.field} (Kustomize patch)` },
          counted: variantCounted,
          ...(variantCounted && status?.deployed ? { deployedBy: `patched by the overlay ${file}, which counts: ${status.reason}` } : {}),
          ...(!variantCounted ? { notCountedReason: status && !status.deployed ? `the overlay ${file} is not deployed: ${status.reason}` : base.notCountedReason ?? 'the base policy does not count' } : {}),
          notes: [...base.notes, `mode set to ${patch.mode} by the Kustomize overlay ${file} (${patch.location.file}:${patch.location.line})`],
        });
        if (counted) {
          base.counted = false;
          base.notCountedReason = `deployed through the Kustomize overlay ${file}; the overlay's variant is the one counted`;
          if (!base.notes.some((n) => n.startsWith('deployed through'))) base.notes.push(`deployed through the Kustomize overlay ${file}; the overlay's variant is the one counted`);
        }
      }
    }
  }
  return variants;
}
