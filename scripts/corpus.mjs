// `npm run corpus`: measures accuracy on the hand-labelled corpus in ../shared/corpus (when present).
// For each repos/<owner>+<name> it runs the committed bundle dist/cli.js as a subprocess and compares the JSON
// report with labels/<owner>+<name>.json: image names, signed counts, signing category, enforcement, wall time.
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

function labelEnforcement(label) {
  const summary = String(label.admission_enforcement_summary ?? 'none').trim().toLowerCase();
  return summary.startsWith('yes') ? 'enforce' : 'none';
}

function detectedEnforcement(report) {
  const counted = (report.enforcement ?? []).filter((e) => e.counted !== false);
  if (counted.some((e) => e.mode === 'enforce')) return 'enforce';
  if (counted.length) return [...new Set(counted.map((e) => e.mode))].join('+');
  return 'none';
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
    expectedEnforcement: expEnf,
    detectedEnforcement: gotEnf,
    enforcementAgrees: (expEnf === 'enforce') === (gotEnf === 'enforce'),
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
for (const r of rows) {
  const notes = [];
  if (r.crash) notes.push(`CRASH ${r.crash}`);
  if (r.missing.length) notes.push(`missing: ${r.missing.join(' | ')}`);
  if (r.extra.length) notes.push(`extra: ${r.extra.join(', ')}`);
  if (notes.length) console.log(`${r.repository}\n  ${notes.join('\n  ')}`);
}
console.log('');
console.log(`categories agree: ${totals.categoriesAgree}/${totals.repositories}`);
console.log(`labelled images found: ${totals.labelledFound}/${totals.labelledImages}; extra detected names: ${totals.extraNames}`);
console.log(`enforcement agrees: ${totals.enforcementAgrees}/${totals.repositories}`);
console.log(`crashes: ${totals.crashes}; total wall time ${totals.totalMs} ms`);
process.exit(0);
