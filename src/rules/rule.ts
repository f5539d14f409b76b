import type { Severity } from '../model/finding.js';

/**
 * A rule's identity and documentation, declared once. Findings carry only the id; renderers look the rest up
 * here (SARIF rule metadata, README rule reference, annotation titles).
 */
export interface RuleDefinition {
  id: string;
  /** Default severity of its findings. */
  severity: Severity;
  /** One line: what the rule detects. */
  description: string;
  /** Why it matters and what to do, in Markdown (SARIF `help.markdown`). */
  help: string;
  /** Short YAML snippets for the README rule reference: what triggers the rule and what satisfies it. */
  example: { bad: string; good: string };
  /** Which stage of the analysis raises it. */
  area: 'signing' | 'enforcement' | 'input' | 'configuration';
}

export const RULE_DOCS_BASE = 'https://github.com/image-signing-audit/image-signing-audit/blob/main/README.md#rule-';

export function ruleHelpUri(id: string): string {
  return RULE_DOCS_BASE + id;
}
