import type { Report } from '../../src/model/report.js';

/** The compact summary fixture goldens compare: images, signatures, local builds, artifacts and findings. */
export function summarize(report: Report): unknown {
  return {
    verdict: report.verdict,
    sentence: report.sentence,
    images: report.images.map((i) => ({
      name: i.name,
      signed: i.signed,
      methods: i.methods,
      byDigest: i.byDigest,
      confidence: i.confidence,
      pushes: i.pushes.map((p) => `${p.file}:${p.line}`),
      signatures: i.signatures.map((s) => `${s.file}:${s.line} ${s.method}`),
    })),
    localBuilds: report.localBuilds.map((b) => `${b.name} (${b.reason}) ${b.file}:${b.line}`),
    ...(report.artifacts ? { artifacts: report.artifacts.map((a) => `${a.name} (${a.kind}, ${a.tool}) ${a.file}:${a.line}${(a.signatures ?? []).map((s) => ` signed ${s.method} ${s.file}:${s.line}`).join('')}`) } : {}),
    findings: report.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}${f.image ? ` [${f.image}]` : ''}`),
  };
}
