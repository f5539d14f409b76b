import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { Severity } from '../model/finding.js';
import type { RelatedLocation } from '../model/location.js';
import type { FindingReport, Report } from '../model/report.js';
import { RULES } from '../rules/index.js';
import { ruleHelpUri, type RuleDefinition } from '../rules/rule.js';
import { isSemanticVersion, TOOL_VERSION } from '../version.js';
import { neutralJson, oneLine, repoRelativePath, withoutControls } from './neutral.js';

export interface SarifOptions {
  /** Prefix that turns report paths (relative to the scanned root) into repository paths, for code scanning. */
  pathPrefix?: string;
  /** Tool version for `tool.driver.version` (and `semanticVersion` when it is one). Default: the bundle's version. */
  toolVersion?: string;
  /**
   * Code-scanning category (the `sarif-category` input). Written as `automationDetails.id` only when given: without
   * one, upload-sarif's own `category` applies — it never replaces an id already in the file, so a fixed id would
   * make two audits of two paths in one job overwrite each other's alerts.
   */
  category?: string;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/image-signing-audit/image-signing-audit';
type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', note: 'note' };
/**
 * Tool-health rules (the analysis could not read or see something) are one step milder in code scanning and carry no
 * `security-severity`: a typo in the configuration is not a High security alert. The step still fails on them as
 * the verdict and `fail-on` say.
 */
const TOOL_HEALTH_LEVEL: Record<Severity, Level> = { error: 'warning', warning: 'note', note: 'note' };
/** GitHub code scanning ranks security alerts by this property (CVSS-like: 7.0+ High, 4.0+ Medium, else Low). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', note: '2.0' };
/** Related locations linked from one message; the rest stay in `relatedLocations` only. */
const MAX_LINKED = 10;
/**
 * Key of our own partial fingerprint; the suffix changes whenever the recipe does. v2: no counts in the hashed
 * text, and repository-level findings hashed without the push they happen to be filed at.
 */
export const FINGERPRINT_KEY = 'imageSigningAuditFinding/v2';

const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]));

/**
 * SARIF 2.1.0 for github/codeql-action/upload-sarif: every rule of the registry with its help, one result per
 * finding with a 1-based region, related locations linked from the message, and a line- and count-independent
 * fingerprint so an alert keeps its identity when lines move above it or unrelated pushes are added. Suppressed
 * findings carry a SARIF suppression rather than disappearing.
 */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return neutralJson(JSON.stringify(buildSarif(report, options), null, 2)) + '\n';
}

export function buildSarif(report: Report, options: SarifOptions = {}): Sarif.Log {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = report.findings.map((f): Sarif.Result => {
    const base = findingFingerprint(f);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const index = ruleIndex.get(f.rule);
    const related = (f.related ?? []).filter((r) => repoRelativePath(r.file) !== undefined);
    const relatedLocations = related.map((r, i): Sarif.Location => ({ id: i + 1, ...physical(r, options.pathPrefix), message: { text: withoutControls(r.message ?? '') || 'related location' } }));
    return {
      ruleId: f.rule,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: resultLevel(f.severity, RULE_BY_ID.get(f.rule)),
      message: { text: messageWithLinks(withoutControls(f.message) || f.rule, relatedLocations) },
      // Only locations inside the repository: a `uses: ../x` or absolute path falls back to the first related
      // location that is inside, else to none.
      locations: primaryLocation(f, options.pathPrefix),
      ...(relatedLocations.length > 0 ? { relatedLocations } : {}),
      // Identical findings (same rule, file, image and message) are told apart by their order.
      partialFingerprints: { [FINGERPRINT_KEY]: n === 1 ? base : `${base}:${n}` },
      ...(f.suppressed ? { suppressions: [{ kind: f.suppressed.source === 'inline' ? 'inSource' : 'external', justification: withoutControls(f.suppressed.reason) }] } : {}),
      ...(f.image ? { properties: { image: oneLine(f.image) } } : {}),
    };
  });
  const version = options.toolVersion ?? TOOL_VERSION;
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'image-signing-audit',
        informationUri: INFORMATION_URI,
        ...(version ? { version, ...(isSemanticVersion(version) ? { semanticVersion: version } : {}) } : {}),
        rules: RULES.map(ruleDescriptor),
      },
    },
    ...(options.category ? { automationDetails: { id: automationId(options.category) } } : {}),
    results,
    ...(report.limits.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.limits.map((l) => ({ level: 'note' as const, message: { text: withoutControls(l) } })) }] } : {}),
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function ruleDescriptor(r: RuleDefinition): Sarif.ReportingDescriptor {
  const security = r.kind === 'security';
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: r.description },
    fullDescription: { text: r.description },
    help: { text: r.help, markdown: r.help },
    helpUri: ruleHelpUri(r.id),
    defaultConfiguration: { level: resultLevel(r.severity, r) },
    properties: security ? { tags: ['security', 'supply-chain', r.area], 'security-severity': SECURITY_SEVERITY[r.severity] } : { tags: ['tool-health', r.area] },
  };
}

