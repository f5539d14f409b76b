import { SEVERITY_ORDER } from '../model/finding.js';
import type { EnforcementReport, FindingReport, ImageReport, Report, ReportLocation } from '../model/report.js';
import { ruleHelpUri } from '../rules/rule.js';
import { INVISIBLE_CHARS } from './neutral.js';

/** GitHub rejects step summaries over 1 MiB; stay well under it. */
export const SUMMARY_MAX_BYTES = 512 * 1024;
const FINDINGS_SHOWN = 20;
const FINDINGS_MAX = 1000;
const IMAGE_ROWS_MAX = 300;
const POLICY_ROWS_MAX = 100;
const FLOWS_SHOWN = 5;
const FLOWS_MAX = 30;
const TEXT_MAX = 400;

export interface SummaryOptions {
  maxBytes?: number;
  /** One line about annotations and changed files, e.g. "3 findings annotated; changed files from the REST API". */
  annotationNote?: string;
  /** Paths of the machine-readable outputs, mentioned at the end. */
  reportFile?: string;
  sarifFile?: string;
}

const VERDICT_ICON: Record<Report['verdict'], string> = { pass: '✅', fail: '❌', 'not-applicable': '➖' };

/**
 * The Markdown step summary. Every string from the scanned repository goes through `md()` (or `mermaidText()`
 * inside diagrams): it cannot open a tag, a link, a table cell, a code span or a new line.
 * Sections are self-contained, so when the size bound is hit whole sections are dropped and a note says so.
 */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_MAX_BYTES;
  const head = `### ${VERDICT_ICON[report.verdict]} Image signing audit: ${report.verdict.toUpperCase()} — ${md(report.sentence)}\n`;
  const sections: string[] = [];
  sections.push(overview(report, options));
  if (report.images.length > 0) sections.push(imagesTable(report.images));
  sections.push(policiesTable(report.enforcement));
  sections.push(...findingsSections(report.findings));
  if (report.images.length > 0) sections.push(...flowSections(report.images));
  if (report.localBuilds.length > 0) sections.push(localBuilds(report));
  if ((report.artifacts ?? []).length > 0) sections.push(artifactsSection(report));
  if (report.limits.length > 0) sections.push(limitsSection(report.limits));
  const footer = filesFooter(options);
  if (footer) sections.push(footer);

  let out = head;
  let bytes = Buffer.byteLength(out);
  const reserve = 400;
  let dropped = 0;
  for (const s of sections) {
    const size = Buffer.byteLength(s) + 1;
    if (dropped > 0 || bytes + size > maxBytes - reserve) {
      dropped++;
      continue;
    }
    out += '\n' + s;
    bytes += size;
  }
  if (dropped > 0) out += `\n> [!NOTE]\n> The summary was truncated to stay under ${Math.round(maxBytes / 1024)} KiB: ${dropped} section${dropped === 1 ? '' : 's'} left out. The report file has everything.\n`;
  return out;
}

function overview(report: Report, options: SummaryOptions): string {
  const signed = report.images.filter((i) => i.signed).length;
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.length - active.length;
  const bySeverity = (s: FindingReport['severity']): number => active.filter((f) => f.severity === s).length;
  const lines = [
    `**${report.images.length}** pushed image${report.images.length === 1 ? '' : 's'}, **${signed}** signed · ` +
      `**${active.length}** finding${active.length === 1 ? '' : 's'} (${bySeverity('error')} error, ${bySeverity('warning')} warning, ${bySeverity('note')} note)` +
      ` · **${suppressed}** suppressed`,
  ];
  if (report.repository) lines.push(`Repository: ${md(report.repository)}`);
  if (options.annotationNote) lines.push(md(options.annotationNote));
  return lines.join('  \n') + '\n';
}

