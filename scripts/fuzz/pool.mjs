// Parent side of the warm server (server.mjs): starts it, sends one tree at a time, and turns every way a run can
// end into a result — a reply, a timeout (the server is killed: hang), RSS over the cap while running or at the
// end (killed: memory), or the server dying (out of memory, or a crash that escaped every catch).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'server.mjs');
const STDERR_TAIL = 16 * 1024;
export const OOM_TEXT = /heap out of memory|Reached heap limit|Allocation failed|FATAL ERROR: .*(?:memory|Zone)|Invalid table size|out of memory/i;

function rssKbOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class Server {
  constructor({ engineUrl, heapMb, rssCapMb, timeoutMs }) {
    this.engineUrl = engineUrl;
    this.heapMb = heapMb;
    this.rssCapKb = rssCapMb * 1024;
    this.timeoutMs = timeoutMs;
    this.child = undefined;
    this.nextId = 1;
    this.restarts = 0;
  }

  async start() {
    const child = fork(SERVER, [this.engineUrl], {
      execArgv: [`--max-old-space-size=${this.heapMb}`, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stderr = '';
    child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_TAIL);
    });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('fuzz server did not start within 120 s'));
      }, 120_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        if (m && m.type === 'ready') resolve();
        else reject(new Error('fuzz server sent something else than ready'));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`fuzz server exited while starting (code ${code}, signal ${signal}): ${this.stderr.slice(-2000)}`));
      });
    });
    child.removeAllListeners('exit');
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
  }

  kill() {
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /**
   * Runs one tree. Resolves { outcome: 'ok' | 'crash' | 'hang' | 'memory', ... }; never rejects for a tree's
   * sake (only when the server cannot be started at all).
   */
  async run(workspace, path, timeoutMs = this.timeoutMs) {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) {
      await this.start();
      this.restarts++;
    }
    const child = this.child;
    const id = this.nextId++;
    const started = Date.now();
    return new Promise((resolve) => {
      let done = false;
      let maxRssKb = 0;
      const finish = (result, killIt) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(sampler);
        child.removeListener('message', onMessage);
        child.removeListener('exit', onExit);
        if (killIt) this.kill();
        resolve({ ms: Date.now() - started, maxRssKb, ...result });
      };
      const onMessage = (m) => {
        if (!m || m.id !== id) return;
        const peak = Math.max(maxRssKb, m.peakRssKb ?? 0);
        maxRssKb = peak;
        if (m.crash) {
          // A crash that escaped to the process handlers leaves the server exiting; start a fresh one next time.
          finish({ outcome: 'crash', crash: m.crash }, !!m.crash.uncaught);
          return;
        }
        if (peak > this.rssCapKb) {
          finish({ outcome: 'memory', detail: `peak RSS ${Math.round(peak / 1024)} MB over the ${Math.round(this.rssCapKb / 1024)} MB cap` }, true);
          return;
        }
        // Garbage and caches of earlier trees stay in the server; restart it before they could count against a tree.
        const now = m.rssAfterKb ?? rssKbOf(child.pid) ?? 0;
        finish({ outcome: 'ok', violations: m.violations, report: m.report, serverMs: m.ms, cpuMs: m.cpuMs }, now > this.rssCapKb / 2);
      };
      const onExit = (code, signal) => {
        this.child = undefined;
        const tail = this.stderr.slice(-4000);
        if (OOM_TEXT.test(tail) || signal === 'SIGABRT' || code === 134) finish({ outcome: 'memory', detail: `server died out of memory (code ${code}, signal ${signal})`, stderr: tail });
        else finish({ outcome: 'crash', crash: { name: 'ProcessExit', message: `server exited (code ${code}, signal ${signal})`, stack: tail } });
      };
      const timer = setTimeout(() => finish({ outcome: 'hang', detail: `no answer within ${Math.round(timeoutMs / 1000)} s` }, true), timeoutMs);
      const sampler = setInterval(() => {
        const rss = rssKbOf(child.pid);
        if (rss === undefined) return;
        if (rss > maxRssKb) maxRssKb = rss;
        if (rss > this.rssCapKb) finish({ outcome: 'memory', detail: `RSS ${Math.round(rss / 1024)} MB over the ${Math.round(this.rssCapKb / 1024)} MB cap while running` }, true);
      }, 200);
      child.on('message', onMessage);
      child.on('exit', onExit);
      this.stderr = '';
      try {
        child.send({ type: 'run', id, workspace, path });
      } catch {
        // the channel closed: the exit handler reports it
      }
    });
  }
}
