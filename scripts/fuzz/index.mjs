// `npm run fuzz -- --seconds N --seed S`: the project's fuzzer (a tool, not a test).
//
// It builds trees of many generated and mutated pipeline files (tree.mjs: seeds.mjs, generators.mjs,
// mutators.mjs, and the shared corpus when ../shared/corpus exists), runs the analysis once per tree in a warm
// child process (server.mjs: the action's whole pipeline over the current sources), and classifies what went
// wrong: crash, hang (timeout), memory blow-up (heap cap or RSS cap), output-neutrality violations (forged
// workflow commands, bidi controls), confinement (text from outside the tree through a symlink) and engine
// errors hidden in report text. After the time is up, each distinct defect is bisected to the smallest input
// and shrunk (minimize.mjs), confirmed with the real entrypoints as child processes (cli-run.mjs: dist/cli.js,
// else dist/index.js), and written to --out/<class>-<hash>/ with a README saying how to reproduce it.
//
// Exit status: 0 when nothing was found, 1 when a defect was found (confirmed, or seen and left unshrunk by
// --max-defects), 2 on usage errors.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { runAction, runCli } from './cli-run.mjs';
import { loadCorpus } from './corpus.mjs';
import { CLASSES, crashKey, defectsOf, reproduces } from './defects.mjs';
import { prepareEngine } from './engine.mjs';
import { bisectInputs, shrinkTree } from './minimize.mjs';
import { Server } from './pool.mjs';
import { DRIVER_PATH, generateTree, layout, removeDir, writeTree } from './tree.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `usage: npm run fuzz -- [options]

  --seconds N           exploration time (default 60)
  --seed S              seed; the same seed makes the same trees (default 1)
  --out DIR             where minimized reproducers go (default fuzz-findings/)
  --jobs K              trees run in parallel, one warm process each (default 1)
  --files-per-tree M    fuzzed inputs per tree (default 16)
  --cli PATH            CLI bundle used to confirm defects (default dist/cli.js; the action is its sibling index.js)
  --timeout S           seconds before a tree counts as a hang (default 20)
  --memory-mb MB        heap cap of every run (default 1024); RSS over 1.5 times it is a memory blow-up
  --minimize-seconds S  time to shrink each defect (default 120)
  --max-defects N       distinct defects shrunk and written out (default 12)
  --corpus DIR          seed corpus (default ../shared/corpus when present; --corpus none to skip it)
  --replay N            write tree N of the seed to --out/replay-<seed>-<N>/repo and exit
  --verbose             one line per tree (outcome, time, size, peak RSS)
  --ignore-class CLS    do not look for this class (repeatable): ${CLASSES.join(', ')}
