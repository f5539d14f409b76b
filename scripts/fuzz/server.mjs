// The warm analysis process: a child of the fuzzer that loads the engine once and then runs the action's whole
// pipeline (config, analysis, suppressions, every renderer, annotations, summary, outputs) on one tree per
// message, with in-memory sinks. A child process rather than a worker thread: the same default stack and heap
// flags as the CLI, an out-of-memory death that only takes this process, RSS the parent can read from /proc, and
// SIGKILL stops anything, native code included. Run as: node --max-old-space-size=N server.mjs <engine-url>
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { checkOutputs } from './checks.mjs';

const engine = await import(process.argv[2]);

function peakRssKb() {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : process.resourceUsage().maxRSS;
  } catch {
    return process.resourceUsage().maxRSS;
  }
}

function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function errorInfo(e) {
  if (e instanceof Error) return { name: e.name, message: String(e.message).slice(0, 2000), stack: String(e.stack ?? '').slice(0, 6000) };
  return { name: typeof e, message: String(e).slice(0, 2000), stack: '' };
}

async function runTree({ workspace, path }) {
  const captured = { infos: [], untrusted: [], commands: [], outputs: {}, files: {}, failed: [] };
  const sinks = {
    info: (line) => captured.infos.push(line),
    untrusted: (text) => captured.untrusted.push(text),
    command: (line) => captured.commands.push(line),
    setOutput: (name, value) => {
      captured.outputs[name] = value;
    },
    writeSummary: async (markdown) => {
      captured.summary = markdown;
    },
    writeFile: (file, content) => {
      captured.files[file.endsWith('.sarif') ? 'sarif' : 'json'] = content;
    },
    setFailed: (message) => captured.failed.push(message),
  };
  const inputs = engine.parseInputs((name) => ({ path, repository: 'o/r', annotate: 'all', 'fail-on': 'never' })[name] ?? '');
  if ('error' in inputs) throw new Error(`fuzzer: bad inputs: ${inputs.error}`);
  const env = { workspace, eventName: 'push', apiUrl: 'http://127.0.0.1:9', repository: 'o/r', tempDir: workspace };
  const result = await engine.run(inputs, env, sinks);
  if (!result) throw new Error(`fuzzer: run() returned nothing (${captured.failed.join('; ')})`);
  // The text report is the last untrusted block (the CLI prints the same renderText output raw).
  const text = captured.untrusted[captured.untrusted.length - 1];
  const violations = checkOutputs({
    json: captured.files.json,
    sarif: captured.files.sarif,
    text,
    summary: captured.summary,
    commands: captured.commands,
    infos: captured.infos,
    failed: captured.failed,
    outputs: captured.outputs,
  });
  const r = result.report;
  return { violations, report: { verdict: r.verdict, images: r.images.length, findings: r.findings.length, budget: r.findings.filter((f) => f.rule === 'analysis-budget-exceeded').length } };
}

let current;
process.on('uncaughtException', (e) => {
  if (current !== undefined) process.send({ id: current, crash: { ...errorInfo(e), uncaught: true } });
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  if (current !== undefined) process.send({ id: current, crash: { ...errorInfo(e), uncaught: true } });
  process.exit(70);
});

process.on('message', async (msg) => {
  if (msg.type !== 'run') return;
  current = msg.id;
  const canReset = resetPeakRss();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let reply;
  try {
    reply = { id: msg.id, ...(await runTree(msg)) };
  } catch (e) {
    reply = { id: msg.id, crash: errorInfo(e) };
  }
  reply.ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  reply.cpuMs = (cpu.user + cpu.system) / 1000;
  reply.peakRssKb = canReset ? peakRssKb() : undefined;
  // V8 keeps the garbage of a big tree around; collect it so the parent's restart decision (RSS left over from
  // earlier trees must not count against the next one) sees what is really retained.
  if (typeof globalThis.gc === 'function' && process.memoryUsage().rss > 256 * 1024 * 1024) globalThis.gc();
  reply.rssAfterKb = Math.round(process.memoryUsage().rss / 1024);
  current = undefined;
  process.send(reply);
});

process.send({ type: 'ready' });
