import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
import type { FindingReport, Report } from '../model/report.js';
import { RULES } from '../rules/index.js';
import { ruleHelpUri } from '../rules/rule.js';
import { oneLine, repoRelativePath, withoutControls } from './neutral.js';

/** GitHub shows at most this many annotations of each level per step; the rest are silently dropped. */
export const ANNOTATION_LIMIT_PER_LEVEL = 10;
/** Messages longer than this are cut: an annotation is a pointer, the summary has the details. */
const MAX_MESSAGE_CHARS = 1500;

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
const RULE_HELP = new Map(RULES.map((r) => [r.id, r]));

export function withPrefix(prefix: string | undefined, file: string): string {
  if (!prefix) return file;
  return `${prefix.replace(/\/+$/, '')}/${file}`;
}

/**
 * Chooses the annotations GitHub will actually show: findings on changed files first, then by severity, then
 * by place; at most 10 per level; then one notice that says how many more findings the summary lists.
 */
export function planAnnotations(report: Report, options: AnnotationOptions): AnnotationPlan {
  const active = report.findings.filter((f) => !f.suppressed);
  if (options.mode === 'none') return { annotations: [], overLimit: 0, unchanged: 0 };
  const isChanged = (f: FindingReport): boolean => options.changedFiles === undefined || options.changedFiles.has(withPrefix(options.pathPrefix, f.file));
  const eligible = options.mode === 'changed' ? active.filter(isChanged) : active;
  const unchanged = active.length - eligible.length;
  const ordered = [...eligible].sort(
    (a, b) =>
      Number(isChanged(b)) - Number(isChanged(a)) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line,
  );
  const counts: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const chosen: Annotation[] = [];
  let overLimit = 0;
  // Keep one notice slot free for the closing notice when anything will be left out.
  const noticeCap = ANNOTATION_LIMIT_PER_LEVEL - 1;
  for (const f of ordered) {
    const level = LEVEL[f.severity];
    const cap = level === 'notice' ? noticeCap : ANNOTATION_LIMIT_PER_LEVEL;
    if (counts[level] >= cap) {
      overLimit++;
      continue;
    }
    counts[level]++;
    chosen.push(findingAnnotation(f, options.pathPrefix));
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

function findingAnnotation(f: FindingReport, prefix: string | undefined): Annotation {
  const rule = RULE_HELP.get(f.rule);
  const help = rule ? `\n${rule.help}\n${ruleHelpUri(rule.id)}` : '';
  const message = (withoutControls(f.message) + help).slice(0, MAX_MESSAGE_CHARS);
  // A path that leaves the repository (`uses: ../x`, absolute) is not an annotation location.
  const file = repoRelativePath(f.file);
  return { level: LEVEL[f.severity], ...(file !== undefined ? { file: withPrefix(prefix, file), line: Math.max(1, f.line) } : {}), title: oneLine(f.rule), message };
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
