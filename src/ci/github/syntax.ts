import { isMap, type Node } from 'yaml';
import { handlerFor, isKnownIrrelevant } from './actions/index.js';
import type { YamlDoc } from '../../parse/yaml.js';
import { interpolateOne, type Lookup } from '../../expr/expr.js';
import { markComplete } from './scope.js';
import { parseUses } from './remote.js';

/**
 * Pure readings of workflow syntax used by the reader: triggers and their refs, permissions, services, shells,
 * `needs` order, input types and matrix expansion.
 */

/** Matrix combinations expanded per job. */
export const MAX_MATRIX_COMBINATIONS = 16;

/**
 * Display path of a file in a remote repository, `owner/repo/path@ref`, from the `owner/repo/…@ref` of the remote
 * workflow or action it was reached from.
 */
export function remoteDisplay(remote: string, relPath: string): string {
  const [owner, repo] = remote.split('/');
  const ref = remote.includes('@') ? remote.slice(remote.lastIndexOf('@') + 1) : '';
  return `${owner}/${repo}/${relPath}${ref ? `@${ref}` : ''}`;
}

/** A remote action known to neither push nor sign, with no handler: nothing to read. */
export function isIrrelevantUses(uses: string): boolean {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return uses.startsWith('docker://');
  const parsed = parseUses(uses);
  if (!parsed) return true;
  const action = `${parsed.owner}/${parsed.repo}${parsed.path ? `/${parsed.path}` : ''}`.toLowerCase();
  return !handlerFor(action) && isKnownIrrelevant(action);
}

/** bash and sh (with their options, e.g. `bash -e {0}`) are analysed; pwsh, python, node, cmd are not. */
export function isPosixShell(shell: string | undefined): boolean {
  if (!shell) return true;
  return /^(bash|sh)(\s|$)/.test(shell.trim()) || /\/(bash|sh)(\s|$)/.test(shell.trim());
}

/** The refs a workflow's runs can have, when every trigger pins them (push branches/tags, release). */
export function triggerRefs(doc: YamlDoc): string[] | undefined {
  const on = doc.get(doc.root, 'on') ?? doc.get(doc.root, 'true');
  if (!on || !doc.isMap(on)) return undefined;
  const refs: string[] = [];
  for (const t of doc.entries(on)) {
    if (t.key === 'workflow_call') continue;
    if (t.key === 'release') {
      refs.push('refs/tags/*');
      continue;
    }
    if (t.key !== 'push') return undefined;
    const branches = doc.items(doc.get(t.value, 'branches')).map((n) => doc.str(n) ?? '');
    const tags = doc.items(doc.get(t.value, 'tags')).map((n) => doc.str(n) ?? '');
    if (branches.length === 0 && tags.length === 0) return undefined;
    refs.push(...branches.map((b) => `refs/heads/${b}`), ...tags.map((x) => `refs/tags/${x}`));
  }
  return refs.length ? refs : undefined;
}

/** Service containers running a registry image: their names are hosts that vanish with the job. */
export function registryServices(doc: YamlDoc, services: Node | null): string[] {
  const out: string[] = [];
  for (const svc of doc.entries(services)) {
    const image = doc.str(doc.get(svc.value, 'image')) ?? doc.str(svc.value) ?? '';
    if (/(^|\/)(registry|distribution|zot|zot-linux-amd64)(:|@|$)/i.test(image)) out.push(svc.key);
  }
  return out;
}

