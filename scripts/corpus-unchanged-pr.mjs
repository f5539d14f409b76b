// How many corpus repositories would a pull request that changes nothing fail?
//
// For each repos/<owner>+<name> of ../shared/corpus (when present) the tree is committed to a temporary git
// repository and the committed bundle dist/cli.js is run twice on it, the way the Action gates a pull request:
//   before: --fail-on fail            (the Action's default on pull requests until fail-on: new)
//   after:  --base HEAD               (fail-on: new against a base commit equal to the head)
// Exit status 1 counts as a failed check. It measures; it is not a test: it always exits 0.
//
// Usage: node scripts/corpus-unchanged-pr.mjs [--corpus DIR] [--only SUBSTRING] [--json]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
const corpus = arg('--corpus') ? resolve(arg('--corpus')) : resolve(root, '..', 'shared', 'corpus');
const only = arg('--only');
const asJson = argv.includes('--json');
const cli = join(root, 'dist', 'cli.js');

if (!existsSync(join(corpus, 'repos'))) {
  console.log(`corpus-unchanged-pr: no corpus at ${corpus}; nothing to measure.`);
  process.exit(0);
}
if (!existsSync(cli)) {
  console.log(`corpus-unchanged-pr: ${cli} is missing; run "npm run build" first.`);
  process.exit(0);
}

const GIT = ['-c', 'user.name=corpus', '-c', 'user.email=corpus@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false'];
function git(cwd, ...args) {
  const r = spawnSync('git', [...GIT, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function run(cwd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    report = undefined;
  }
  return { code: r.status, ms, report, stderr: r.stderr };
}

const remote = join(corpus, 'remote');
const dirs = readdirSync(join(corpus, 'repos'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name.includes('+') && (!only || d.name.includes(only)))
  .map((d) => d.name)
  .sort();

const rows = [];
for (const dir of dirs) {
  const labelPath = join(corpus, 'labels', `${dir}.json`);
  const label = existsSync(labelPath) ? JSON.parse(readFileSync(labelPath, 'utf8')) : {};
  const repository = label.repo ?? dir.replace('+', '/');
  const tmp = mkdtempSync(join(tmpdir(), 'isa-corpus-pr-'));
  try {
    const tree = join(tmp, 'checkout');
    cpSync(join(corpus, 'repos', dir), tree, { recursive: true });
    git(tree, 'init', '-q');
    // -f: files a committed .gitignore names are tracked in the real repository too.
    git(tree, 'add', '-A', '-f');
    git(tree, 'commit', '-q', '--allow-empty', '-m', 'head');
    const common = ['.', '--format', 'json', '--repository', repository, ...(existsSync(remote) ? ['--remote-checkouts', remote] : [])];
    const before = run(tree, [...common, '--fail-on', 'fail']);
    const after = run(tree, [...common, '--base', 'HEAD']);
    rows.push({
      repo: repository,
      verdict: before.report?.verdict ?? 'crash',
      beforeFails: before.code === 1,
      afterFails: after.code === 1,
      afterStatus: after.report?.change?.status ?? `no change (exit ${after.code})`,
      worse: (after.report?.change?.worse ?? []).map((w) => w.message),
      reason: after.report?.change?.reason,
      beforeMs: Math.round(before.ms),
      afterMs: Math.round(after.ms),
      ...(after.code !== 0 && after.code !== 1 ? { error: after.stderr.split('\n')[0] } : {}),
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const total = rows.length;
const beforeFails = rows.filter((r) => r.beforeFails).length;
const afterFails = rows.filter((r) => r.afterFails).length;
const compared = rows.filter((r) => r.afterStatus === 'compared').length;
if (asJson) {
  console.log(JSON.stringify({ total, beforeFails, afterFails, compared, rows }, null, 2));
} else {
  console.log('| repository | verdict | before: fail-on fail | after: fail-on new, base = head | ms before / after |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const after = r.afterFails ? `FAILS (${r.afterStatus}${r.worse.length ? `: ${r.worse[0]}` : r.reason ? `: ${r.reason}` : ''})` : `passes (${r.afterStatus})`;
    console.log(`| ${r.repo} | ${r.verdict} | ${r.beforeFails ? 'FAILS' : 'passes'} | ${after} | ${r.beforeMs} / ${r.afterMs} |`);
  }
  console.log('');
  console.log(`A pull request that changes nothing fails ${beforeFails} of ${total} repositories before (fail-on: fail) and ${afterFails} of ${total} after (fail-on: new; base compared in ${compared} of ${total}).`);
}
