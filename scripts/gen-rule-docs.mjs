// Prints the rule reference (Markdown, one section per rule) from the compiled rule registry, so the README's
// reference and the SARIF help URIs (README.md#rule-<id>) come from the same declarations.
// Usage: npx tsc -p tsconfig.test.json && node scripts/gen-rule-docs.mjs > rules.md
import { RULES } from '../build/src/rules/index.js';

const out = ['## Rule reference', ''];
for (const rule of RULES) {
  // GitHub derives the anchor #rule-<id> from this heading (the SARIF helpUri points there).
  out.push(`### Rule: \`${rule.id}\``, '');
  out.push(`**Severity:** ${rule.severity} · **Area:** ${rule.area}`, '');
  out.push(rule.description, '', rule.help, '');
  out.push('Triggers it:', '', '```yaml', rule.example.bad, '```', '', 'Satisfies it:', '', '```yaml', rule.example.good, '```', '');
}
process.stdout.write(out.join('\n'));