`;

function parseArgs(argv) {
  const o = {
    seconds: 60,
    seed: '1',
    out: 'fuzz-findings',
    jobs: 1,
    filesPerTree: 16,
    cli: 'dist/cli.js',
    timeout: 20,
    memoryMb: 1024,
    minimizeSeconds: 120,
    maxDefects: 12,
    corpus: undefined,
    replay: undefined,
    verbose: false,
    ignore: [],
  };
  const numeric = { '--seconds': 'seconds', '--jobs': 'jobs', '--files-per-tree': 'filesPerTree', '--timeout': 'timeout', '--memory-mb': 'memoryMb', '--minimize-seconds': 'minimizeSeconds', '--max-defects': 'maxDefects', '--replay': 'replay' };
  const text = { '--seed': 'seed', '--out': 'out', '--cli': 'cli', '--corpus': 'corpus' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (a === '-h' || a === '--help') return { help: true };
    if (a === '--ignore-class') {
      const c = v ?? argv[++i];
      if (!CLASSES.includes(c)) return { error: `--ignore-class takes one of ${CLASSES.join(', ')}, got '${c}'` };
      o.ignore.push(c);
      continue;
    }
    if (a === '--verbose') {
      o.verbose = true;
      continue;
    }
    const key = numeric[a] ?? text[a];
    if (!key) return { error: `unknown option '${a}'` };
    if (v === undefined) v = argv[++i];
    if (v === undefined) return { error: `${a} needs a value` };
    if (numeric[a]) {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) return { error: `${a} takes a number, got '${v}'` };
      o[key] = n;
    } else o[key] = v;
  }
  o.jobs = Math.max(1, Math.floor(o.jobs));
  o.filesPerTree = Math.max(1, Math.floor(o.filesPerTree));
  return o;
}

const log = (s) => process.stderr.write(`fuzz: ${s}\n`);

// eslint-disable-next-line no-control-regex
const SUSPECT_TEXT = /[\u00e2\u0000-\u0008\u001b]|::|##\[/;

/** Inputs most suspect first, for the single-input bisection. */
function suspectOrder(tree, cls) {
  const score = (x) => {
    if (cls === 'neutrality' || cls === 'confinement') return (x.kind === 'symlink' ? 1e9 : 0) + (SUSPECT_TEXT.test(x.text) ? 1e8 : 0) + x.text.length;
    return x.text.length;
  };
  return tree.inputs.map((x, i) => [score(x), i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
}

/** Hangs and blow-ups: the culprit's kind, where it came from (generator, seed or corpus) and how it was grown. */
function culpritKey(input) {
  const base = input.origin.base.startsWith('corpus:') ? 'corpus' : input.origin.base;
  const grown = input.origin.ops.find((op) => /^(repeat|nest|duplicate)/.test(op));
  return `${input.kind}:${base}${grown ? `+${grown.replace(/×\d+$/, '')}` : ''}`;
}

function hashOf(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
  return h.digest('hex').slice(0, 10);
}

function describeInput(input, i, tree) {
  const file = layout({ ...tree, inputs: tree.inputs }, { driver: false }).find((f) => f.role === 'input' && f.input === i);
  return `${file ? file.path : '?'} (${input.kind}; from ${input.origin.base}${input.origin.ops.length ? `; mutated: ${input.origin.ops.join(', ')}` : ''})`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts.error) {
    process.stderr.write(`fuzz: ${opts.error}\n\n${USAGE}`);
    return 2;
  }
  const out = resolve(opts.out);
  const corpusDir = opts.corpus === 'none' ? undefined : resolve(opts.corpus ?? join(root, '..', 'shared', 'corpus'));
  const corpus = corpusDir ? loadCorpus(corpusDir) : undefined;

  if (opts.replay !== undefined) {
    const tree = generateTree(opts.seed, opts.replay, opts.filesPerTree, corpus);
    const dir = join(out, `replay-${opts.seed}-${opts.replay}`);
    removeDir(dir);
    writeTree(dir, layout(tree));
    tree.inputs.forEach((x, i) => log(`input ${i}: ${describeInput(x, i, tree)}`));
    log(`wrote ${dir}/repo`);
    return 0;
  }

  const cli = resolve(opts.cli);
  const action = join(dirname(cli), 'index.js');
  const base = mkdtempSync(join(tmpdir(), 'isa-fuzz-'));
  const servers = [];
  const cleanup = () => {
    for (const s of servers) s.kill();
    removeDir(base);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      log(`${sig}: stopping`);
      cleanup();
      process.exit(130);
    });
  }
  // The fuzzer must never hang itself: past every budget it would need, it stops.
  const watchdogMs = (opts.seconds + opts.timeout * 3 + 120 + opts.maxDefects * (opts.minimizeSeconds + 4 * opts.timeout + 30)) * 1000;
  setTimeout(() => {
    log('watchdog: the run went past every budget; stopping');
    cleanup();
    process.exit(3);
  }, watchdogMs).unref();

  try {
    const engine = await prepareEngine(root, base);
    const heapMb = opts.memoryMb;
    const rssCapMb = Math.round(opts.memoryMb * 1.5);
    const timeoutMs = opts.timeout * 1000;
    for (let k = 0; k < opts.jobs; k++) servers.push(new Server({ engineUrl: engine.url, heapMb, rssCapMb, timeoutMs }));
    await Promise.all(servers.map((s) => s.start()));
    log(`seed ${opts.seed}, ${opts.seconds} s, ${opts.jobs} job(s), ${opts.filesPerTree} files per tree; engine: ${engine.how}; corpus: ${corpus ? `${corpus.total} files in ${corpusDir}` : 'none (built-in seeds and generators only)'}`);

    // ---- exploration ----------------------------------------------------------------------------------------
    const stats = { trees: 0, inputs: 0, bytes: 0, budgetTrees: 0, started: Date.now(), msByOutcome: {}, okTrees: 0, okCpuMs: 0, okInputs: 0 };
    const found = new Map();
    // Hangs and blow-ups are told apart only once bisected to one input: several trees of each are kept.
    const PENDING_PER_CLASS = 10;
    const record = (d, tree) => {
      let f = found.get(d.key);
      if (!f) {
        f = { ...d, count: 0, trees: [] };
        found.set(d.key, f);
      }
      f.count++;
      if (f.trees.length < (d.cls === 'hang' || d.cls === 'memory' ? PENDING_PER_CLASS : 1)) f.trees.push(tree);
    };
    const deadline = Date.now() + opts.seconds * 1000;
    let nextIndex = 0;
    const slot = async (server, k) => {
      while (Date.now() < deadline) {
        const index = nextIndex++;
        const tree = generateTree(opts.seed, index, opts.filesPerTree, corpus);
        const dir = join(base, `w${k}-t${index}`);
        writeTree(dir, layout(tree));
        const result = await server.run(dir, 'repo');
        removeDir(dir);
        stats.trees++;
        stats.inputs += tree.inputs.length;
        stats.bytes += tree.inputs.reduce((n, x) => n + x.text.length, 0);
        if (result.report && result.report.budget > 0) stats.budgetTrees++;
        stats.msByOutcome[result.outcome] = (stats.msByOutcome[result.outcome] ?? 0) + result.ms;
        if (result.outcome === 'ok' && result.cpuMs !== undefined) {
          stats.okTrees++;
          stats.okCpuMs += result.cpuMs;
          stats.okInputs += tree.inputs.length;
        }
        if (opts.verbose) log(`tree ${index}: ${result.outcome} ${result.ms} ms, ${(tree.inputs.reduce((n, x) => n + x.text.length, 0) / 1024).toFixed(0)} KB, peak RSS ${Math.round(result.maxRssKb / 1024)} MB`);
        const texts = tree.inputs.map((x) => x.text);
        for (const d of defectsOf(result, texts)) {
          if (opts.ignore.includes(d.cls)) continue;
          if (!found.has(d.key)) log(`tree ${index}: ${d.cls} — ${d.key.slice(0, 140)}`);
          record(d, tree);
        }
      }
    };
    const progress = setInterval(() => {
      const s = (Date.now() - stats.started) / 1000;
      log(`${Math.round(s)} s: ${stats.trees} trees, ${stats.inputs} inputs (${(stats.trees / s).toFixed(1)} trees/s), ${found.size} distinct defect(s)`);
    }, 15_000);
    await Promise.all(servers.map((s, k) => slot(s, k)));
    clearInterval(progress);
    const exploreSeconds = (Date.now() - stats.started) / 1000;
    for (const s of servers.slice(1)) s.kill();
    const server = servers[0];

    // ---- bisect, minimize, confirm ---------------------------------------------------------------------------
    let testNo = 0;
    const runCandidate = async (tree, driver, timeout = timeoutMs) => {
      const dir = join(base, `m${testNo++}`);
      writeTree(dir, layout(tree, { driver }));
      const r = await server.run(dir, 'repo', timeout);
      removeDir(dir);
      return r;
    };
    const results = [];
    const seen = new Set();
    let notWritten = 0;
    let duplicates = 0;
    const queue = [...found.values()].sort((a, b) => CLASSES.indexOf(a.cls) - CLASSES.indexOf(b.cls));
    for (const f of queue) {
      for (const original of f.trees) {
        if (results.length >= opts.maxDefects) {
          notWritten++;
          continue;
        }
        const started = Date.now();
        let tests = 0;
        const budget = { out: () => Date.now() - started > opts.minimizeSeconds * 1000 || tests > 3000 };
        // A hang costs a whole timeout per reproducing run; minimization takes a quarter of it as the sign of
        // a hang, and the result is checked with the full timeout afterwards (below).
        const proxyMs = f.cls === 'hang' ? Math.max(3000, Math.round(timeoutMs / 4)) : timeoutMs;
        let accepted = [];
        const test = async (tree, { driver }) => {
          tests++;
          const r = await runCandidate(tree, driver, proxyMs);
          const ok = reproduces(f, r, tree.inputs.map((x) => x.text));
          if (ok && f.cls === 'hang') {
            accepted.push({ tree, driver });
            if (accepted.length > 200) accepted = accepted.filter((_, k) => k % 2 === 1 || k === accepted.length - 1);
          }
          return ok;
        };
        // A defect the same tree does not show again (a stack overflow right at the limit, a hang on a busy
        // machine) cannot be shrunk: it is confirmed and written out as found.
        const stable = await test(original, { driver: true });
        const bisected = stable ? await bisectInputs(original, test, budget, suspectOrder(original, f.cls)) : { tree: original, steps: ['not minimized: the tree did not show the defect again in the warm process'] };
        // A hang or blow-up is named by the input that causes it; several trees may share one.
        const culprit = bisected.tree.inputs.length === 1 ? bisected.tree.inputs[0] : undefined;
        const key = f.cls === 'hang' || f.cls === 'memory' ? `${f.cls}:${culprit ? culpritKey(culprit) : 'several-inputs'}` : f.key;
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        let min = stable ? await shrinkTree(bisected.tree, test, budget, bisected.steps) : { tree: original, driver: true, steps: bisected.steps };
        if (f.cls === 'hang' && accepted.length > 0) {
          const hangs = async (c) => (await runCandidate(c.tree, c.driver, timeoutMs)).outcome === 'hang';
          if (!(await hangs(accepted[accepted.length - 1]))) {
            // The latest candidate that still hangs with the full timeout (the original is known to).
            let lo = -1;
            let hi = accepted.length - 1;
            while (hi - lo > 1) {
              const mid = (lo + hi) >> 1;
              if (await hangs(accepted[mid])) lo = mid;
              else hi = mid;
            }
            const best = lo >= 0 ? accepted[lo] : { tree: original, driver: true };
            min = { tree: best.tree, driver: best.driver, steps: [...min.steps, `the smallest candidates ran under the full ${opts.timeout} s; kept candidate ${lo + 1} of ${accepted.length}`] };
          }
        }
        const confirmed = await confirm(f, min, { cli, action, base, heapMb, rssCapMb, timeoutMs });
        const written = writeFinding(out, f, key, original, min, confirmed, { seed: opts.seed, elapsed: (Date.now() - started) / 1000, tests });
        results.push({ cls: f.cls, key, dir: written, confirmed: confirmed.by, count: f.count });
        log(`${f.cls}: ${key.slice(0, 120)} → ${relative(process.cwd(), written) || written} (${confirmed.by ? `confirmed by ${confirmed.by}` : 'NOT reproduced by the CLI or the action'}; ${tests} tests, ${Math.round((Date.now() - started) / 1000)} s)`);
      }
    }

    // ---- summary --------------------------------------------------------------------------------------------
    const defects = results.filter((r) => r.confirmed);
    const unconfirmed = results.filter((r) => !r.confirmed);
    const lines = [
      `fuzz summary (seed ${opts.seed})`,
      `  trees run:        ${stats.trees} in ${exploreSeconds.toFixed(0)} s (${(stats.trees / Math.max(1, exploreSeconds)).toFixed(1)} trees/s)`,
      `  inputs tried:     ${stats.inputs} files (${(stats.inputs / Math.max(1, exploreSeconds)).toFixed(0)}/s, ${(stats.bytes / 1e6).toFixed(1)} MB)`,
      `  CPU per tree:     ${stats.okTrees ? (stats.okCpuMs / stats.okTrees).toFixed(0) : '?'} ms for trees without a defect (${stats.okCpuMs ? ((stats.okInputs * 1000) / stats.okCpuMs).toFixed(0) : '?'} inputs per CPU second; the wall-clock rate above also depends on the machine's load)`,
      `  budget stops:     ${stats.budgetTrees} trees ended with analysis-budget-exceeded (by design, not defects)`,
      `  time by outcome:  ${Object.entries(stats.msByOutcome).map(([k, ms]) => `${k} ${Math.round(ms / 1000)} s`).join(', ')}; ${servers.reduce((n, x) => n + x.restarts, 0)} restart(s) of the warm process`,
      `  distinct defects: ${defects.length}${unconfirmed.length ? ` (+${unconfirmed.length} seen only in the warm process)` : ''}`,
    ];
    for (const cls of CLASSES) {
      const mine = results.filter((r) => r.cls === cls);
      if (!mine.length) continue;
      lines.push(`  ${cls}:`);
      for (const r of mine) lines.push(`    ${r.confirmed ? '' : '(unconfirmed) '}${r.key.slice(0, 110)} ×${r.count} → ${relative(process.cwd(), r.dir) || r.dir}`);
    }
    if (duplicates > 0) lines.push(`  (${duplicates} more failing tree(s) bisected to a defect already listed)`);
    if (notWritten > 0) lines.push(`  (--max-defects ${opts.maxDefects} reached: ${notWritten} more failing tree(s) were not minimized)`);
    process.stdout.write(lines.join('\n') + '\n');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.json'), JSON.stringify({ seed: opts.seed, seconds: exploreSeconds, trees: stats.trees, inputs: stats.inputs, bytes: stats.bytes, budgetTrees: stats.budgetTrees, msByOutcome: stats.msByOutcome, okCpuMs: stats.okCpuMs, okTrees: stats.okTrees, defects: results }, null, 2) + '\n');
    // Failing trees left unshrunk by --max-defects were not confirmed, but they were seen: the run still fails.
    return defects.length > 0 || notWritten > 0 ? 1 : 0;
  } finally {
    cleanup();
  }
}

