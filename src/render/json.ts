import type { Report } from '../model/report.js';
import { neutralJson } from './neutral.js';

/** The versioned JSON report (see README "Report format"). Stable key order comes from the Report builder. */
export function renderJson(report: Report): string {
  // The same JSON value; only `##[` is written as `#\u0023[` so no line can be a workflow command.
  return neutralJson(JSON.stringify(report, null, 2)) + '\n';
}