function resultLevel(severity: Severity, rule: RuleDefinition | undefined): Level {
  return rule?.kind === 'tool-health' ? TOOL_HEALTH_LEVEL[severity] : LEVEL[severity];
}

/** `category/` as upload-sarif writes it: code scanning takes the part up to the last `/` as the category. */
export function automationId(category: string): string {
  const c = oneLine(category).trim();
  return c.endsWith('/') ? c : `${c}/`;
}

/**
 * The message with its related locations linked (`[image name set here](1)`), which code scanning turns into links
 * to those lines. Literal brackets in the text are escaped, as SARIF's embedded-link syntax requires.
 */
export function messageWithLinks(text: string, related: Sarif.Location[]): string {
  const body = escapeBrackets(text);
  const linked = related.slice(0, MAX_LINKED).map((r) => `[${escapeBrackets(oneLine(r.message?.text ?? 'related location'))}](${r.id})`);
  if (linked.length === 0) return body;
  const more = related.length > MAX_LINKED ? ` and ${related.length - MAX_LINKED} more` : '';
  return `${body}\nRelated: ${linked.join(', ')}${more}.`;
}

function escapeBrackets(s: string): string {
  return s.replace(/[[\]]/g, (c) => `\\${c}`);
}

function primaryLocation(f: FindingReport, prefix: string | undefined): Sarif.Location[] {
  if (repoRelativePath(f.file) !== undefined) return [physical(f, prefix)];
  const inside = (f.related ?? []).find((r) => repoRelativePath(r.file) !== undefined);
  return inside ? [physical(inside, prefix)] : [];
}

/** Only called with locations whose file is inside the repository (repoRelativePath). */
function physical(loc: { file: string; line: number } & Partial<Pick<RelatedLocation, 'column' | 'endLine' | 'endColumn'>>, prefix: string | undefined): { physicalLocation: Sarif.PhysicalLocation } {
  const startLine = Math.max(1, Math.trunc(loc.line) || 1);
  const region: Sarif.Region = { startLine };
  if (loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
  if (loc.endLine !== undefined && loc.endLine >= startLine) region.endLine = loc.endLine;
  if (loc.endColumn !== undefined && loc.endColumn >= 1) region.endColumn = loc.endColumn;
  const rel = repoRelativePath(loc.file) ?? '';
  return { physicalLocation: { artifactLocation: { uri: toUri(prefix ? `${prefix.replace(/\/+$/, '')}/${rel}` : rel), uriBaseId: '%SRCROOT%' }, region } };
}

/** A relative URI reference: each path segment percent-encoded, so spaces, `#` or `?` in names stay part of the path. */
export function toUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/**
 * What identifies an alert across runs, hashed. Never a line number and never a count: `file:12`, `line 12` and
 * every standalone number in the message ("signed on 1 of 2 push paths", "3 pushed images") are masked, so the
 * alert stays the same alert when lines move above it or an unrelated push is added. Repository-level findings
 * are filed at the first push of the first image, which an unrelated push can change: `no-admission-enforcement`
 * is one per repository (the rule alone), `image-not-covered` one per image (rule and image).
 */
export function findingFingerprint(f: FindingReport): string {
  const parts =
    f.rule === 'no-admission-enforcement'
      ? [f.rule]
      : f.rule === 'image-not-covered' && f.image
        ? [f.rule, f.image]
        : [f.rule, f.file, f.image ?? '', maskNumbers(f.message)];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function maskNumbers(message: string): string {
  return message
    .replace(/:\d+\b/g, ':*')
    .replace(/\bline \d+\b/gi, 'line *')
    .replace(/\b\d+\b/g, '#');
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
