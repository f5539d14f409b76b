// A real OCI registry for the online tests: Debian's `docker-registry` (CNCF distribution 2.8, no referrers API,
// like GHCR and Docker Hub today), started with its own configuration bound to 127.0.0.1 on a free port and a
// temporary storage directory, and stopped after. `.ci/run` installs the package.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BINARY = process.env['ISA_TEST_REGISTRY_BINARY'] || '/usr/bin/docker-registry';

export function registryAvailable(): boolean {
  return spawnSync(REGISTRY_BINARY, ['--version'], { encoding: 'utf8' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<RunningRegistry> {
  if (!registryAvailable()) throw new Error(`${REGISTRY_BINARY} is not installed: apt-get install -y docker-registry (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'isa-registry-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()).slice(-4000));
    const url = `http://127.0.0.1:${port}`;
    if (await waitUp(url, child)) {
      return {
        url,
        port,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    if (attempt === 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.slice(-1000)}`);
    }
  }
  throw new Error('unreachable');
}

async function waitUp(url: string, child: ChildProcess): Promise<boolean> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
