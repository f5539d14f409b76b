import { resolve } from 'node:path';
import { audit } from './audit/audit.js';
import { confineDir } from './discover/confine.js';
import { repositoryFromOrigin } from './discover/origin.js';
import { openRepo } from './discover/repo.js';
import { loadBaseline } from './gate/baseline.js';
import { compareWithBaseline } from './gate/change.js';
import { changeSentence } from './gate/compare.js';
import { decideGate } from './gate/fail-on.js';
import { Git } from './gate/git.js';
import type { Report } from './model/report.js';
import { neutralLine, oneLine, printable } from './render/neutral.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { dockerConfigFile, onlineHook } from './online-hook.js';
import { renderJson } from './render/json.js';
import { renderSarif } from './render/sarif.js';
import { renderText } from './render/text.js';
import { tuneV8ForOneRun } from './v8-tuning.js';

/**
 * Command-line front end: `image-signing-audit [path] [--format text|json|sarif] [--base REF] [--fail-on MODE] …`.
 * The same audit (configuration, suppressions) and the same gate as the Action. Exit 0 when the check passed,
 * 1 when it failed, 2 on usage errors.
 */
async function main(argv: string[]): Promise<number> {
  tuneV8ForOneRun(process.env);
  const parsed = parseCliArgs(argv, process.env);
  if ('error' in parsed) {
    process.stderr.write(`image-signing-audit: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Directories given on the command line resolve inside the directory they are written in (the scanned root
  // for policy paths below it, else the current directory): a symbolic link in a checkout cannot redirect them.
  const cwd = process.cwd();
  const notes: string[] = [];
  const root = confineDir(parsed.options.root, [cwd], 'path');
  if (!root.ok) {
    process.stderr.write(`image-signing-audit: ${oneLine(root.reason)}\n`);
    return 2;
  }
  const policyPaths = (parsed.options.policyPaths ?? []).filter((p) => {
    const c = confineDir(p, [parsed.options.root, cwd], '--policy-paths entry');
    if (!c.ok) notes.push(c.reason);
    return c.ok;
  });
  let remoteCheckouts = parsed.options.remoteCheckouts;
  if (remoteCheckouts) {
    const c = confineDir(remoteCheckouts, [cwd], '--remote-checkouts');
    if (!c.ok) {
      notes.push(c.reason);
      remoteCheckouts = undefined;
    }
  }
  // --repository, then GITHUB_REPOSITORY (both in parseCliArgs), then the checkout's origin remote.
  const repository = parsed.options.repository ?? repositoryFromOrigin(parsed.options.root);
  const absRoot = resolve(parsed.options.root);
  const repo = openRepo(absRoot);
  const options = { ...parsed.options, root: absRoot, repo, policyPaths: policyPaths.map((p) => resolve(p)), ...(repository ? { repository } : {}) };
  if (remoteCheckouts) options.remoteCheckouts = remoteCheckouts;
  else delete options.remoteCheckouts;

  // The base is resolved before the analysis, so a wrong --base is a usage error, not a slow one.
  let git: Git | undefined;
  if (parsed.base !== undefined) {
    const located = Git.locate(absRoot, absRoot);
    if ('error' in located) {
      process.stderr.write(`image-signing-audit: --base needs git: ${oneLine(located.error)}\n`);
      return 2;
    }
    const commit = await located.commit(parsed.base);
    if (!commit.ok) {
      process.stderr.write(`image-signing-audit: --base ${printable(parsed.base)}: ${oneLine(commit.reason)}\n`);
      return 2;
    }
    git = located;
  }

  // --confirm-online: the online stage (loaded only now) with the global fetch as its transport.
  const online = parsed.online ? onlineHook(parsed.online, (url, init) => fetch(url, init), {
        ...(dockerConfigFile(process.env) ? { dockerConfigFile: dockerConfigFile(process.env)! } : {}),
        githubApi: { url: process.env['GITHUB_API_URL'] || 'https://api.github.com', ...(process.env['GITHUB_TOKEN'] ? { token: process.env['GITHUB_TOKEN'] } : {}) },
      }) : undefined;
  const head = await audit({ options, config: parsed.config, configExplicit: parsed.configExplicit, notes, ...(online ? { online } : {}) });
  let report: Report = head.report;
  if (git && parsed.base !== undefined) {
    const baseline = await loadBaseline({ root: absRoot, head: repo, git, commit: parsed.base, policyPaths: options.policyPaths });
    for (const n of baseline.notes) process.stderr.write(neutralLine(`image-signing-audit: ${printable(n)}`) + '\n');
    const change = await compareWithBaseline({
      head: head.report,
      baseline,
      asked: parsed.base,
      requireEnforcement: options.requireEnforcement ?? true,
      auditBase: async (baseRepo, policyRepos) => (await audit({ options: { ...options, repo: baseRepo, policyRepos }, config: parsed.config, configExplicit: parsed.configExplicit })).report,
    });
    report = { ...report, change };
  }
  const render = parsed.format === 'json' ? renderJson : parsed.format === 'sarif' ? renderSarif : renderText;
  process.stdout.write(render(report));

  const decision = decideGate(report, parsed.failOn);
  // stderr, so the report on stdout stays machine-readable; said only when a gate was asked for.
  if (parsed.failOn !== 'never' || parsed.base !== undefined) {
    if (report.change) process.stderr.write(neutralLine(`image-signing-audit: change: ${printable(changeSentence(report.change))}`) + '\n');
    process.stderr.write(neutralLine(`image-signing-audit: ${decision.fail ? 'check failed' : 'check passed'} (fail-on: ${parsed.failOn}): ${printable(oneLine(decision.reason))}`) + '\n');
  }
  return decision.fail ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`image-signing-audit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
