import { createHash } from 'node:crypto';
import type { Severity } from '../model/finding.js';
import type { RelatedLocation } from '../model/location.js';
import type { FindingReport, Report } from '../model/report.js';
import { RULES } from '../rules/index.js';
import { ruleHelpUri } from '../rules/rule.js';
import { neutralJson, oneLine, repoRelativePath, withoutControls } from './neutral.js';

export interface SarifOptions {
  /** Prefix that turns report paths (relative to the scanned root) into repository paths, for code scanning. */
  pathPrefix?: string;
  /** Tool version for `tool.driver.version`. */
  toolVersion?: string;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/image-signing-audit/image-signing-audit';
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };
/** GitHub code scanning ranks security alerts by this property (CVSS-like scale). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', note: '2.0' };
/** Key of our own partial fingerprint; bump the suffix if the recipe ever changes. */
export const FINGERPRINT_KEY = 'imageSigningAuditFinding/v1';

/**
 * SARIF 2.1.0 for github/codeql-action/upload-sarif: every rule of the registry with its help, one result per
 * finding with a 1-based region, related locations, and a line-independent fingerprint so an alert keeps its
 * identity when lines move above it. Suppressed findings carry a SARIF suppression rather than disappearing.
 */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return neutralJson(JSON.stringify(buildSarif(report, options), null, 2)) + '\n';
}

export function buildSarif(report: Report, options: SarifOptions = {}): Record<string, unknown> {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = report.findings.map((f) => {
    const base = findingFingerprint(f);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const index = ruleIndex.get(f.rule);
    const related = (f.related ?? []).filter((r) => repoRelativePath(r.file) !== undefined);
    return {
      ruleId: f.rule,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: LEVEL[f.severity],
      message: { text: withoutControls(f.message) || f.rule },
      // Only locations inside the repository: a `uses: ../x` or absolute path falls back to the first related
      // location that is inside, else to none.
      locations: primaryLocation(f, options.pathPrefix),
      ...(related.length > 0 ? { relatedLocations: related.map((r, i) => ({ id: i + 1, ...physical(r, options.pathPrefix), message: { text: withoutControls(r.message ?? '') || 'related location' } })) } : {}),
      // Identical findings in one file (same rule, image and message) are told apart by their order.
      partialFingerprints: { [FINGERPRINT_KEY]: n === 1 ? base : `${base}:${n}` },
      ...(f.suppressed ? { suppressions: [{ kind: f.suppressed.source === 'inline' ? 'inSource' : 'external', justification: withoutControls(f.suppressed.reason) }] } : {}),
      ...(f.image ? { properties: { image: oneLine(f.image) } } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'image-signing-audit',
            informationUri: INFORMATION_URI,
            ...(options.toolVersion ? { version: options.toolVersion, semanticVersion: options.toolVersion } : {}),
            rules: RULES.map((r) => ({
              id: r.id,
              name: pascalCase(r.id),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: r.help, markdown: r.help },
              helpUri: ruleHelpUri(r.id),
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ['security', 'supply-chain', r.area], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        automationDetails: { id: 'image-signing-audit/' },
        results,
        ...(report.limits.length > 0
          ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.limits.map((l) => ({ level: 'note', message: { text: withoutControls(l) } })) }] }
          : {}),
      },
    ],
  };
}

function primaryLocation(f: FindingReport, prefix: string | undefined): Array<{ physicalLocation: Record<string, unknown> }> {
  if (repoRelativePath(f.file) !== undefined) return [physical(f, prefix)];
  const inside = (f.related ?? []).find((r) => repoRelativePath(r.file) !== undefined);
  return inside ? [physical(inside, prefix)] : [];
}

/** Only called with locations whose file is inside the repository (repoRelativePath). */
function physical(loc: { file: string; line: number } & Partial<Pick<RelatedLocation, 'column' | 'endLine' | 'endColumn'>>, prefix: string | undefined): { physicalLocation: Record<string, unknown> } {
  const startLine = Math.max(1, Math.trunc(loc.line) || 1);
  const region: Record<string, number> = { startLine };
  if (loc.column !== undefined && loc.column >= 1) region['startColumn'] = loc.column;
  if (loc.endLine !== undefined && loc.endLine >= startLine) region['endLine'] = loc.endLine;
  if (loc.endColumn !== undefined && loc.endColumn >= 1) region['endColumn'] = loc.endColumn;
  return { physicalLocation: { artifactLocation: { uri: toUri(prefix ? `${prefix.replace(/\/+$/, '')}/${repoRelativePath(loc.file) ?? ''}` : (repoRelativePath(loc.file) ?? '')), uriBaseId: '%SRCROOT%' }, region } };
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
 * Rule, file, image and message with line numbers removed: stable when unrelated lines are added above the
 * finding, different when the finding is about something else.
 */
export function findingFingerprint(f: FindingReport): string {
  const message = f.message.replace(/:\d+\b/g, ':*').replace(/\bline \d+\b/gi, 'line *');
  return createHash('sha256').update([f.rule, f.file, f.image ?? '', message].join('\u0000')).digest('hex').slice(0, 32);
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
