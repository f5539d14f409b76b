import { UNSIGNED_RULES } from '../engine/verdict.js';
import type { ChangeItem, ChangeReport, EnforcementReport, FindingReport, Report, ReportLocation } from '../model/report.js';

/**
 * What a tree changes against its base, judged from the two reports only (no I/O). Problems are matched by a
 * line-independent identity — rule, image, file, policy — never by line number, so a pull request that only moves
 * lines (or adds a workflow that sorts first) changes nothing here.
 *
 * Only problems that are open (not suppressed) count, on both sides: a finding the base accepted with a reason and
 * the head no longer accepts is new (the verdict would go from pass to fail because of this change), and a finding
 * the head suppresses with a reason is accepted, as the README promises.
 */
export interface CompareOptions {
  /** Mirrors the analysis option: when false, enforcement is informational and losing it is not worse. */
  requireEnforcement?: boolean;
}

/** Findings about the repository as a whole: their file and image are only where they are shown (the first push). */
export const REPOSITORY_LEVEL: ReadonlySet<string> = new Set(['no-admission-enforcement']);
/** Findings about one image: their file is where the image is first pushed, not part of the problem. */
const IMAGE_LEVEL = new Set(['image-not-covered', 'required-image-missing']);

/** The identity a finding keeps across base and head. */
export function findingIdentity(f: Pick<FindingReport, 'rule' | 'image' | 'file'>): string {
  if (REPOSITORY_LEVEL.has(f.rule)) return f.rule;
  if (IMAGE_LEVEL.has(f.rule)) return JSON.stringify([f.rule, f.image ?? '']);
  return JSON.stringify([f.rule, f.image ?? '', f.file]);
}

