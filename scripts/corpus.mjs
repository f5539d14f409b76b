// `npm run corpus`: measures accuracy on the hand-labelled corpus in ../shared/corpus (when present).
// For each repos/<owner>+<name> it runs the committed bundle dist/cli.js as a subprocess and compares the JSON
// report with labels/<owner>+<name>.json: image names, signed counts, signing category, enforcement, wall time,
// and a second table of what the categories hide (images found, spurious names, wrong method, wrong by-digest).
// It measures; it is not a test: it always exits 0.
//
// Usage: node scripts/corpus.mjs [--json] [--names] [--corpus DIR] [--only SUBSTRING]
//   --names  also print the candidate names extracted from each label (to check the matching).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const asJson = argv.includes('--json');
const showNames = argv.includes('--names');
const corpusArg = argv.indexOf('--corpus');
const corpus = corpusArg >= 0 && argv[corpusArg + 1] ? resolve(argv[corpusArg + 1]) : resolve(root, '..', 'shared', 'corpus');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? argv[onlyArg + 1] : undefined;
const cli = join(root, 'dist', 'cli.js');

if (!existsSync(join(corpus, 'repos'))) {
  console.log(`corpus: no corpus at ${corpus} (expected repos/ and labels/ there); nothing to measure.`);
  process.exit(0);
}
if (!existsSync(cli)) {
  console.log(`corpus: ${cli} is missing; run "npm run build" first.`);
  process.exit(0);
}

// ---- names -------------------------------------------------------------------------------------------------

