import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
import type { FindingReport, Report } from '../model/report.js';
import { RULES } from '../rules/index.js';
import { oneLine, repoRelativePath } from './neutral.js';

/** GitHub shows at most this many annotations of each level per step; the rest are silently dropped. */
export const ANNOTATION_LIMIT_PER_LEVEL = 10;
/**
 * The step's own failure (core.setFailed prints `::error::…`) is an error annotation as well and counts toward the
 * same cap of 10. It is printed after the findings, so findings take at most 9 error slots: the reason the step
 * failed always stays visible. (Printing the failure first would need the decision before the analysis output;
 * reserving a slot keeps the order of the log and works whatever the entrypoint prints last.)
 */
export const ERROR_SLOTS_FOR_FINDINGS = ANNOTATION_LIMIT_PER_LEVEL - 1;
/** An annotation is a pointer: what is wrong and the fix, on one line. The rule's help is in the summary and SARIF. */
export const MAX_MESSAGE_CHARS = 200;

export type AnnotationLevel = 'error' | 'warning' | 'notice';
export type AnnotateMode = 'changed' | 'all' | 'none';

export interface Annotation {
  level: AnnotationLevel;
  /** Repository-relative path (the root the runner resolves annotation paths against). */
  file?: string;
  line?: number;
  title: string;
  message: string;
}

export interface AnnotationOptions {
  mode: AnnotateMode;
  /** Files the pull request changes (repository-relative); undefined = unknown, so every finding is eligible. */
  changedFiles?: ReadonlySet<string>;
  /** Prefix that turns a report path (relative to the scanned root) into a repository path. */
  pathPrefix?: string;
}

export interface AnnotationPlan {
  /** What to emit, in order; the last one is the overflow notice when findings were left out. */
  annotations: Annotation[];
  /** Unsuppressed findings not annotated because GitHub would not show them. */
  overLimit: number;
  /** Unsuppressed findings not annotated because their file is not changed by the pull request (mode `changed`). */
  unchanged: number;
}

const LEVEL: Record<Severity, AnnotationLevel> = { error: 'error', warning: 'warning', note: 'notice' };
const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]));

/**
 * Findings about the repository as a whole: the push line they are filed at is only the first image's first push,
 * which tells the reader nothing, so they become one notice without a file. `image-not-covered` is repository-level
 * only when no pushed image is covered at all (then it is the same statement about every image); for one image
 * among covered ones, its push is the place the uncovered image enters and the annotation stays there.
 */
function isRepositoryLevel(f: FindingReport, report: Report, uncoveredImages: ReadonlySet<string>): boolean {
  if (f.rule === 'no-admission-enforcement') return true;
  return f.rule === 'image-not-covered' && report.images.length > 0 && report.images.every((i) => uncoveredImages.has(i.name));
}

/** Findings that become one annotation: one rule at one place (matrix legs and callers reach the same line). */
interface Group {
  findings: FindingReport[];
  /** Repository-relative path with the prefix, or undefined for a repository-level group or a path outside it. */
  file?: string;
  line?: number;
  severity: Severity;
  changed: boolean;
  repositoryLevel: boolean;
}

export function withPrefix(prefix: string | undefined, file: string): string {
  if (!prefix) return file;
  return `${prefix.replace(/\/+$/, '')}/${file}`;
}

/**
 * Chooses the annotations GitHub will actually show: one per rule and place (the legs of a matrix collapse into
 * one), repository-level findings as one notice each without a file, findings on changed files first, then by
 * severity and place; at most 9 errors (the failure message takes the tenth), 10 warnings and 9 notices; then one
 * notice that says how many more findings the summary lists.
 */
