import type { RepoReader } from '../discover/repo.js';
import type { ChangeReport, Report } from '../model/report.js';
import type { Baseline } from './baseline.js';
import { compareReports } from './compare.js';

/** Audits the base tree the same way as the head and says what the head makes worse (or why it cannot). */
export async function compareWithBaseline(input: {
  head: Report;
  baseline: Baseline;
  /** The same audit as the head's, over the base commit's readers. */
  auditBase: (repo: RepoReader, policyRepos: RepoReader[]) => Promise<Report>;
  requireEnforcement: boolean;
  /** The base commit as asked for (reported when the baseline could not be loaded). */
  asked: string;
}): Promise<ChangeReport> {
  const b = input.baseline;
  if (!b.ok) return unavailableChange(b.reason, input.asked);
  const base = await input.auditBase(b.reader, b.policyRepos);
  const missing = b.missing();
  if (missing.length > 0) {
    // A base with holes would make old problems look new, or new ones old: say so and gate on the verdict.
    return unavailableChange(`${missing.length} file${missing.length === 1 ? '' : 's'} of the base commit could not be read (first: ${missing[0]})`, b.commit);
  }
  return { status: 'compared', base: b.commit, source: b.source, ...compareReports(base, input.head, { requireEnforcement: input.requireEnforcement }) };
}

export function unavailableChange(reason: string, base?: string): ChangeReport {
  return { status: 'unavailable', ...(base && /^[0-9a-f]{40,64}$/i.test(base) ? { base } : {}), reason, worse: [], other: [] };
}
