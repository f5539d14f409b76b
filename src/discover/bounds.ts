import type { Finding } from '../model/finding.js';
import { ruleFinding } from '../model/rule-finding.js';
import type { RepoReader } from './repo.js';

/** At most this many bound findings are listed one by one; the rest are summed up in one more finding. */
const MAX_BOUND_FINDINGS = 20;

/**
 * Fail closed on bounds: every pipeline file a bound kept from being read or listed (see RepoReader.boundHits)
 * is an `input-bound-exceeded` error at that file. Files only a scan touched (every YAML file for policies, key
 * candidates) stay `limits` lines, as they were.
 */
export function boundFindings(repo: RepoReader): Finding[] {
  const hits = (repo.boundHits?.() ?? []).filter((h) => h.pipeline);
  const seen = new Set<string>();
  const unique = hits.filter((h) => !seen.has(h.path) && seen.add(h.path));
  const out = unique
    .slice(0, MAX_BOUND_FINDINGS)
    .map((h) => ruleFinding('input-bound-exceeded', `${h.path} was not read (${h.reason}). It is a pipeline file, so what it pushes or signs is unknown and the check fails closed.`, { file: h.path, line: 1 }));
  const rest = unique.length - out.length;
  if (rest > 0) {
    const first = unique[MAX_BOUND_FINDINGS]!;
    out.push(ruleFinding('input-bound-exceeded', `${rest} more pipeline file${rest === 1 ? ' was' : 's were'} not read because of bounds (the first: ${first.path}, ${first.reason}).`, { file: first.path, line: 1 }));
  }
  return out;
}
