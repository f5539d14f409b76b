import { analyzeAdmission } from '../admission/index.js';
import { openRepo } from '../discover/repo.js';
import { REPORT_VERSION, type Report } from '../model/report.js';
import type { AnalyzeOptions } from './options.js';
import { finalizeReport } from './verdict.js';

/**
 * The whole analysis: discover → read pipelines → judge signing → admission → findings → report.
 * Only this function and the remote fetcher do I/O; every stage below is a function over data.
 */
export async function analyze(options: AnalyzeOptions): Promise<Report> {
  const repo = openRepo(options.root);
  const admission = analyzeAdmission({
    repo,
    policyRoots: (options.policyPaths ?? []).map((p) => openRepo(p)),
    images: [],
    ...(options.repository ? { repository: options.repository } : {}),
    requireEnforcement: options.requireEnforcement ?? true,
  });
  const report: Report = {
    version: REPORT_VERSION,
    verdict: 'not-applicable',
    sentence: '',
    ...(options.repository ? { repository: options.repository } : {}),
    images: [],
    localBuilds: [],
    enforcement: admission.enforcement,
    findings: [],
    limits: [...repo.limits, ...admission.limits],
    stats: { filesScanned: repo.files.length, workflows: 0, manifestsParsed: admission.manifestsParsed },
  };
  return finalizeReport(report);
}
