import { acceptedUnsigned, VERDICT_RULES } from '../engine/verdict.js';
import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
import type { FindingReport, Report } from '../model/report.js';
import { REPOSITORY_LEVEL } from './compare.js';

/**
 * The one decision of whether the check fails, shared by the Action and the CLI (their exit status, the step's
 * failure message, the summary's "what fails this check" and the `new-findings` output all come from it).
 */
export type FailOn = 'fail' | 'error' | 'warning' | 'new' | 'never';

export const FAIL_ON: readonly FailOn[] = ['fail', 'error', 'warning', 'new', 'never'];

/** Events that have a base commit to compare with: there `new` is the default. */
export const BASE_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target', 'merge_group']);

/** `new` on pull requests and merge queues, where a base exists and a required check must not be red for old debt; `fail` elsewhere. */
export function defaultFailOn(eventName: string | undefined): FailOn {
  return eventName !== undefined && BASE_EVENTS.has(eventName) ? 'new' : 'fail';
}

/** Something the gate fails on: a finding, or what a change makes worse. */
export interface GateItem {
  severity: Severity;
  message: string;
  rule?: string;
  image?: string;
  file?: string;
  line?: number;
  /** The message already names the image and the place (what a change makes worse), so renderers need not repeat them. */
  self?: boolean;
}

export interface FailDecision {
  fail: boolean;
  /** One line for the log and the step's failure message (it quotes the sentence and repository names). */
  reason: string;
  /** The fail-on asked for. */
  failOn: FailOn;
  /** The fail-on applied: `fail` when `new` was asked for and the base could not be compared. */
  effective: FailOn;
  /** Why `new` could not be applied (then the gate is the whole-repository verdict). */
  fallback?: string;
  /** What the gate fails on (or would, under `never`), errors first, then by image. */
  gating: GateItem[];
  /** Under `new` with a compared base: how many things are worse than the base. */
  newFindings?: number;
}

/**
 * `fail`: the verdict is fail. `error` / `warning`: the verdict is fail, or any unsuppressed finding is at or
 * above that severity. `new`: this tree is worse than its base (report.change); without a compared base, the
 * verdict decides, and the decision says so. `never`: never.
 */
export function decideGate(report: Report, failOn: FailOn): FailDecision {
  const verdictItems = verdictGating(report);
  if (failOn === 'never') return { fail: false, reason: 'fail-on is never', failOn, effective: 'never', gating: verdictItems };
  if (failOn === 'new') {
    const change = report.change;
    if (change?.status === 'compared') {
      const worse = sortItems(change.worse.map((w): GateItem => ({ ...w, ...(w.kind !== 'new-error' ? { self: true } : {}) })));
      const base = shortCommit(change.base);
      if (worse.length === 0) {
        return { fail: false, reason: `nothing is worse than the base commit${base} (the whole repository: verdict ${report.verdict})`, failOn, effective: 'new', gating: [], newFindings: 0 };
      }
      const n = worse.length;
      return { fail: true, reason: `${n} thing${n === 1 ? ' is' : 's are'} worse than the base commit${base}: ${worse[0]!.message}${n > 1 ? ` (and ${n - 1} more)` : ''}`, failOn, effective: 'new', gating: worse, newFindings: n };
    }
    const fallback = change?.reason ?? 'no base commit was given';
    const onVerdict = decideGate(report, 'fail');
    return { ...onVerdict, failOn, effective: 'fail', fallback, reason: `the base commit could not be compared (${fallback}), so the gate is the whole-repository verdict: ${onVerdict.reason}` };
  }
  if (report.verdict === 'fail') {
    const extra = failOn === 'fail' ? [] : thresholdItems(report, failOn);
    return { fail: true, reason: `verdict is fail: ${report.sentence}`, failOn, effective: failOn, gating: sortItems(dedupe([...verdictItems, ...extra])) };
  }
  if (failOn === 'fail') return { fail: false, reason: `verdict is ${report.verdict}`, failOn, effective: failOn, gating: [] };
  const hits = thresholdItems(report, failOn);
  if (hits.length > 0) return { fail: true, reason: `${hits.length} unsuppressed finding${hits.length === 1 ? '' : 's'} at ${failOn} level or above (fail-on: ${failOn})`, failOn, effective: failOn, gating: sortItems(hits) };
  return { fail: false, reason: `no unsuppressed finding at ${failOn} level or above`, failOn, effective: failOn, gating: [] };
}

/** Kept for callers of the earlier name. */
export const decideFailure = decideGate;

/** What fails the verdict: open error findings of the verdict rules, and unsigned images no suppression accepts. */
function verdictGating(report: Report): GateItem[] {
  if (report.verdict !== 'fail') return [];
  const items = report.findings.filter((f) => !f.suppressed && f.severity === 'error' && VERDICT_RULES.has(f.rule)).map(fromFinding);
  const accepted = acceptedUnsigned(report);
  const named = new Set(items.map((i) => i.image));
  for (const img of report.images) {
    if (img.signed || accepted.has(img.name) || named.has(img.name)) continue;
    const push = img.pushes[0];
    items.push({ severity: 'error', message: `${img.name} is pushed unsigned`, image: img.name, ...(push ? { file: push.file, line: push.line } : {}) });
  }
  return sortItems(items);
}

function thresholdItems(report: Report, threshold: Severity): GateItem[] {
  return report.findings.filter((f) => !f.suppressed && SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[threshold]).map(fromFinding);
}

/** A repository-level finding names the first image only to have a place: it is listed with no image, after the images. */
function fromFinding(f: FindingReport): GateItem {
  return { severity: f.severity, message: f.message, rule: f.rule, ...(f.image !== undefined && !REPOSITORY_LEVEL.has(f.rule) ? { image: f.image } : {}), file: f.file, line: f.line };
}

function dedupe(items: GateItem[]): GateItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = JSON.stringify([i.rule, i.image, i.file, i.line, i.message]);
    return !seen.has(k) && seen.add(k);
  });
}

/** Errors first; within a severity, grouped by image (items without an image last), then rule and place. */
export function sortItems<T extends GateItem>(items: T[]): T[] {
  const cmp = (a?: string, b?: string): number => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1);
  return [...items].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.image, b.image) || cmp(a.rule, b.rule) || cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
}

function shortCommit(sha: string | undefined): string {
  return sha ? ` ${/^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha}` : '';
}
