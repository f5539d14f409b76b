import { ruleFinding } from '../model/rule-finding.js';
import { analyzeAdmission } from '../admission/index.js';
import { findPrivateKeys } from '../discover/private-keys.js';
import { openRepo } from '../discover/repo.js';
import { boundFindings } from '../discover/bounds.js';
import type { Finding } from '../model/finding.js';
import { SEVERITY_ORDER } from '../model/finding.js';
import { parseImageRef } from '../model/image-ref.js';
import { compareLocations } from '../model/location.js';
import type { PushOp, SignOp } from '../model/pipeline.js';
import { REPORT_VERSION, type FindingReport, type LocalBuildReport, type Report } from '../model/report.js';
import { SIGNING_CHECKS } from '../rules/signing.js';
import { readPipelines } from '../ci/index.js';
import { RemoteSource } from '../ci/github/remote.js';
import { separateUnresolved } from './unresolved.js';
import { kindClusterRegistries } from '../discover/kind-registries.js';
import { artifactReports } from './artifacts.js';
import { judgeImages, toImageReport, toSignedImageInfo, type JudgedImage } from './judge.js';
import type { AnalyzeOptions } from './options.js';
import { finalizeReport } from './verdict.js';
import { AnalysisBudget } from '../util/budget.js';
import { compileGlob, isUsable, PATH_GLOB } from '../util/glob.js';
import { budgetFindings } from './budget-findings.js';

/**
 * The whole analysis: discover → read pipelines → judge signing → admission → findings → report.
 * Only this function and the remote fetcher do I/O; every stage below is a function over data.
 */
export async function analyze(options: AnalyzeOptions): Promise<Report> {
  const repo = options.repo ?? openRepo(options.root);
  // The shell parser loads itself on the first parse (src/shell/parser.ts); nothing to do here.
  const remote = new RemoteSource(options.remoteCheckouts, options.remoteFetcher);
  const budget = options.budget ?? new AnalysisBudget();
  const wf = await readPipelines({
    repo,
    ...(options.repository ? { repository: options.repository } : {}),
    remote,
    ephemeralRegistries: [...(options.ephemeralRegistries ?? []), ...kindClusterRegistries(repo)],
    budget,
  });
  // Config readers (goreleaser, bake) mark pushes to ephemeral registries instead of dropping them: those are
  // local builds, never images.
  const allPushes = wf.operations.filter((o): o is PushOp => o.kind === 'push');
  // Helm charts and other non-image OCI artifacts are listed apart (artifacts.ts), never judged as images.
  const separated = separateUnresolved(allPushes.filter((p) => !p.ephemeral && !p.artifact));
  const pushes = separated.pushes;
  for (const p of allPushes) {
    if (!p.ephemeral) continue;
    for (const ref of p.refs) wf.localBuilds.push({ name: ref.name, reason: `${p.tool} to ephemeral registry ${p.ephemeral}`, location: p.location });
  }
  const signs = wf.operations.filter((o): o is SignOp => o.kind === 'sign');
  const limits = [...repo.limits, ...wf.limits];

  let judged = judgeImages({ pushes, signs, jobs: wf.jobs, budget, ...(options.acceptMethods ? { acceptMethods: options.acceptMethods } : {}) });
  judged = excludeImages(judged, options.excludeImages ?? [], limits, budget);

  const findings: Finding[] = [...wf.findings, ...separated.findings];
  const privateKeys = findPrivateKeys(repo);
  for (const check of SIGNING_CHECKS) findings.push(...check({ images: judged, signs, jobs: wf.jobs, privateKeys }));

  const admission = analyzeAdmission({
    repo,
    policyRoots: options.policyRepos ?? (options.policyPaths ?? []).map((p) => openRepo(p)),
    images: judged.map((img) => toSignedImageInfo(img, signs, wf.jobs)),
    ...(options.repository ? { repository: options.repository } : {}),
    requireEnforcement: options.requireEnforcement ?? true,
    budget,
  });
  findings.push(...admission.findings);
  findings.push(...boundFindings(repo));
  limits.push(...admission.limits);
  const budgetReport = budgetFindings(budget);
  findings.push(...budgetReport.findings);
  limits.push(...budgetReport.limits);

  const images = judged.map((img) => {
    const report = toImageReport(img, signs);
    const covered = admission.coverage.get(img.name);
    return covered && covered.length ? { ...report, coveredBy: covered } : report;
  });

  for (const pattern of options.requireImages ?? []) {
    // A requirement that cannot be evaluated (or that the spent budget stopped) is not met by a guess: only the
    // exact name satisfies it, otherwise it is reported missing.
    const glob = compileGlob(pattern, PATH_GLOB);
    if (!images.some((i) => i.name === pattern || (isUsable(glob) && glob.matches(i.name, budget) === true))) {
      findings.push(
        ruleFinding('required-image-missing', `The configuration requires an image matching ${pattern}, but no pipeline was found to push it.`, { file: '.github/image-signing-audit.yml', line: 1 }, [], { image: pattern }),
      );
    }
  }

  const artifacts = artifactReports(allPushes.filter((p) => !p.ephemeral), signs);
  const report: Report = {
    version: REPORT_VERSION,
    verdict: 'not-applicable',
    sentence: '',
    ...(options.repository ? { repository: options.repository } : {}),
    images,
    localBuilds: localBuilds(wf.localBuilds, new Set(images.map((i) => i.name))),
    ...(artifacts.length ? { artifacts } : {}),
    enforcement: admission.enforcement,
    findings: sortFindings(findings).map(toFindingReport),
    limits: [...new Set(limits)],
    stats: { filesScanned: repo.files.length, workflows: wf.pipelineFiles, manifestsParsed: admission.manifestsParsed },
  };
  return finalizeReport(report);
}

