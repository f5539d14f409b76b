import type { Location, RelatedLocation } from './location.js';

export type Severity = 'error' | 'warning' | 'note';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/**
 * One problem at one place. Rules build findings; renderers only read them.
 * `rule` is a rule id declared in src/rules/ (the registry checks it at test time).
 */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  location: Location;
  related: RelatedLocation[];
  /** The image the finding is about, when there is one (normalized name). */
  image?: string;
  /** Set by the suppression stage (config `ignore` or an inline comment); suppressed findings are still reported. */
  suppressed?: { reason: string; source: 'config' | 'inline'; location?: Location };
}
