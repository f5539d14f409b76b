import { RULES } from '../rules/index.js';

/**
 * The README's rule reference, rendered from the rule registry so that the documentation, the SARIF rule
 * metadata and the findings share one declaration per rule. The headings give GitHub's `#rule-<id>` anchors that
 * the SARIF helpUri points at.
 */
export function renderRuleReference(): string {
  const out = ['## Rule reference', ''];
  for (const rule of RULES) {
    out.push(`### Rule: \`${rule.id}\``, '');
    out.push(`**Severity:** ${rule.severity} · **Area:** ${rule.area}`, '');
    out.push(rule.description, '', rule.help, '');
    out.push('Triggers it:', '', '```yaml', rule.example.bad, '```', '', 'Satisfies it:', '', '```yaml', rule.example.good, '```', '');
  }
  return out.join('\n');
}
