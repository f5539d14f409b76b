import { acceptedUnsigned } from '../engine/verdict.js';
import { changeSentence } from '../gate/compare.js';
import { decideGate, type FailDecision, type GateItem } from '../gate/fail-on.js';
import { SEVERITY_ORDER } from '../model/finding.js';
import type { ChangeReport, EnforcementReport, FindingReport, ImageReport, Report, ReportLocation } from '../model/report.js';
import { ruleHelpUri } from '../rules/rule.js';
import { INVISIBLE_CHARS } from './neutral.js';

/** GitHub rejects step summaries over 1 MiB; stay well under it. */
export const SUMMARY_MAX_BYTES = 512 * 1024;
const FINDINGS_SHOWN = 20;
const FINDINGS_MAX = 1000;
/** Gating items shown open at the top: what fails the check must be on the first screen. */
const GATING_SHOWN = 10;
/** Image rows shown open; the rest of the table is collapsed. */
const IMAGE_ROWS_SHOWN = 20;
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
  /** The gate decision (the same one that sets the exit status); default: `fail-on: fail`. */
  gate?: FailDecision;
}

const VERDICT_ICON: Record<Report['verdict'], string> = { pass: '✅', fail: '❌', 'not-applicable': '➖' };

/**
 * The Markdown step summary, in the order people read it: the verdict and what the change does, then what fails
 * the check (errors first, by image), then the images (20 rows open), the policies, all findings and the flows.
 * Every string from the scanned repository goes through `md()` (or `mermaidText()` inside diagrams): it cannot open
 * a tag, a link, a table cell, a code span or a new line. Sections are self-contained, so when the size bound is
 * hit whole sections are dropped from the end and a note says so.
 */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_MAX_BYTES;
  const gate = options.gate ?? decideGate(report, 'fail');
  const head = `### ${VERDICT_ICON[report.verdict]} Image signing audit: ${report.verdict.toUpperCase()} — ${md(report.sentence)}\n`;
  const sections: string[] = [];
  if (gate.fallback !== undefined) sections.push(fallbackNote(gate));
  if (report.change?.status === 'compared') sections.push(changeSection(report.change));
  sections.push(gateSection(gate, report));
  sections.push(overview(report, options));
  if (report.images.length > 0) sections.push(...imagesSections(report));
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

/** `fail-on: new` without a compared base: said first, so nobody takes a verdict gate for a change gate. */
function fallbackNote(gate: FailDecision): string {
  return `> [!CAUTION]\n> **Not compared with the base commit:** ${md(gate.fallback ?? '')}. This check gates on the whole-repository verdict instead of on what the change makes worse (fail-on: new falls back to fail).\n`;
}

/** What the change does against its base, in one sentence (worse first); every item in a list when there are more. */
function changeSection(change: ChangeReport): string {
  const base = change.base ? ` ${md(change.base.slice(0, 12))}` : '';
  const from = change.source === 'api' ? 'read through the REST API' : change.source === 'git-fetch' ? 'fetched from origin' : 'from the local git objects';
  const line = `**This change** (against the base commit${base}, ${from}): ${md(changeSentence(change, 3))}.\n`;
  const items = [...change.worse.map((w) => `- ❌ ${md(w.message)}`), ...change.other.map((o) => `- ${o.kind === 'image-removed' || o.kind === 'findings-resolved' ? '➖' : '✅'} ${md(o.message)}`)];
  if (items.length <= 3) return line;
  const shown = items.slice(0, FINDINGS_MAX);
  return `${line}\n<details><summary>All ${items.length} changes</summary>\n\n${shown.join('\n')}\n${items.length > FINDINGS_MAX ? `\n_${items.length - FINDINGS_MAX} more are in the report file._\n` : ''}\n</details>\n`;
}

/** Whether the check fails, and on what: the gating items, errors first and by image, the first ones open. */
function gateSection(gate: FailDecision, report: Report): string {
  const mode = `fail-on: ${gate.effective}${gate.effective !== gate.failOn ? ` (asked: ${gate.failOn})` : ''}`;
  const status = gate.fail ? `❌ **This check fails** (${mode})` : `✅ **This check passes** (${mode})`;
  let why: string;
  if (gate.effective === 'new') why = gate.fail ? `${gate.gating.length} thing${gate.gating.length === 1 ? ' is' : 's are'} worse than the base commit.` : `nothing is worse than the base commit; the whole-repository verdict is ${report.verdict.toUpperCase()}, its findings are listed below.`;
  else if (gate.effective === 'never') why = 'the step never fails.';
  else why = gate.fail ? (report.verdict === 'fail' ? 'the verdict is FAIL.' : `unsuppressed findings at ${gate.effective} level or above.`) : `verdict ${report.verdict.toUpperCase()}.`;
  const lines = [`${status}: ${why}`];
  if (gate.gating.length === 0) return lines.join('\n') + '\n';
  const title = gate.fail ? (gate.effective === 'new' ? '#### What this change makes worse' : '#### What fails this check') : '#### What fails the verdict';
  const list = gate.gating.slice(0, FINDINGS_MAX);
  const open = list.slice(0, GATING_SHOWN).map(gateLine).join('\n');
  const rest = list.slice(GATING_SHOWN);
  const more = rest.length > 0 ? `\n<details><summary>${rest.length} more</summary>\n\n${rest.map(gateLine).join('\n')}\n${gate.gating.length > FINDINGS_MAX ? `\n_${gate.gating.length - FINDINGS_MAX} more are in the report file._\n` : ''}\n</details>\n` : '';
  return `${lines.join('\n')}\n\n${title}\n\n${open}\n${more}`;
}

