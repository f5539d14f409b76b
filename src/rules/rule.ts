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
  /**
   * `security`: a gap in signing or enforcement (a code-scanning security alert with a `security-severity`).
   * `tool-health`: the analysis itself could not see or read something (a typo in the configuration, a file that
   * does not parse, a part not inspected): worth fixing, but not a vulnerability, so never a High security alert.
   */
  kind: 'security' | 'tool-health';
  /** One short imperative sentence: what to do. Annotations print it after the finding's first sentence. */
  fix: string;
}

export const RULE_DOCS_BASE = 'https://github.com/image-signing-audit/image-signing-audit/blob/main/README.md#rule-';

export function ruleHelpUri(id: string): string {
  return RULE_DOCS_BASE + id;
}
