import { compareLocations } from '../model/location.js';
import type { PushOp, SignOp } from '../model/pipeline.js';
import type { ArtifactReport } from '../model/report.js';

/**
 * Non-image OCI artifacts (Helm charts, files and SBOMs pushed with oras, flux artifacts), one entry per name and
 * push site, with the signing operations that name them. They are listed apart and never judged as images.
 * An `oras attach` entry carries its subject's name (the artifact is a referrer of that image).
 */
export function artifactReports(pushes: PushOp[], signs: SignOp[]): ArtifactReport[] {
  const seen = new Set<string>();
  const out: ArtifactReport[] = [];
  for (const p of pushes) {
    if (!p.artifact) continue;
    for (const ref of p.refs) {
      const key = `${ref.name}\u0000${p.location.file}:${p.location.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // `oras attach X` stores a referrer of image X: X's own signatures do not sign it.
      const signatures = p.tool === 'oras attach' ? [] : signs
        .filter((s) => s.refs.some((r) => r.name === ref.name))
        .map((s) => ({ file: s.location.file, line: s.location.line, method: s.method }))
        .filter((s, i, all) => all.findIndex((o) => o.file === s.file && o.line === s.line && o.method === s.method) === i);
      out.push({ name: ref.name, kind: p.artifact, tool: p.tool, file: p.location.file, line: p.location.line, ...(signatures.length ? { signatures } : {}) });
    }
  }
  return out.sort((a, b) => compareLocations(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