function gateLine(i: GateItem): string {
  const icon = i.severity === 'error' ? '❌' : i.severity === 'warning' ? '⚠️' : 'ℹ️';
  const image = i.image !== undefined && !i.self ? `**${md(i.image)}** — ` : '';
  const where = i.file !== undefined && !i.self ? `${md(i.line !== undefined ? `${i.file}:${i.line}` : i.file)}: ` : '';
  const rule = i.rule !== undefined ? ` ([${i.rule}](${ruleHelpUri(i.rule)}))` : '';
  return `- ${icon} ${image}${where}${md(i.message)}${rule}`;
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

/** The images table: the first rows open, the rest collapsed (a matrix of 300 images must not push everything else off). */
function imagesSections(report: Report): string[] {
  const images = report.images;
  const accepted = acceptedUnsigned(report);
  const header = '| Image | Pushed at | Signed | Method | By digest | Covered by |\n| --- | --- | --- | --- | --- | --- |\n';
  const rows = images.slice(0, IMAGE_ROWS_MAX).map((i) =>
    row([
      md(i.name) + (i.confidence !== 'high' ? ` <sub>(${i.confidence} confidence)</sub>` : ''),
      locations(i.pushes, 3),
      signedCell(i, accepted.has(i.name)) + (i.online ? ` · registry: ${i.online.status}` : ''),
      i.methods.length > 0 ? i.methods.map((m) => (m === 'attestation' ? 'attestation (equivalent)' : m)).join(', ') : '—',
      i.byDigest === true ? 'yes' : i.byDigest === false ? '⚠️ by tag' : '—',
      i.coveredBy && i.coveredBy.length > 0 ? listCell(i.coveredBy, 3) : '—',
    ]),
  );
  const out = [`#### Images\n\n${header}${rows.slice(0, IMAGE_ROWS_SHOWN).join('\n')}\n`];
  const rest = rows.slice(IMAGE_ROWS_SHOWN);
  if (rest.length > 0) {
    const more = images.length > IMAGE_ROWS_MAX ? `\n_${images.length - IMAGE_ROWS_MAX} more images are in the report file._\n` : '';
    out.push(`<details><summary>${images.length - IMAGE_ROWS_SHOWN} more image${images.length - IMAGE_ROWS_SHOWN === 1 ? '' : 's'}</summary>\n\n${header}${rest.join('\n')}\n${more}\n</details>\n`);
  }
  return out;
}

function signedCell(i: ImageReport, accepted: boolean): string {
  if (i.signed) return '✅ yes';
  const partial = i.signatures.length > 0;
  const base = partial ? '⚠️ partially' : '❌ no';
  return accepted ? `${base} (suppressed)` : base;
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
  // Signed on some push paths only: the signatures in their own style, and the gap said in words.
  const partial = !first.signed && sigs.length > 0;
  if (sigs.length > 0 && (first.signed || partial)) {
    sigs.forEach((s, n) => {
      lines.push(`  sign${n}["${mermaidText(s.method === 'attestation' ? 'attestation' : `sign: ${s.method}`)}<br/>${mermaidText(loc(s))}"]${partial ? ':::partial' : ''}`);
      for (const p of pushIds) lines.push(`  ${p} --> sign${n}`);
    });
    if (partial) {
      lines.push('  gap["partially signed: not signed on every push path"]:::partial');
      for (const p of pushIds) lines.push(`  ${p} -.-> gap`);
    }
  } else {
    lines.push(`  sign0["${first.signed ? 'signed' : 'not signed'}"]:::${first.signed ? 'ok' : 'bad'}`);
    for (const p of pushIds) lines.push(`  ${p} --> sign0`);
  }
  const signIds = sigs.length > 0 && (first.signed || partial) ? sigs.map((_, n) => `sign${n}`) : ['sign0'];
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
  // Every class sets its text colour: the fills are light, and GitHub's dark theme draws labels in a light colour.
  lines.push('  classDef ok fill:#dafbe1,stroke:#1a7f37,color:#1f2328', '  classDef bad fill:#ffebe9,stroke:#cf222e,color:#1f2328');
  if (partial) lines.push('  classDef partial fill:#fff8c5,stroke:#9a6700,color:#1f2328');
  lines.push('```');
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
