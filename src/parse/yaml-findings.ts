import type { Finding } from '../model/finding.js';
import type { RelatedLocation } from '../model/location.js';
import { ruleFinding } from '../model/rule-finding.js';
import type { ParsedYaml } from './yaml.js';

/**
 * A pipeline file whose YAML parse a bound cut short (too many errors, nesting too deep) was not read whole: like
 * any input bound on a pipeline file, that fails the check (input-bound-exceeded), at the line where it stopped.
 * A file with ordinary syntax errors stays one parse-error finding (its first error and how many more).
 */
export function yamlBoundFinding(parsed: ParsedYaml, file: string, related: RelatedLocation[] = []): Finding | undefined {
  if (!parsed.bound) return undefined;
  return ruleFinding(
    'input-bound-exceeded',
    `${file} was not read whole (${parsed.bound.reason}). It is a pipeline file, so what it pushes or signs is unknown and the check fails closed.`,
    { file, line: parsed.bound.line },
    related,
  );
}