function imagesTable(images: ImageReport[]): string {
  const rows = images.slice(0, IMAGE_ROWS_MAX).map((i) =>
    row([
      md(i.name) + (i.confidence !== 'high' ? ` <sub>(${i.confidence} confidence)</sub>` : ''),
      locations(i.pushes, 3),
      i.signed ? '✅ yes' : '❌ no',
      i.methods.length > 0 ? i.methods.map((m) => (m === 'attestation' ? 'attestation (equivalent)' : m)).join(', ') : '—',
      i.byDigest === true ? 'yes' : i.byDigest === false ? '⚠️ by tag' : '—',
      i.coveredBy && i.coveredBy.length > 0 ? listCell(i.coveredBy, 3) : '—',
    ]),
  );
  const more = images.length > IMAGE_ROWS_MAX ? `\n_${images.length - IMAGE_ROWS_MAX} more images are in the report file._\n` : '';
  return `#### Images\n\n| Image | Pushed at | Signed | Method | By digest | Covered by |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}\n${more}`;
}

function policiesTable(enforcement: EnforcementReport[]): string {
  const counted = enforcement.filter((e) => e.counted !== false);
  const notCounted = enforcement.length - counted.length;
  const uncounted = enforcement.filter((e) => e.counted === false);
  const reasons = uncounted
    .slice(0, POLICY_ROWS_MAX)
    .map((e) => `- ${md(e.engine)} ${md(e.kind)}/${md(e.name)} (${location(e)}): ${md(e.notCountedReason ?? 'in examples, docs or tests')}`);
  const note =
    notCounted > 0
      ? `\n<details><summary>${notCounted} polic${notCounted === 1 ? 'y' : 'ies'} not counted</summary>\n\n${reasons.join('\n')}${uncounted.length > POLICY_ROWS_MAX ? `\n- ${uncounted.length - POLICY_ROWS_MAX} more in the report file` : ''}\n\n</details>\n`
      : '';
  if (counted.length === 0) return `#### Enforcing policies\n\nNo admission policy that verifies image signatures was found.\n${note}`;
  const ordered = [...counted].sort((a, b) => Number(b.mode === 'enforce') - Number(a.mode === 'enforce'));
  const rows = ordered.slice(0, POLICY_ROWS_MAX).map((e) =>
    row([md(e.engine), `${md(e.kind)}/${md(e.name)}`, e.mode === 'enforce' ? '🛡️ enforce' : `⚠️ ${e.mode}`, location(e), e.deployedBy ? md(e.deployedBy) : '—', e.covers.length > 0 ? listCell(e.covers, 3) : '—']),
  );
  const more = ordered.length > POLICY_ROWS_MAX ? `\n_${ordered.length - POLICY_ROWS_MAX} more policies are in the report file._\n` : '';
  return `#### Enforcing policies\n\n| Engine | Policy | Mode | Where | Why it counts | Covers |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}\n${more}${note}`;
}

/** Findings grouped by rule, most severe first; the first few open, the rest collapsed; suppressed ones listed apart. */
function findingsSections(findings: FindingReport[]): string[] {
  const active = findings.filter((f) => !f.suppressed);
  const suppressed = findings.filter((f) => f.suppressed);
  const out: string[] = [];
  if (active.length === 0) out.push('#### Findings\n\nNo findings.\n');
  else {
    const ordered = [...active].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) || (a.file < b.file ? -1 : 1) || a.line - b.line);
    const shown = ordered.slice(0, FINDINGS_SHOWN);
    const rest = ordered.slice(FINDINGS_SHOWN, FINDINGS_MAX);
    out.push(`#### Findings\n\n${groupedList(shown)}`);
    if (rest.length > 0) {
      const cut = ordered.length > FINDINGS_MAX ? `\n_${ordered.length - FINDINGS_MAX} more findings are in the report file._\n` : '';
      out.push(`<details><summary>${rest.length} more finding${rest.length === 1 ? '' : 's'}</summary>\n\n${groupedList(rest)}${cut}\n</details>\n`);
    }
  }
  if (suppressed.length > 0) {
    const items = suppressed.slice(0, FINDINGS_MAX).map((f) => `- ${findingLine(f)} — suppressed (${f.suppressed!.source}): ${md(f.suppressed!.reason)}`);
    const cut = suppressed.length > FINDINGS_MAX ? `\n_${suppressed.length - FINDINGS_MAX} more are in the report file._\n` : '';
    out.push(`<details><summary>${suppressed.length} suppressed finding${suppressed.length === 1 ? '' : 's'}</summary>\n\n${items.join('\n')}\n${cut}\n</details>\n`);
  }
  return out;
}

