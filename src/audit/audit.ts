import { configToAnalyzeOptions, loadConfig, locateRequiredImageFindings } from '../config/load.js';
import type { RepoReader } from '../discover/repo.js';
import { analyze } from '../engine/analyze.js';
import type { AnalyzeOptions } from '../engine/options.js';
import type { Report } from '../model/report.js';
import { applySuppressions } from '../suppress/index.js';

/**
 * One audit of one tree as the Action and the CLI both run it: the configuration file, the analysis, the
 * configuration's own findings, and the suppressions (config `ignore` entries and inline comments). The base
 * commit of `fail-on: new` is audited the same way, with its own configuration and comments.
 */
export interface AuditInput {
  /** Analysis options; `repo` is the tree (the checkout, or the base commit's view of it). */
  options: AnalyzeOptions & { repo: RepoReader };
  /** Configuration file, relative to the tree. */
  config: string;
  /** The file was named explicitly, so a missing file is a config-error. */
  configExplicit: boolean;
  /** Lines put first in the report's limits (path inputs that were refused). */
  notes?: string[];
  /**
   * The online confirmation (src/online/), when asked for: given the analysed report, returns it with what the
   * registry serves. Runs before the suppressions, so its findings can be suppressed like any other.
   */
  online?: (report: Report) => Promise<Report>;
}

export interface AuditResult {
  report: Report;
  /** The configuration file that was read, when one was. */
  configFile?: string;
}

export async function audit(input: AuditInput): Promise<AuditResult> {
  const repo = input.options.repo;
  const loaded = loadConfig(repo, input.config, input.configExplicit);
  const analyzed = await analyze({ ...input.options, ...configToAnalyzeOptions(loaded.config) });
  const fetchFailures = (input.options.remoteFetcher?.failures ?? []).filter((f) => !analyzed.limits.includes(f));
  const confirmed = input.online ? await input.online(analyzed) : analyzed;
  const report = applySuppressions(
    { ...confirmed, findings: [...locateRequiredImageFindings(confirmed.findings, loaded), ...loaded.findings], limits: [...(input.notes ?? []), ...confirmed.limits, ...fetchFailures] },
    { ignores: loaded.config.ignore, repo },
  );
  return { report, ...(loaded.file ? { configFile: loaded.file } : {}) };
}
