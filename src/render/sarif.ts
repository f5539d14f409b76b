import type { Report } from '../model/report.js';

/** Placeholder until the action-surface issue lands: a minimal SARIF 2.1.0 log. */
export function renderSarif(report: Report): string {
  return JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [{ tool: { driver: { name: 'image-signing-audit', rules: [] } }, results: report.findings.map((f) => ({ ruleId: f.rule, message: { text: f.message } })) }] }, null, 2) + '\n';
}