function groupedList(findings: FindingReport[]): string {
  const groups = new Map<string, FindingReport[]>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.severity}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  let out = '';
  for (const list of groups.values()) {
    const { rule, severity } = list[0]!;
    out += `**[${rule}](${ruleHelpUri(rule)})** (${severity}, ${list.length})\n\n`;
    out += list.map((f) => `- ${findingLine(f)}`).join('\n') + '\n\n';
  }
  return out;
}

function findingLine(f: FindingReport): string {
  return `${location(f)}: ${md(f.message)}`;
}

/**
 * One Mermaid flow per group of images that share the same pipeline (push places, signing, policies), so 50
 * images pushed by one matrix job make one diagram, not 50. The first few are open, the rest collapsed.
 */
function flowSections(images: ImageReport[]): string[] {
  const groups = new Map<string, ImageReport[]>();
  for (const i of images) {
    const key = JSON.stringify([i.pushes.map(loc), i.signatures.map((s) => `${loc(s)} ${s.method}`), i.signed, i.coveredBy ?? []]);
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const all = [...groups.values()];
  const diagrams = all.slice(0, FLOWS_MAX).map(flowDiagram);
  const out = [`#### Pipeline flow\n\n${diagrams.slice(0, FLOWS_SHOWN).join('\n')}`];
  if (diagrams.length > FLOWS_SHOWN) {
    const cut = all.length > FLOWS_MAX ? `\n_${all.length - FLOWS_MAX} more flows are not drawn._\n` : '';
    out.push(`<details><summary>${diagrams.length - FLOWS_SHOWN} more flow${diagrams.length - FLOWS_SHOWN === 1 ? '' : 's'}</summary>\n\n${diagrams.slice(FLOWS_SHOWN).join('\n')}${cut}\n</details>\n`);
  }
  return out;
}

function flowDiagram(group: ImageReport[]): string {
  const first = group[0]!;
  const names = group.slice(0, 3).map((i) => mermaidText(i.name));
  if (group.length > 3) names.push(mermaidText(`and ${group.length - 3} more`));
  const lines = ['```mermaid', 'flowchart LR'];
  lines.push(`  img["${names.join('<br/>')}"]`);
  const pushes = first.pushes.slice(0, 3);
  pushes.forEach((p, n) => lines.push(`  push${n}["push<br/>${mermaidText(loc(p))}"]`, `  img --> push${n}`));
  if (first.pushes.length > 3) lines.push(`  pushMore["${mermaidText(`${first.pushes.length - 3} more push places`)}"]`, '  img --> pushMore');
  const sigs = first.signatures.slice(0, 3);
  const pushIds = pushes.length > 0 ? pushes.map((_, n) => `push${n}`) : ['img'];
  if (first.signed && sigs.length > 0) {
    sigs.forEach((s, n) => {
      lines.push(`  sign${n}["${mermaidText(s.method === 'attestation' ? 'attestation' : `sign: ${s.method}`)}<br/>${mermaidText(loc(s))}"]`);
      for (const p of pushIds) lines.push(`  ${p} --> sign${n}`);
    });
  } else {
    lines.push(`  sign0["${first.signed ? 'signed' : 'not signed'}"]:::${first.signed ? 'ok' : 'bad'}`);
    for (const p of pushIds) lines.push(`  ${p} --> sign0`);
  }
  const signIds = first.signed && sigs.length > 0 ? sigs.map((_, n) => `sign${n}`) : ['sign0'];
  const covered = first.coveredBy ?? [];
  if (covered.length > 0) {
    covered.slice(0, 2).forEach((c, n) => {
      lines.push(`  policy${n}["admission<br/>${mermaidText(c)}"]:::ok`);
      for (const s of signIds) lines.push(`  ${s} --> policy${n}`);
    });
  } else {
    lines.push('  policy0["no enforcing admission policy"]:::bad');
    for (const s of signIds) lines.push(`  ${s} -.-> policy0`);
  }
  lines.push('  classDef ok fill:#dafbe1,stroke:#1a7f37', '  classDef bad fill:#ffebe9,stroke:#cf222e', '```');
  return lines.join('\n') + '\n';
}

function artifactsSection(report: Report): string {
  const all = report.artifacts ?? [];
  const items = all.slice(0, 200).map((a) => `- ${md(a.name)} — ${a.kind === 'helm-chart' ? 'Helm chart' : 'OCI artifact'}, ${md(a.tool)} (${location(a)})${a.signatures?.length ? `; signed: ${a.signatures.map((s) => `${md(s.method)} (${location(s)})`).join(', ')}` : ''}`);
  return `<details><summary>${all.length} OCI artifact${all.length === 1 ? '' : 's'}, not images (not counted)</summary>\n\n${items.join('\n')}\n\n</details>\n`;
}

function localBuilds(report: Report): string {
  const items = report.localBuilds.slice(0, 200).map((b) => `- ${md(b.name)} — ${md(b.reason)} (${location(b)})`);
  return `<details><summary>${report.localBuilds.length} local build${report.localBuilds.length === 1 ? '' : 's'} (not counted)</summary>\n\n${items.join('\n')}\n\n</details>\n`;
}

function limitsSection(limits: string[]): string {
  const items = limits.slice(0, 100).map((l) => `- ${md(l)}`);
  return `<details><summary>${limits.length} analysis limit${limits.length === 1 ? '' : 's'}</summary>\n\n${items.join('\n')}\n\n</details>\n`;
}

function filesFooter(options: SummaryOptions): string | undefined {
  const parts: string[] = [];
  if (options.reportFile) parts.push(`JSON report: ${md(options.reportFile)}`);
  if (options.sarifFile) parts.push(`SARIF: ${md(options.sarifFile)}`);
  return parts.length > 0 ? `<sub>${parts.join(' · ')}</sub>\n` : undefined;
}

function loc(l: ReportLocation): string {
  return `${l.file}:${l.line}`;
}

function location(l: ReportLocation): string {
  return md(loc(l));
}

function locations(list: ReportLocation[], max: number): string {
  if (list.length === 0) return '—';
  const shown = list.slice(0, max).map(location).join('<br>');
  return list.length > max ? `${shown}<br>+${list.length - max} more` : shown;
}

function listCell(list: string[], max: number): string {
  const shown = list.slice(0, max).map(md).join('<br>');
  return list.length > max ? `${shown}<br>+${list.length - max} more` : shown;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

// Characters with a meaning in Markdown, GFM tables, HTML or GitHub math, replaced by numeric character references.
const MD_SPECIAL = /[&<>"'`|\\*_[\]()#!~{}$@]/g;
// Control characters, line and paragraph separators, and bidirectional overrides (which can disguise text).
const INVISIBLE = INVISIBLE_CHARS;

/**
 * Escapes text from the scanned repository for Markdown and HTML: one line, no tags, no code spans, no table
 * cell breaks, no emphasis or links, at most TEXT_MAX characters.
 */
export function md(text: string): string {
  let t = text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(INVISIBLE, '');
  if (t.length > TEXT_MAX) t = t.slice(0, TEXT_MAX) + '…';
  return t.replace(MD_SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Escapes a node label inside a quoted Mermaid label: anything but letters, digits, space, `.`, `/`, `_` and
 * `-` becomes a Mermaid entity code (`#60;`), so text cannot close the label, add nodes, add HTML or end the
 * ```` ``` ```` fence.
 */
export function mermaidText(text: string): string {
  let t = text.replace(/[\r\n\t\u2028\u2029]/g, ' ').replace(INVISIBLE, '');
  if (t.length > 80) t = t.slice(0, 80) + '...';
  return t.replace(/[^A-Za-z0-9 ./_-]/gu, (c) => `#${c.codePointAt(0)};`);
}