export function compareReports(base: Report, head: Report, options: CompareOptions = {}): Omit<ChangeReport, 'status' | 'base' | 'source'> {
  const worse: ChangeItem[] = [];
  const other: ChangeItem[] = [];
  const baseImages = new Map(base.images.map((i) => [i.name, i]));
  const headImages = new Map(head.images.map((i) => [i.name, i]));

  // Unsigned push paths, per image and file: a path the base did not have unsigned is a new unsigned path, a lost
  // signature, or a new image pushed unsigned.
  const baseUnsigned = unsignedPaths(base);
  const headUnsigned = unsignedPaths(head);
  for (const [name, paths] of headUnsigned) {
    const before = baseUnsigned.get(name) ?? new Map<string, ReportLocation>();
    const fresh = [...paths.values()].filter((p) => !before.has(p.file));
    if (fresh.length === 0) continue;
    const was = baseImages.get(name);
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more push path${fresh.length === 2 ? '' : 's'})` : '';
    const first = fresh[0]!;
    if (!was) {
      worse.push(item('new-unsigned-image', 'error', `adds ${name}, pushed unsigned at ${at(first)}${more}`, { image: name, ...first }));
      continue;
    }
    const pushedThereBefore = new Set(was.pushes.map((p) => p.file));
    const lost = fresh.filter((p) => pushedThereBefore.has(p.file));
    const added = fresh.filter((p) => !pushedThereBefore.has(p.file));
    if (lost.length > 0) worse.push(item('signature-lost', 'error', `${name} is no longer signed where it is pushed at ${at(lost[0]!)}${lost.length > 1 ? ` (and ${lost.length - 1} more)` : ''}`, { image: name, ...lost[0]! }));
    if (added.length > 0) worse.push(item('new-unsigned-path', 'error', `${name} gains an unsigned push path at ${at(added[0]!)}${added.length > 1 ? ` (and ${added.length - 1} more)` : ''}`, { image: name, ...added[0]! }));
  }

  // Signing moved from the digest to a mutable tag.
  for (const img of head.images) {
    const was = baseImages.get(img.name);
    if (!was || !was.signed || was.byDigest !== true || !img.signed || img.byDigest !== false) continue;
    if (onlySuppressed(head.findings, 'signed-by-tag', img.name)) continue;
    const sig = img.signatures[0];
    worse.push(item('signed-by-tag', 'warning', `${img.name} was signed by digest and is now signed by a mutable tag${sig ? ` (${at(sig)})` : ''}`, { image: img.name, rule: 'signed-by-tag', ...(sig ? { file: sig.file, line: sig.line } : {}) }));
  }

  // Enforcement lost or weakened, policy by policy (engine, kind, name; the file may move).
  const enforcementItems = options.requireEnforcement === false ? { worse: [], other: [] } : enforcementChanges(base.enforcement, head.enforcement);
  worse.push(...enforcementItems.worse);
  other.push(...enforcementItems.other);

  // Any other new error finding, matched by identity with multiplicity.
  const baseErrors = countBy(openErrors(base.findings), findingIdentity);
  const headErrors = groupBy(openErrors(head.findings), findingIdentity);
  for (const [id, list] of headErrors) {
    for (const f of list.slice(baseErrors.get(id) ?? 0)) {
      worse.push(item('new-error', f.severity, `${f.rule}: ${f.message}`, { rule: f.rule, ...(f.image !== undefined ? { image: f.image } : {}), file: f.file, line: f.line }));
    }
  }
  const headErrorCount = countBy(openErrors(head.findings), findingIdentity);
  let resolved = 0;
  for (const [id, n] of baseErrors) resolved += Math.max(0, n - (headErrorCount.get(id) ?? 0));

  // Safety net: whatever the items above miss, a verdict that becomes fail because of this change is worse.
  if (worse.length === 0 && base.verdict !== 'fail' && head.verdict === 'fail') worse.push(item('verdict', 'error', `the verdict goes from ${base.verdict} to fail`, {}));

  // What changed without getting worse, for the summary.
  for (const img of head.images) {
    if (baseImages.has(img.name) || headUnsigned.has(img.name)) continue;
    const push = img.pushes[0];
    other.push(item('image-added', 'note', `adds ${img.name}${img.signed ? `, signed (${img.methods.join(', ')})` : ''}${push ? ` at ${at(push)}` : ''}`, { image: img.name, ...(push ? { file: push.file, line: push.line } : {}) }));
  }
  for (const img of base.images) if (!headImages.has(img.name)) other.push(item('image-removed', 'note', `stops pushing ${img.name}`, { image: img.name }));
  for (const [name] of baseUnsigned) {
    if (headImages.has(name) && !headUnsigned.has(name)) other.push(item('image-now-signed', 'note', `${name} is now signed on every push path${headImages.get(name)!.signed ? '' : ' (or its unsigned findings are suppressed)'}`, { image: name }));
  }
  if (resolved > 0) other.push(item('findings-resolved', 'note', `resolves ${resolved} error finding${resolved === 1 ? '' : 's'}`, {}));

  const enforcement = worse.some((w) => w.kind === 'enforcement-lost' || w.kind === 'enforcement-weakened') ? 'weakened' : enforcementSignature(base.enforcement) !== enforcementSignature(head.enforcement) ? 'changed' : 'unchanged';
  return { baseVerdict: base.verdict, worse, other, enforcement };
}

/** "adds ghcr.io/acme/worker, pushed unsigned at .github/workflows/release.yml:41; enforcement unchanged" */
export function changeSentence(change: ChangeReport, max = 3): string {
  if (change.status !== 'compared') return `not compared with the base commit: ${change.reason ?? 'the base could not be read'}`;
  const parts = [...change.worse, ...change.other].map((i) => i.message);
  const shown = parts.slice(0, max);
  if (parts.length > max) shown.push(`${parts.length - max} more change${parts.length - max === 1 ? '' : 's'}`);
  const enforcement = change.enforcement === 'unchanged' ? 'enforcement unchanged' : change.enforcement === 'weakened' ? 'enforcement weakened' : 'enforcement changed';
  if (shown.length === 0) return `nothing that affects image signing is worse than the base; ${enforcement}`;
  return `${shown.join('; ')}; ${enforcement}`;
}

function enforcementChanges(base: EnforcementReport[], head: EnforcementReport[]): { worse: ChangeItem[]; other: ChangeItem[] } {
  const worse: ChangeItem[] = [];
  const other: ChangeItem[] = [];
  const key = (e: EnforcementReport): string => JSON.stringify([e.engine, e.kind, e.name]);
  const counted = (list: EnforcementReport[]): EnforcementReport[] => list.filter((e) => e.counted !== false);
  const headCounted = new Map<string, EnforcementReport[]>();
  for (const e of counted(head)) headCounted.set(key(e), [...(headCounted.get(key(e)) ?? []), e]);
  const headAll = new Map(head.map((e) => [key(e), e]));
  const baseEnforcing = new Set<string>();
  for (const e of counted(base)) {
    if (e.mode !== 'enforce' || baseEnforcing.has(key(e))) continue;
    baseEnforcing.add(key(e));
    const name = `${e.engine} ${e.kind}/${e.name}`;
    const now = headCounted.get(key(e)) ?? [];
    if (now.some((n) => n.mode === 'enforce')) continue;
    if (now.length > 0) {
      const n = now[0]!;
      worse.push(item('enforcement-weakened', 'error', `${name} moves from enforce to ${n.mode} (${at(n)})`, { file: n.file, line: n.line }));
      continue;
    }
    const uncounted = headAll.get(key(e));
    if (uncounted) worse.push(item('enforcement-lost', 'error', `${name} no longer counts as enforcement: ${uncounted.notCountedReason ?? 'not deployed'} (${at(uncounted)})`, { file: uncounted.file, line: uncounted.line }));
    else worse.push(item('enforcement-lost', 'error', `${name} (${at(e)} in the base) is removed`, { file: e.file }));
  }
  for (const [k, list] of headCounted) {
    const e = list.find((x) => x.mode === 'enforce');
    if (e && !baseEnforcing.has(k)) other.push(item('policy-added', 'note', `adds ${e.engine} ${e.kind}/${e.name} in enforce mode (${at(e)})`, { file: e.file, line: e.line }));
  }
  return { worse, other };
}

function enforcementSignature(list: EnforcementReport[]): string {
  return JSON.stringify(
    list
      .filter((e) => e.counted !== false)
      .map((e) => [e.engine, e.kind, e.name, e.mode, [...e.covers].sort()])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}

/**
 * Open unsigned push paths: image → file → first location. An `unsigned-image` finding makes every push of its
 * image unsigned; a `partially-signed-image` finding names the unsigned pushes (its location and related "pushed
 * unsigned" ones). An unsigned image without either finding counts every push (fail closed).
 */
export function unsignedPaths(report: Pick<Report, 'images' | 'findings'>): Map<string, Map<string, ReportLocation>> {
  const out = new Map<string, Map<string, ReportLocation>>();
  const images = new Map(report.images.map((i) => [i.name, i]));
  const withFinding = new Set<string>();
  const add = (image: string, loc: ReportLocation): void => {
    let m = out.get(image);
    if (!m) out.set(image, (m = new Map()));
    if (!m.has(loc.file)) m.set(loc.file, { file: loc.file, line: loc.line });
  };
  for (const f of report.findings) {
    if (!UNSIGNED_RULES.has(f.rule) || f.image === undefined) continue;
    withFinding.add(f.image);
    if (f.suppressed) continue;
    add(f.image, f);
    if (f.rule === 'unsigned-image') for (const p of images.get(f.image)?.pushes ?? []) add(f.image, p);
    else for (const r of f.related ?? []) if (/pushed unsigned/.test(r.message ?? '')) add(f.image, r);
  }
  for (const img of report.images) if (!img.signed && !withFinding.has(img.name)) for (const p of img.pushes) add(img.name, p);
  return out;
}

function onlySuppressed(findings: FindingReport[], rule: string, image: string): boolean {
  const mine = findings.filter((f) => f.rule === rule && f.image === image);
  return mine.length > 0 && mine.every((f) => f.suppressed);
}

function openErrors(findings: FindingReport[]): FindingReport[] {
  return findings.filter((f) => !f.suppressed && f.severity === 'error' && !UNSIGNED_RULES.has(f.rule));
}

function countBy<T>(list: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const l = m.get(k);
    if (l) l.push(t);
    else m.set(k, [t]);
  }
  return m;
}

function at(l: { file: string; line?: number }): string {
  return l.line !== undefined ? `${l.file}:${l.line}` : l.file;
}

function item(kind: ChangeItem['kind'], severity: ChangeItem['severity'], message: string, where: { rule?: string; image?: string; file?: string; line?: number }): ChangeItem {
  return {
    kind,
    severity,
    message,
    ...(where.rule !== undefined ? { rule: where.rule } : {}),
    ...(where.image !== undefined ? { image: where.image } : {}),
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(where.line !== undefined ? { line: where.line } : {}),
  };
}