/** Runs the minimized tree (then, if needed, the original) through the real entrypoints as child processes. */
async function confirm(f, min, { cli, action, base, heapMb, rssCapMb, timeoutMs }) {
  const format = /^(neutrality|confinement):(text|sarif)/.exec(f.key)?.[2] ?? 'json';
  const attempts = [];
  for (const [label, tree, driver] of [
    ['minimized', min.tree, min.driver],
    ['original', undefined, true],
  ]) {
    const t = tree ?? f.trees[0];
    const dir = join(base, `confirm-${label}-${hashOf(f.key)}`);
    mkdirSync(dir, { recursive: true });
    writeTree(dir, layout(t, { driver }));
    const texts = t.inputs.map((x) => x.text);
    // Bundles name functions differently, so a crash matches on error and message; the action shows a
    // neutrality or confinement defect in its own outputs (log, summary, step outputs), so any of that class counts.
    const same = (r, entry) => {
      if (f.cls === 'crash' && r.outcome === 'crash') return crashKey(r.crash).split(':').slice(0, 3).join(':') === f.key.split(':').slice(0, 3).join(':');
      if (entry === 'action' && (f.cls === 'neutrality' || f.cls === 'confinement') && r.outcome === 'ok') return r.violations.some((v) => v.cls === f.cls);
      return reproduces(f, r, texts);
    };
    if (existsSync(cli)) {
      const r = await runCli({ cli, workspace: dir, path: 'repo', format, heapMb, rssCapMb, timeoutMs, scratch: base });
      attempts.push({ label, entry: `cli --format ${format}`, outcome: r.outcome, rc: r.rc, peakRssKb: r.peakRssKb, ms: r.ms });
      if (same(r, 'cli')) return { by: `dist/cli.js --format ${format} (${label} tree)`, run: r, attempts };
    }
    if (existsSync(action)) {
      const r = await runAction({ action, workspace: dir, path: 'repo', heapMb, rssCapMb, timeoutMs, scratch: base });
      attempts.push({ label, entry: 'action', outcome: r.outcome, rc: r.rc, peakRssKb: r.peakRssKb, ms: r.ms });
      if (same(r, 'action')) return { by: `dist/index.js (${label} tree)`, run: r, attempts };
    }
    removeDir(dir);
  }
  return { by: undefined, attempts };
}

