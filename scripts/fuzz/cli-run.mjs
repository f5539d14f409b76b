// Child-process runs of the real entrypoints, to confirm what the warm server found: `node dist/cli.js <tree>
// --format json|text|sarif` and the action bundle `node dist/index.js` with INPUT_* variables, each with a heap
// cap, a timeout (the whole process group is killed) and peak RSS from /usr/bin/time (or a small wrapper that
// reads process.resourceUsage() at exit when /usr/bin/time is missing).
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { checkOutputs } from './checks.mjs';
import { OOM_TEXT } from './pool.mjs';

const TIME = '/usr/bin/time';
const MAX_STDOUT = 64 * 1024 * 1024;
const WRAPPER = `import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [file, entry, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...rest];
process.on('exit', () => { try { writeFileSync(file, String(process.resourceUsage().maxRSS) + '\\n'); } catch {} });
await import(pathToFileURL(entry).href);
`;

function spawnMeasured(scratch, entry, args, { cwd, env, heapMb, timeoutMs }) {
  const rssFile = join(scratch, `rss-${process.hrtime.bigint()}`);
  const node = [process.execPath, `--max-old-space-size=${heapMb}`];
  let argv;
  if (existsSync(TIME)) argv = [TIME, '-f', '%M', '-o', rssFile, ...node, entry, ...args];
  else {
    const wrapper = join(scratch, 'rss-wrapper.mjs');
    if (!existsSync(wrapper)) writeFileSync(wrapper, WRAPPER);
    argv = [...node, wrapper, rssFile, entry, ...args];
  }
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      if (outBytes < MAX_STDOUT) out.push(d);
      outBytes += d.length;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d.toString('utf8')).slice(-32 * 1024);
    });
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (e) => {
      stderr += `\nspawn error: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      let peakRssKb;
      try {
        const nums = readFileSync(rssFile, 'utf8').match(/^\d+$/gm);
        if (nums) peakRssKb = Number(nums[nums.length - 1]);
      } catch {
        // not written (killed before exit)
      }
      // /usr/bin/time passes the child's status on: a signal shows as 128+n or in its own message.
      const sig = signal ?? (/terminated by signal (\d+)/.exec(stderr) ? `signal ${/terminated by signal (\d+)/.exec(stderr)[1]}` : undefined);
      resolve({ code, signal: sig, timedOut, stdout: Buffer.concat(out).toString('utf8'), stdoutTruncated: outBytes > MAX_STDOUT, stderr, peakRssKb, ms: Date.now() - started });
    });
  });
}

function baseOutcome(r, rssCapMb) {
  if (r.timedOut) return { outcome: 'hang', detail: `killed after ${Math.round(r.ms / 1000)} s` };
  if (OOM_TEXT.test(r.stderr) || r.code === 134 || r.signal === 'SIGABRT' || r.signal === 'signal 6') return { outcome: 'memory', detail: 'out of memory', stderr: r.stderr.slice(-3000) };
  if (r.peakRssKb !== undefined && r.peakRssKb > rssCapMb * 1024) return { outcome: 'memory', detail: `peak RSS ${Math.round(r.peakRssKb / 1024)} MB over the ${rssCapMb} MB cap` };
  return undefined;
}

/** `node <cli> <path> --format <format> --repository o/r` from `workspace` (the CLI confines its path to the cwd). */
export async function runCli({ cli, workspace, path, format = 'json', heapMb, rssCapMb, timeoutMs, scratch }) {
  const r = await spawnMeasured(scratch, cli, [path, '--format', format, '--repository', 'o/r'], { cwd: workspace, env: { PATH: process.env.PATH ?? '', HOME: workspace }, heapMb, timeoutMs });
  const base = baseOutcome(r, rssCapMb);
  const common = { rc: r.code, signal: r.signal, peakRssKb: r.peakRssKb, ms: r.ms, stderr: r.stderr.slice(-3000) };
  if (base) return { ...common, ...base };
  if ((r.code !== 0 && r.code !== 2) || /internal error/.test(r.stderr)) return { ...common, outcome: 'crash', crash: { name: 'CliExit', message: `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`, stack: r.stderr.slice(-6000) } };
  if (r.stdoutTruncated) return { ...common, outcome: 'memory', detail: `more than ${MAX_STDOUT >> 20} MB on stdout` };
  const violations = checkOutputs({ [format]: r.stdout });
  return { ...common, outcome: 'ok', violations };
}

/** The action bundle run the way the runner runs it, with files for GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
export async function runAction({ action, workspace, path, heapMb, rssCapMb, timeoutMs, scratch }) {
  const dir = join(scratch, `action-${process.hrtime.bigint()}`);
  mkdirSync(dir, { recursive: true });
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    INPUT_PATH: path,
    INPUT_REPOSITORY: 'o/r',
    INPUT_ANNOTATE: 'all',
    'INPUT_FAIL-ON': 'never',
  };
  const r = await spawnMeasured(scratch, action, [], { cwd: workspace, env, heapMb, timeoutMs });
  const base = baseOutcome(r, rssCapMb);
  const common = { rc: r.code, signal: r.signal, peakRssKb: r.peakRssKb, ms: r.ms, stderr: r.stderr.slice(-3000) };
  if (base) return { ...common, ...base };
  if (/internal error/.test(r.stdout) || /internal error/.test(r.stderr) || (r.code !== 0 && r.code !== 1)) {
    return { ...common, outcome: 'crash', crash: { name: 'ActionExit', message: `exit ${r.code}`, stack: (r.stdout.match(/::error::.*internal error.*/)?.[0] ?? r.stderr).slice(0, 6000) } };
  }
  // Lines outside stop-commands blocks are what the runner acts on: none may be a forged command.
  const outsideBlocks = [];
  let token;
  for (const line of r.stdout.split('\n')) {
    if (token) {
      if (line === `::${token}::`) token = undefined;
      continue;
    }
    const m = /^::stop-commands::(.+)$/.exec(line);
    if (m) token = m[1];
    else outsideBlocks.push(line);
  }
  const violations = [];
  const forged = outsideBlocks.find((l) => /forged/.test(l) && (/^\s*::/.test(l) || /##\[/.test(l)) && !/^::(error|warning|notice)( [^:]*)?::.*%0A/.test(l));
  if (forged) violations.push({ cls: 'neutrality', kind: 'action-log:forged-command', detail: JSON.stringify(forged.slice(0, 160)) });
  const read = (f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  violations.push(
    ...checkOutputs({
      summary: read(summaryFile),
      json: read(join(dir, 'image-signing-audit', 'report.json')),
      sarif: read(join(dir, 'image-signing-audit', 'results.sarif')),
      commands: [],
      infos: [],
      outputs: { file: read(outputFile) ?? '' },
    }).filter((v) => !/^output:file:multi-line$/.test(v.kind)),
  );
  if (/[\u202a-\u202e\u2066-\u2069]/.test(r.stdout)) violations.push({ cls: 'neutrality', kind: 'action-log:bidi', detail: '' });
  return { ...common, outcome: 'ok', violations };
}