/** Same rules as src/model/image-ref.ts normalizeImageName (kept in sync by hand: scripts run without a build). */
function normalizeImageName(name) {
  let n = name.trim().replace(/\/+$/, '');
  if (!n) return n;
  const firstSlash = n.indexOf('/');
  const first = firstSlash >= 0 ? n.slice(0, firstSlash) : n;
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || /[$<{]/.test(first);
  if (!looksLikeHost) n = firstSlash >= 0 ? `docker.io/${n}` : `docker.io/library/${n}`;
  else if (/^(index\.)?docker\.io$/i.test(first) || /^registry-1\.docker\.io$/i.test(first)) {
    n = firstSlash >= 0 ? `docker.io/${n.slice(firstSlash + 1)}` : n;
    if (!n.slice('docker.io/'.length).includes('/')) n = `docker.io/library/${n.slice('docker.io/'.length)}`;
  }
  return n.toLowerCase();
}

/** Drops a trailing `:tag` / `@digest` from a reference. */
function stripTag(ref) {
  let r = ref.replace(/@.*$/, '');
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  if (colon > slash) r = r.slice(0, colon);
  return r;
}

/**
 * Candidate registry/repository names in a label's free-text `name`: the text after `->` / `=` / `i.e.` / `default`,
 * comma-separated names, `name (docker.io)`. GitHub context expressions are resolved from the repository name.
 */
function labelCandidates(text, repository) {
  const [owner, name] = repository.split('/');
  let t = text
    .replace(/\$\{\{\s*github\.repository_owner\s*\}\}/g, owner)
    .replace(/\$\{\{\s*github\.repository\s*\}\}/g, repository)
    .replace(/\$\{\{\s*github\.event\.repository\.name\s*\}\}/g, name);
  const out = new Set();
  // `fluxcd/flux-cli (docker.io)`: the registry is given after the name.
  const hinted = /^\s*([a-z0-9][\w.-]*\/[\w./-]+)\s*\((docker\.io|ghcr\.io|quay\.io)[^)]*\)/i.exec(t);
  if (hinted) out.add(normalizeImageName(`${hinted[2]}/${stripTag(hinted[1])}`));
  // Remove unresolved template parts so they do not glue onto neighbouring tokens.
  t = t.replace(/\$\{\{[^}]*\}\}|\{\{[^}]*\}\}|\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|<[^>]*>/g, ' \u0000 ');
  const tokenRe = /(?:^|[\s,(=>])([a-z0-9][a-z0-9._-]*(?::\d+)?(?:\/[a-z0-9._-]+)+(?::[\w.-]+)?)/gi;
  for (let m = tokenRe.exec(t); m; m = tokenRe.exec(t)) {
    const token = m[1];
    if (/\.(ya?ml|sh|json|mk|md)(:|$)/i.test(token) || /^(internal|pkg|cmd|hack|scripts?)\//.test(token)) continue;
    out.add(normalizeImageName(stripTag(token)));
  }
  return [...out];
}

// ---- categories --------------------------------------------------------------------------------------------

/**
 * all signed: every image is signed on every push path; none signed: no image gets any signature on any path;
 * partially signed: everything in between (some images, or some push paths of an image). The same definition is
 * applied to labels and to reports, so an image signed on its release path but pushed unsigned elsewhere makes
 * the repository "partially signed" on both sides.
 */
function category(total, fullySigned, anySignature) {
  if (total === 0) return 'nothing pushed';
  if (fullySigned === total) return 'all signed';
  if (anySignature === 0) return 'none signed';
  return 'partially signed';
}

/** Labels: some push path gets a signature (or an attestation). */
function labelHasSignature(img) {
  return img.signed === true || img.method === 'attestation-only';
}

/** Labels: signed means a signature (or an attestation) on every push path. */
function labelSigned(img) {
  if (img.method === 'attestation-only') return true;
  return img.signed === true && img.signed_on_all_push_paths !== false;
}

/**
 * The enforcement categories a label accepts. `enforcement_category` (a string or a list of `enforce`, `audit`,
 * `none`) states it; without it the corpus README's rule applies with its old binary meaning (enforce vs not
 * enforce): the labels whose summary says "yes" (kyverno+policies, connaisseur, github-signing-demo) expect
 * `enforce`, every other label accepts anything but `enforce`.
 */
function labelEnforcement(label) {
  const ec = label.enforcement_category;
  if (ec !== undefined && ec !== null) {
    const list = (Array.isArray(ec) ? ec : [ec]).map((v) => String(v).trim().toLowerCase());
    return { accepts: list, shown: list.join('|') };
  }
  const summary = String(label.admission_enforcement_summary ?? 'none').trim().toLowerCase();
  return summary.startsWith('yes') ? { accepts: ['enforce'], shown: 'enforce' } : { accepts: ['audit', 'none'], shown: 'not enforce' };
}

/** enforce if any counted policy enforces, else audit if any counted policy is advisory (audit/warn/dryrun), else none. */
function detectedEnforcement(report) {
  const counted = (report.enforcement ?? []).filter((e) => e.counted !== false);
  if (counted.some((e) => e.mode === 'enforce')) return 'enforce';
  if (counted.length) return 'audit';
  return 'none';
}

/** Label methods ("goreleaser+cosign-keyless", "attestation-only") in the report's vocabulary. */
function labelMethods(method) {
  if (typeof method !== 'string' || !method.trim()) return [];
  return method.split('+').map((m) => {
    const t = m.trim().toLowerCase();
    if (t === 'attestation-only') return 'attestation';
    if (t === 'goreleaser') return 'goreleaser-cosign';
    return t;
  });
}

/** Agreement of methods: the label's and the report's sets share a method (goreleaser drives cosign). */
function methodsAgree(labelled, detected) {
  const d = new Set(detected);
  if (d.has('goreleaser-cosign')) d.add('cosign-keyless').add('cosign-key');
  if (d.has('cosign-attest')) d.add('attestation');
  return labelled.some((m) => d.has(m));
}

// ---- run ---------------------------------------------------------------------------------------------------

const labelsDir = join(corpus, 'labels');
const remote = join(corpus, 'remote');
const repos = readdirSync(join(corpus, 'repos'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name.includes('+') && (!only || d.name.includes(only)))
  .map((d) => d.name)
  .sort();

const rows = [];
for (const dir of repos) {
  const labelPath = join(labelsDir, `${dir}.json`);
  if (!existsSync(labelPath)) continue;
  const label = JSON.parse(readFileSync(labelPath, 'utf8'));
  const repository = label.repo ?? dir.replace('+', '/');
  const args = [cli, join(corpus, 'repos', dir), '--format', 'json', '--repository', repository];
  if (existsSync(remote)) args.push('--remote-checkouts', remote);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let report;
  let crash;
  if (r.error) crash = r.error.message;
  else if (r.status !== 0) crash = `exit ${r.status}: ${(r.stderr || '').split('\n').slice(0, 3).join(' ')}`;
  else {
    try {
      report = JSON.parse(r.stdout);
    } catch (e) {
      crash = `output is not JSON: ${e.message}`;
    }
  }
  const images = report?.images ?? [];
  const detectedNames = new Set(images.map((i) => i.name.toLowerCase()));
  const labelImages = label.images ?? [];
  const expectedSigned = labelImages.filter(labelSigned).length;
  const candidates = labelImages.map((img) => ({ name: img.name, candidates: labelCandidates(img.name, repository) }));
  if (showNames && !asJson) for (const c of candidates) console.log(`${repository}: ${c.name}\n    -> ${c.candidates.join(', ')}`);
  const found = candidates.filter((c) => c.candidates.some((n) => detectedNames.has(n)));
  // Per labelled image that was found: the detected image(s) it names, to compare method and by-digest.
  const byName = new Map(images.map((i) => [i.name.toLowerCase(), i]));
  const wrongMethod = [];
  const wrongDigest = [];
  let methodCompared = 0;
  let digestCompared = 0;
  for (const [k, c] of candidates.entries()) {
    const lab = labelImages[k];
    const detected = c.candidates.map((n) => byName.get(n)).filter(Boolean);
    if (detected.length === 0) continue;
    const lm = labelMethods(lab.method);
    const dm = [...new Set(detected.flatMap((d) => d.methods ?? []))];
    if (lm.length > 0 && dm.length > 0) {
      methodCompared++;
      if (!methodsAgree(lm, dm)) wrongMethod.push(`${c.name.slice(0, 60)}: label ${lm.join('+')}, detected ${dm.join('+')}`);
    }
    const dd = detected.map((d) => d.byDigest).filter((v) => v === true || v === false);
    if (typeof lab.by_digest === 'boolean' && dd.length > 0) {
      digestCompared++;
      if (!dd.includes(lab.by_digest)) wrongDigest.push(`${c.name.slice(0, 60)}: label ${lab.by_digest}, detected ${dd[0]}`);
    }
  }
  const missing = candidates.filter((c) => !found.includes(c)).map((c) => c.name);
  const allCandidates = new Set(candidates.flatMap((c) => c.candidates));
  const extra = [...detectedNames].filter((n) => !allCandidates.has(n));
  const expCat = category(labelImages.length, expectedSigned, labelImages.filter(labelHasSignature).length);
  const signedCount = images.filter((i) => i.signed).length;
  const gotCat = report ? category(images.length, signedCount, images.filter((i) => i.signed || (i.signatures ?? []).length > 0).length) : 'crash';
  const expEnf = labelEnforcement(label);
  const gotEnf = report ? detectedEnforcement(report) : 'crash';
  rows.push({
    repository,
    expectedCategory: expCat,
    detectedCategory: gotCat,
    categoryAgrees: expCat === gotCat,
    expectedImages: labelImages.length,
    detectedImages: images.length,
    expectedSigned,
    detectedSigned: signedCount,
    labelledFound: found.length,
    missing,
    extra,
    expectedEnforcement: expEnf.shown,
    acceptedEnforcement: expEnf.accepts,
    detectedEnforcement: gotEnf,
    enforcementAgrees: expEnf.accepts.includes(gotEnf),
    spurious: extra.length,
    methodCompared,
    wrongMethod,
    digestCompared,
    wrongDigest,
    verdict: report?.verdict,
    expectedVerdict: label.expected_verdict,
    expectedVerdictLenient: label.expected_verdict_lenient,
    ms: Math.round(ms),
    ...(crash ? { crash } : {}),
  });
}

const totals = {
  repositories: rows.length,
  categoriesAgree: rows.filter((r) => r.categoryAgrees).length,
  labelledImages: rows.reduce((a, r) => a + r.expectedImages, 0),
  labelledFound: rows.reduce((a, r) => a + r.labelledFound, 0),
  extraNames: rows.reduce((a, r) => a + r.extra.length, 0),
  enforcementAgrees: rows.filter((r) => r.enforcementAgrees).length,
  methodCompared: rows.reduce((a, r) => a + r.methodCompared, 0),
  wrongMethod: rows.reduce((a, r) => a + r.wrongMethod.length, 0),
  digestCompared: rows.reduce((a, r) => a + r.digestCompared, 0),
  wrongDigest: rows.reduce((a, r) => a + r.wrongDigest.length, 0),
  crashes: rows.filter((r) => r.crash).length,
  totalMs: rows.reduce((a, r) => a + r.ms, 0),
};

if (asJson) {
  process.stdout.write(`${JSON.stringify({ corpus, rows, totals }, null, 2)}\n`);
  process.exit(0);
}

const header = ['repository', 'expected', 'detected', 'cat', 'images e/d', 'signed e/d', 'found', 'extra', 'enforcement e/d', 'enf', 'ms'];
const table = rows.map((r) => [
  r.repository,
  r.expectedCategory,
  r.detectedCategory,
  r.categoryAgrees ? 'ok' : 'DIFF',
  `${r.expectedImages}/${r.detectedImages}`,
  `${r.expectedSigned}/${r.detectedSigned}`,
  `${r.labelledFound}/${r.expectedImages}`,
  String(r.extra.length),
  `${r.expectedEnforcement}/${r.detectedEnforcement}`,
  r.enforcementAgrees ? 'ok' : 'DIFF',
  String(r.ms),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`corpus: ${corpus}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log('');
console.log('what the categories hide:');
const header2 = ['repository', 'images found/labelled', 'spurious', 'method wrong/compared', 'by-digest wrong/compared'];
const table2 = rows.map((r) => [r.repository, `${r.labelledFound}/${r.expectedImages}`, String(r.spurious), `${r.wrongMethod.length}/${r.methodCompared}`, `${r.wrongDigest.length}/${r.digestCompared}`]);
table2.push([
  'total',
  `${totals.labelledFound}/${totals.labelledImages}`,
  String(totals.extraNames),
  `${totals.wrongMethod}/${totals.methodCompared}`,
  `${totals.wrongDigest}/${totals.digestCompared}`,
]);
const widths2 = header2.map((h, i) => Math.max(h.length, ...table2.map((row) => row[i].length)));
const line2 = (cells) => cells.map((c, i) => c.padEnd(widths2[i])).join('  ');
console.log(line2(header2));
console.log(widths2.map((w) => '-'.repeat(w)).join('  '));
for (const row of table2) console.log(line2(row));
console.log('');
for (const r of rows) {
  const notes = [];
  if (r.crash) notes.push(`CRASH ${r.crash}`);
  if (r.missing.length) notes.push(`missing: ${r.missing.join(' | ')}`);
  if (r.extra.length) notes.push(`extra: ${r.extra.join(', ')}`);
  if (r.wrongMethod.length) notes.push(`wrong method: ${r.wrongMethod.join(' | ')}`);
  if (r.wrongDigest.length) notes.push(`wrong by-digest: ${r.wrongDigest.join(' | ')}`);
  if (!r.enforcementAgrees) notes.push(`enforcement: label accepts ${r.acceptedEnforcement.join('|')}, detected ${r.detectedEnforcement}`);
  if (notes.length) console.log(`${r.repository}\n  ${notes.join('\n  ')}`);
}
console.log('');
console.log(`categories agree: ${totals.categoriesAgree}/${totals.repositories}`);
console.log(`labelled images found: ${totals.labelledFound}/${totals.labelledImages}; extra detected names: ${totals.extraNames}`);
console.log(`enforcement agrees: ${totals.enforcementAgrees}/${totals.repositories}`);
console.log(`method wrong: ${totals.wrongMethod}/${totals.methodCompared} compared; by-digest wrong: ${totals.wrongDigest}/${totals.digestCompared} compared`);
console.log(`crashes: ${totals.crashes}; total wall time ${totals.totalMs} ms`);
process.exit(0);
