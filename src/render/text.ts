import { changeSentence } from '../gate/compare.js';
import { CI_SYSTEM_NAMES, type CiSystem, type Report } from '../model/report.js';
import { neutralLine, printable } from './neutral.js';

export { printable } from './neutral.js';

/**
 * Plain-text report for terminals and logs. Everything that comes from the scanned tree goes through
 * `printable()` so control characters cannot move the cursor or forge log lines.
 */
export function renderText(report: Report): string {
  const out: string[] = [];
  out.push(`verdict: ${report.verdict}`);
  out.push(printable(report.sentence));
  if (report.repository) out.push(`repository: ${printable(report.repository)}`);
  if (report.change) {
    const c = report.change;
    out.push(c.status === 'compared' ? `change against base ${c.base ?? ''}: ${printable(changeSentence(c, 10))}` : `change: ${printable(changeSentence(c))}`);
    for (const w of c.worse) out.push(`  worse: ${printable(w.message)}`);
  }
  out.push('');
  out.push(`images (${report.images.length}):`);
  for (const img of report.images) {
    const how = img.signed ? `signed (${img.methods.join(', ')}${img.byDigest === false ? ', by tag' : img.byDigest ? ', by digest' : ''})` : 'NOT signed';
    out.push(`  ${printable(img.name)}: ${how}; confidence ${img.confidence}`);
    for (const p of img.pushes) out.push(`    pushed at ${printable(p.file)}:${p.line}${ciSuffix(p.ci)}`);
    for (const s of img.signatures) out.push(`    ${s.method} at ${printable(s.file)}:${s.line}${ciSuffix(s.ci)}`);
    for (const c of img.coveredBy ?? []) out.push(`    covered by ${printable(c)}`);
    for (const n of img.notes ?? []) out.push(`    note: ${printable(n)}`);
    if (img.online) {
      const o = img.online;
      out.push(`    registry: ${o.status} for ${printable(o.reference)}${o.digest && !o.reference.includes('@') ? ` (${o.digest})` : ''}${o.reason ? `: ${printable(o.reason)}` : ''} [${o.requests} requests, ${o.ms} ms]`);
      for (const e of o.evidence.slice(0, 10)) out.push(`      ${e.result}: ${e.format}${e.kind ? ` ${e.kind}` : ''} at ${printable(e.location)}: ${printable(e.detail)}`);
    }
  }
  if (report.localBuilds.length > 0) {
    out.push('');
    out.push(`local builds, not counted (${report.localBuilds.length}):`);
    for (const b of report.localBuilds) out.push(`  ${printable(b.name)} (${printable(b.reason)}) at ${printable(b.file)}:${b.line}`);
  }
  const artifacts = report.artifacts ?? [];
  if (artifacts.length > 0) {
    out.push('');
    out.push(`artifacts, not images (${artifacts.length}):`);
    for (const a of artifacts) {
      const signed = a.signatures?.length ? `; signatures: ${a.signatures.map((s) => `${s.method} at ${printable(s.file)}:${s.line}`).join(', ')}` : '';
      out.push(`  ${printable(a.name)} (${a.kind}, ${printable(a.tool)}) at ${printable(a.file)}:${a.line}${signed}`);
    }
  }
  out.push('');
  out.push(`enforcement (${report.enforcement.length}):`);
  for (const e of report.enforcement) {
    const counted = e.counted === false ? ', not counted' : '';
    out.push(`  ${printable(e.engine)} ${printable(e.kind)}/${printable(e.name)}: ${e.mode}${counted} at ${printable(e.file)}:${e.line}`);
    if (e.deployedBy) out.push(`    counts: ${printable(e.deployedBy)}`);
    if (e.notCountedReason) out.push(`    not counted: ${printable(e.notCountedReason)}`);
    if (e.covers.length > 0) out.push(`    covers ${e.covers.map(printable).join(', ')}`);
  }
  out.push('');
  out.push(`findings (${report.findings.length}):`);
  for (const f of report.findings) {
    const sup = f.suppressed ? ` [suppressed: ${printable(f.suppressed.reason)}]` : '';
    out.push(`  ${printable(f.file)}:${f.line}: ${f.severity}: [${f.rule}] ${printable(f.message)}${sup}`);
    for (const r of f.related ?? []) out.push(`    ${printable(r.file)}:${r.line}${r.message ? `: ${printable(r.message)}` : ''}`);
  }
  if (report.limits.length > 0) {
    out.push('');
    out.push('limits:');
    for (const l of report.limits) out.push(`  ${printable(l)}`);
  }
  // No line may be a workflow command when this runs inside a workflow (neutral.ts).
  return out.map(neutralLine).join('\n') + '\n';
}

/** Which CI system a push or signature runs in (` (GitLab CI)`); a report without the field says nothing. */
function ciSuffix(ci: CiSystem | undefined): string {
  return ci && Object.hasOwn(CI_SYSTEM_NAMES, ci) ? ` (${CI_SYSTEM_NAMES[ci]})` : '';
}