function writeFinding(out, f, key, original, min, confirmed, meta) {
  const files = layout(min.tree, { driver: min.driver });
  const name = `${f.cls}-${hashOf(key, ...files.map((x) => x.path + '\0' + (x.bytes ?? x.linkTo)))}`;
  const dir = join(out, name);
  removeDir(dir);
  writeTree(dir, files);
  const culprit = min.tree.inputs.map((x, i) => `- ${describeInput(x, i, min.tree)}`).join('\n');
  const run = confirmed.run;
  const readme = `# ${f.cls}: ${key}

Reproduce (from this folder; the CLI only scans paths below its working directory):

    cd ${dir} && node ${resolve(root, 'dist', 'cli.js')} repo --format ${/:(text|sarif)/.exec(key)?.[1] ?? 'json'} --repository o/r

${/dist\/index\.js/.test(confirmed.by ?? '') ? `This one shows in the action's outputs (summary, annotations, step outputs), not the CLI: run dist/index.js with\nGITHUB_WORKSPACE=${dir} INPUT_PATH=repo INPUT_ANNOTATE=all GITHUB_STEP_SUMMARY=<file> GITHUB_OUTPUT=<file>.\n\n` : ''}Confirmed: ${confirmed.by ?? 'NO — seen only in the fuzzer\'s warm process'}${run ? ` (outcome ${run.outcome}, exit ${run.rc}, peak RSS ${run.peakRssKb ? Math.round(run.peakRssKb / 1024) + ' MB' : '?'}, ${Math.round(run.ms)} ms)` : ''}
Detail: ${f.detail}
Seen ${f.count} time(s) during the run. Found in tree ${original.index} of seed ${original.seed}: regenerate the whole tree with
\`npm run fuzz -- --seed ${original.seed} --files-per-tree ${original.inputs.length} --replay ${original.index}\`.

Inputs left after minimization${min.driver ? ` (plus the driver workflow ${DRIVER_PATH} that calls them)` : ''}:
${culprit}

Minimization (${meta.tests} runs, ${Math.round(meta.elapsed)} s): ${min.steps.join('; ') || 'nothing removed'}
${f.stack ? `\nStack (warm process):\n\n    ${f.stack.split('\n').slice(0, 14).join('\n    ')}\n` : ''}${confirmed.attempts.length ? `\nConfirmation runs: ${confirmed.attempts.map((a) => `${a.label} ${a.entry}: ${a.outcome}${a.rc !== undefined ? ` (exit ${a.rc})` : ''}`).join('; ')}\n` : ''}`;
  writeFileSync(join(dir, 'README.md'), readme);
  writeFileSync(join(dir, 'finding.json'), JSON.stringify({ cls: f.cls, key, detail: f.detail, count: f.count, seed: original.seed, tree: original.index, confirmedBy: confirmed.by ?? null, attempts: confirmed.attempts, steps: min.steps, inputs: min.tree.inputs.map((x) => ({ kind: x.kind, origin: x.origin, bytes: x.text.length })) }, null, 2) + '\n');
  return dir;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`fuzz: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 4;
  },
);
