// Test harness: bundles the action entrypoint, runs it the way the runner does, and stands in for the REST API.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = process.cwd();
export const FIXTURES = join(ROOT, '__tests__', 'fixtures', 'action');

/**
 * The action bundle exactly as the runner executes it: dist/index.js. `npm test` rebuilds dist/ before the tests
 * (pretest), so this is the bundle of the sources under test; CI then checks that the committed dist/ is identical.
 */
export async function buildActionBundle(): Promise<{ file: string; dispose: () => void }> {
  return { file: join(ROOT, 'dist', 'index.js'), dispose: () => undefined };
}

export interface FakeApi {
  url: string;
  requests: Array<{ method: string; url: string; authorization?: string }>;
  close: () => Promise<void>;
}

/** A local stand-in for the GitHub REST API on 127.0.0.1; it closes itself after `lifetimeMs` at the latest. */
export async function startFakeApi(handler: (req: IncomingMessage, res: ServerResponse, base: string) => void, lifetimeMs = 60_000): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  let base = '';
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (requests.length > 500) {
      res.writeHead(503).end();
      return;
    }
    handler(req, res, base);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
  const timer = setTimeout(() => server.close(), lifetimeMs);
  timer.unref();
  return {
    url: base,
    requests,
    close: () =>
      new Promise((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface Workspace {
  dir: string;
  base?: string;
  head?: string;
  dispose: () => void;
}

const GIT = ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', [...GIT, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Copies a fixture into a temporary git repository: the base commit holds everything except `changed`, the
 * head commit adds `changed`, as a pull request would.
 */
export function makeWorkspace(fixture: string, changed: string[] = []): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'isa-ws-'));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const held = new Map<string, Buffer>();
  for (const c of changed) {
    held.set(c, readFileSync(join(dir, c)));
    rmSync(join(dir, c));
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  for (const [c, content] of held) writeFileSync(join(dir, c), content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'head');
  const head = git(dir, 'rev-parse', 'HEAD');
  return { dir, base, head, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunOptions {
  bundle: string;
  workspace: Workspace;
  inputs: Record<string, string>;
  apiUrl?: string;
  eventName?: string;
  pullNumber?: number;
  /** Overrides the payload's base/head commits. */
  base?: string;
  head?: string;
  /** Extra or overriding environment variables (e.g. PATH). */
  env?: Record<string, string>;
}

/** Runs the bundle as the runner does: INPUT_* variables (upper-cased, dashes kept), files for outputs and summary, an event payload. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'isa-run-'));
  try {
    const outputFile = join(tmp, 'output');
    const summaryFile = join(tmp, 'summary.md');
    const eventFile = join(tmp, 'event.json');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const base = options.base ?? options.workspace.base;
    const head = options.head ?? options.workspace.head;
    writeFileSync(
      eventFile,
      JSON.stringify({
        action: 'synchronize',
        number: options.pullNumber ?? 7,
        pull_request: { number: options.pullNumber ?? 7, base: { sha: base, ref: 'main', repo: { full_name: 'acme/widget' } }, head: { sha: head, ref: 'feature' } },
        repository: { full_name: 'acme/widget' },
      }),
    );
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmp,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace.dir,
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
      RUNNER_TEMP: tmp,
    };
    Object.assign(env, options.env ?? {});
    for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    const child = spawn(process.execPath, [options.bundle], { cwd: options.workspace.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (c) => {
        clearTimeout(kill);
        resolve(c ?? -1);
      });
    });
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    // The report and SARIF files live in RUNNER_TEMP unless inputs say otherwise: read them before cleanup.
    for (const key of ['report-file', 'sarif-file']) {
      const path = outputs[key];
      if (path && existsSync(path)) outputs[`${key}:content`] = readFileSync(path, 'utf8');
    }
    return { code, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Parses GITHUB_OUTPUT (`name<<delimiter` heredocs, as @actions/core writes them, or `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface ParsedCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/**
 * Reads stdout the way the runner does: `::name props::message` lines are commands, except between
 * `::stop-commands::TOKEN` and `::TOKEN::`. Leading whitespace is trimmed, as the runner does.
 */
export function runnerCommands(stdout: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  let stopToken: string | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, command, props, message] = m;
    if (command === 'stop-commands') {
      stopToken = message;
      continue;
    }
    const properties: Record<string, string> = {};
    for (const p of (props ?? '').split(',').filter(Boolean)) {
      const eq = p.indexOf('=');
      properties[p.slice(0, eq)] = unescapeProperty(p.slice(eq + 1));
    }
    out.push({ command: command!, properties, message: unescapeData(message!) });
  }
  return out;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
}
