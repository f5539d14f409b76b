import type { RepoReader } from '../discover/repo.js';
import { compileGlob, isUsable, PATH_GLOB } from '../util/glob.js';
import type { IgnoreEntry } from '../config/config.js';
import { configFinding } from '../config/load.js';
import { finalizeReport } from '../engine/verdict.js';
import type { FindingReport, Report } from '../model/report.js';
import { inlineIgnoresFor } from './inline.js';

export interface SuppressionInput {
  /** `ignore:` entries of the configuration. */
  ignores: IgnoreEntry[];
  /** The scanned tree, for inline comments; absent = inline comments are not read. */
  repo?: RepoReader;
}

/**
 * Marks suppressed findings (they stay in the report, so every output can count and list them) and
 * recomputes the verdict. Config ignores win over inline ones when both apply. An inline ignore without a
 * reason is not applied and becomes a `config-error` warning at the comment.
 */
export function applySuppressions(report: Report, input: SuppressionInput): Report {
  // A glob that cannot be evaluated matches nothing, so its entry suppresses nothing (the loader already said so).
  const matcher = (glob: string | undefined): ((text: string) => boolean) | undefined => {
    if (!glob) return undefined;
    const g = compileGlob(glob, PATH_GLOB);
    return (text) => isUsable(g) && g.matches(text) === true;
  };
  const matchers = input.ignores.map((entry) => ({ entry, path: matcher(entry.path), image: matcher(entry.image) }));
  const linesByFile = new Map<string, string[] | null>();
  const linesOf = (file: string): string[] | null => {
    if (!input.repo) return null;
    let lines = linesByFile.get(file);
    if (lines === undefined) {
      const read = input.repo.read(file, { scan: true });
      lines = read.ok ? read.text.split(/\r?\n/) : null;
      linesByFile.set(file, lines);
    }
    return lines;
  };
  const extra: FindingReport[] = [];
  const reasonless = new Set<string>();
  const findings = report.findings.map((f): FindingReport => {
    if (f.suppressed) return f;
    const byConfig = matchers.find((m) => m.entry.rule === f.rule && (!m.path || m.path(f.file)) && (!m.image || (f.image !== undefined && m.image(f.image))));
    if (byConfig) return { ...f, suppressed: { reason: byConfig.entry.reason, source: 'config' } };
    // A config-error cannot be silenced by the comment it complains about.
    if (f.rule === 'config-error') return f;
    const lines = linesOf(f.file);
    if (!lines) return f;
    for (const inline of inlineIgnoresFor(lines, f.line)) {
      if (!inline.rules.includes(f.rule)) continue;
      if (!inline.reason) {
        const key = `${f.file}:${inline.line}`;
        if (!reasonless.has(key)) {
          reasonless.add(key);
          extra.push(configFinding(f.file, inline.line, `inline ignore[${inline.rules.join(',')}] has no reason, so it is not applied; write the reason after the brackets`, 'warning'));
        }
        continue;
      }
      return { ...f, suppressed: { reason: inline.reason, source: 'inline' } };
    }
    return f;
  });
  return finalizeReport({ ...report, findings: [...findings, ...extra] });
}