export function planAnnotations(report: Report, options: AnnotationOptions): AnnotationPlan {
  if (options.mode === 'none') return { annotations: [], overLimit: 0, unchanged: 0 };
  const active = report.findings.filter((f) => !f.suppressed);
  const uncovered = new Set(active.filter((f) => f.rule === 'image-not-covered' && f.image).map((f) => f.image!));
  const isChanged = (f: FindingReport): boolean => options.changedFiles === undefined || options.changedFiles.has(withPrefix(options.pathPrefix, f.file));

  const groups = new Map<string, Group>();
  for (const f of active) {
    const repositoryLevel = isRepositoryLevel(f, report, uncovered);
    // A path that leaves the repository (`uses: ../x`, absolute) is not an annotation location.
    const rel = repositoryLevel ? undefined : repoRelativePath(f.file);
    const file = rel !== undefined ? withPrefix(options.pathPrefix, rel) : undefined;
    const line = file !== undefined ? Math.max(1, Math.trunc(f.line) || 1) : undefined;
    const key = repositoryLevel ? `repo\u0000${f.rule}` : `${f.rule}\u0000${file ?? f.file}\u0000${line ?? f.line}`;
    const g = groups.get(key);
    if (g) {
      g.findings.push(f);
      if (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[g.severity]) g.severity = f.severity;
      g.changed ||= isChanged(f);
      continue;
    }
    groups.set(key, { findings: [f], ...(file !== undefined ? { file, line } : {}), severity: f.severity, changed: repositoryLevel || isChanged(f), repositoryLevel });
  }

  // Repository-level notices are about no file, so the changed-files filter does not apply to them.
  const all = [...groups.values()];
  const eligible = options.mode === 'changed' ? all.filter((g) => g.changed) : all;
  const unchanged = count(all.filter((g) => !eligible.includes(g)));
  const ordered = [...eligible].sort(
    (a, b) =>
      Number(b.repositoryLevel) - Number(a.repositoryLevel) ||
      Number(b.changed) - Number(a.changed) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compare(a.findings[0]!.file, b.findings[0]!.file) ||
      a.findings[0]!.line - b.findings[0]!.line ||
      compare(a.findings[0]!.rule, b.findings[0]!.rule),
  );
  // One notice slot stays free for the closing notice; one error slot for the step's failure message.
  const caps: Record<AnnotationLevel, number> = { error: ERROR_SLOTS_FOR_FINDINGS, warning: ANNOTATION_LIMIT_PER_LEVEL, notice: ANNOTATION_LIMIT_PER_LEVEL - 1 };
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const chosen: Annotation[] = [];
  let overLimit = 0;
  for (const g of ordered) {
    const level = g.repositoryLevel ? 'notice' : LEVEL[g.severity];
    if (used[level] >= caps[level]) {
      overLimit += g.findings.length;
      continue;
    }
    used[level]++;
    chosen.push(groupAnnotation(g, level));
  }
  const more = overLimit + unchanged;
  if (more > 0) {
    const parts: string[] = [];
    if (overLimit > 0) parts.push(`${overLimit} over GitHub's limit of ${ANNOTATION_LIMIT_PER_LEVEL} annotations per level`);
    if (unchanged > 0) parts.push(`${unchanged} on files this pull request does not change`);
    chosen.push({
      level: 'notice',
      title: 'image-signing-audit',
      message: `${more} more finding${more === 1 ? '' : 's'} (${parts.join('; ')}) ${more === 1 ? 'is' : 'are'} listed in the step summary.`,
    });
  }
  return { annotations: chosen, overLimit, unchanged };
}

function count(groups: Group[]): number {
  return groups.reduce((n, g) => n + g.findings.length, 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupAnnotation(g: Group, level: AnnotationLevel): Annotation {
  const first = g.findings[0]!;
  const rule = RULE_BY_ID.get(first.rule);
  return {
    level,
    ...(g.file !== undefined ? { file: g.file, line: g.line! } : {}),
    title: oneLine(first.rule),
    message: annotationMessage(first.message, othersSuffix(g), rule?.fix),
  };
}

/** "(+2 more images at this line)": the other legs of a matrix (or other findings of the rule at the place). */
function othersSuffix(g: Group): string {
  const first = g.findings[0]!.image ?? '';
  const otherImages = new Set(g.findings.map((f) => f.image ?? '').filter((i) => i !== '' && i !== first)).size;
  const others = otherImages > 0 ? otherImages : g.findings.length - 1;
  if (others === 0) return '';
  const noun = otherImages > 0 ? `image${others === 1 ? '' : 's'}` : `finding${others === 1 ? '' : 's'}`;
  return ` (+${others} more ${noun}${g.repositoryLevel ? '' : ' at this line'})`;
}

/**
 * One line of at most MAX_MESSAGE_CHARS: the finding's first sentence (what is wrong), the count of the others it
 * stands for, then the rule's fix. Only the first sentence is shortened when the whole does not fit.
 */
export function annotationMessage(message: string, suffix: string, fix: string | undefined): string {
  const what = firstSentence(oneLine(message).replace(/\s+/g, ' ').trim());
  const tail = suffix + (fix ? ` Fix: ${fix}` : '');
  const room = MAX_MESSAGE_CHARS - tail.length;
  return (shorten(what, Math.max(room, 20)) + tail).slice(0, MAX_MESSAGE_CHARS);
}

/** Up to the first sentence end that is followed by a new sentence (`. A…`), so `e.g. cosign` and `ghcr.io` stay whole. */
export function firstSentence(text: string): string {
  const m = /^(.+?[.!?])\s+(?=[A-Z])/.exec(text);
  return m ? m[1]! : text;
}

/** Cut at the last clause (`;`, `:`, `,`) that fits when that keeps most of the text, else at a word; then `…`. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const clause = Math.max(cut.lastIndexOf('; '), cut.lastIndexOf(': '), cut.lastIndexOf(', '));
  const space = cut.lastIndexOf(' ');
  const end = clause > max / 2 ? clause : space > max / 2 ? space : cut.length;
  return cut.slice(0, end).replace(/[\s,;:]+$/, '') + '…';
}

/** Workflow-command escaping of the message part: `%`, CR and LF, so data cannot end the command or start another. */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally escape `:` and `,`, which separate properties from each other and from the message. */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=a.yml,line=3,title=rule::message` — one line, whatever the annotation contains. */
export function formatWorkflowCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) props.push(`file=${escapeCommandProperty(a.file)}`);
  if (a.line !== undefined) props.push(`line=${a.line}`);
  props.push(`title=${escapeCommandProperty(a.title)}`);
  return `::${a.level} ${props.join(',')}::${escapeCommandData(a.message)}`;
}
