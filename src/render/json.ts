import type { Report } from '../model/report.js';

/** The versioned JSON report (see README "Report format"). Stable key order comes from the Report builder. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