export function coerceInput(text: string, type: string | undefined): unknown {
  if (type === 'boolean' || (!type && (text === 'true' || text === 'false'))) {
    if (text === 'true') return true;
    if (text === 'false' || text === '') return type === 'boolean' ? false : text;
  }
  if (type === 'number' && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text;
}

export function hasIdTokenWrite(doc: YamlDoc, perms: Node): boolean {
  const s = doc.str(perms);
  if (s !== undefined) return s === 'write-all';
  return doc.str(doc.get(perms, 'id-token')) === 'write';
}

export function topoOrder(ids: string[], needs: Map<string, string[]>): string[] {
  // Depth-first post-order, iterative: a chain of 8,000 `needs:` must not become 8,000 stack frames. A job in a
  // `needs:` cycle is placed where the walk first meets it again (the cycle edge is ignored).
  const known = new Set(ids);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const root of ids) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const waitsFor = needs.get(top.id) ?? [];
      if (top.next < waitsFor.length) {
        const n = waitsFor[top.next++]!;
        if (known.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push({ id: n, next: 0 });
        }
        continue;
      }
      stack.pop();
      out.push(top.id);
    }
  }
  return out;
}

export function strings(doc: YamlDoc, node: Node | null): string[] {
  if (!node) return [];
  const s = doc.str(node);
  if (s !== undefined) return [s];
  return doc.items(node).map((n) => doc.str(n) ?? '').filter(Boolean);
}

/**
 * Expands `strategy.matrix` into combinations (product of the value lists, minus `exclude`, plus `include`),
 * at most MAX_MATRIX_COMBINATIONS; a value given as an expression (`${{ fromJSON(…) }}`) stays unknown.
 */
export function matrixCombinations(doc: YamlDoc, node: Node | null, lookup: Lookup): { combos: Array<Record<string, unknown>>; capped: boolean } {
  if (!node) return { combos: markComplete([{}]), capped: false };
  if (!isMap(node)) return { combos: [{}], capped: false };
  let complete = true;
  const base: Array<[string, unknown[]]> = [];
  let include: Array<Record<string, unknown>> = [];
  let exclude: Array<Record<string, unknown>> = [];
  for (const e of doc.entries(node)) {
    const plain = doc.toPlain(e.value);
    if (!Array.isArray(plain)) complete = false;
    if (e.key === 'include') include = Array.isArray(plain) ? (plain.filter((x) => x && typeof x === 'object') as Array<Record<string, unknown>>) : [];
    else if (e.key === 'exclude') exclude = Array.isArray(plain) ? (plain.filter((x) => x && typeof x === 'object') as Array<Record<string, unknown>>) : [];
    else if (Array.isArray(plain)) base.push([e.key, plain.map((v) => (typeof v === 'string' ? interpolateOne(v, lookup) : v))]);
    // A value given as an expression (`${{ fromJSON(…) }}`) stays unknown.
  }
  // Without base keys there is no combination to extend: each `include` entry is its own job. (A base key given as
  // an expression keeps the unknown combination `{}`.)
  const includeOnly = doc.entries(node).every((e) => e.key === 'include' || e.key === 'exclude');
  let combos: Array<Record<string, unknown>> = includeOnly ? [] : [{}];
  let capped = false;
  for (const [k, vals] of base) {
    const next: Array<Record<string, unknown>> = [];
    for (const c of combos)
      for (const v of vals) {
        if (next.length >= MAX_MATRIX_COMBINATIONS) {
          capped = true;
          break;
        }
        next.push({ ...c, [k]: v });
      }
    combos = next;
  }
  combos = combos.filter((c) => !exclude.some((x) => Object.entries(x).every(([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v))));
  for (const inc of include) {
    const baseKeys = base.map(([k]) => k);
    const matching = combos.filter((c) => Object.entries(inc).every(([k, v]) => !baseKeys.includes(k) || JSON.stringify(c[k]) === JSON.stringify(v)));
    if (matching.length > 0 && Object.keys(inc).some((k) => baseKeys.includes(k))) for (const m of matching) Object.assign(m, { ...inc, ...m });
    else if (combos.length < MAX_MATRIX_COMBINATIONS) combos.push({ ...inc });
    else capped = true;
  }
  if (combos.length === 0) return { combos: [{}], capped };
  return { combos: complete ? markComplete(combos) : combos, capped };
}