/**
 * Leaves out the images the configuration excludes. An exclude pattern that cannot be evaluated (too long, an
 * unsupported glob feature, a spent budget) excludes nothing but its exact name: an exclusion only ever hides
 * findings, so an unusable one must not (fail closed). A limits line says so.
 */
function excludeImages(images: JudgedImage[], excludes: Array<{ pattern: string; reason: string }>, limits: string[], budget: AnalysisBudget): JudgedImage[] {
  if (excludes.length === 0) return images;
  const matchers = excludes.map((e) => {
    const glob = compileGlob(e.pattern, PATH_GLOB);
    if (!isUsable(glob)) limits.push(`exclude-images pattern ${e.pattern.length > 80 ? `${e.pattern.slice(0, 60)}…` : e.pattern} cannot be evaluated (${glob.unusable}); it excludes no image`);
    return { ...e, glob: isUsable(glob) ? glob : undefined };
  });
  return images.filter((img) => {
    const hit = matchers.find((m) => m.pattern === img.name || m.glob?.matches(img.name, budget) === true);
    if (budget.exhausted) budget.stopped('exclude-images matching');
    if (hit) limits.push(`${img.name} excluded by the configuration: ${hit.reason}`);
    return !hit;
  });
}

function localBuilds(builds: Array<{ name: string; reason: string; location: { file: string; line: number } }>, pushed: Set<string>): LocalBuildReport[] {
  const seen = new Set<string>();
  const out: LocalBuildReport[] = [];
  for (const b of builds) {
    // Readers report local builds as written (`acme/app:ci`); list them by normalized name like pushed images.
    const name = parseImageRef(b.name).name || b.name;
    const key = `${name}\u0000${b.location.file}:${b.location.line}`;
    if (seen.has(key) || pushed.has(name)) continue;
    seen.add(key);
    out.push({ name, reason: b.reason, file: b.location.file, line: b.location.line });
  }
  return out.sort((a, b) => compareLocations(a, b) || (a.name < b.name ? -1 : 1));
}

function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const k = `${f.rule}\u0000${f.location.file}:${f.location.line}\u0000${f.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareLocations(a.location, b.location) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

function toFindingReport(f: Finding): FindingReport {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.location.file,
    line: f.location.line,
    ...(f.image ? { image: f.image } : {}),
    ...(f.related.length ? { related: f.related } : {}),
    ...(f.suppressed ? { suppressed: { reason: f.suppressed.reason, source: f.suppressed.source } } : {}),
  };
}
