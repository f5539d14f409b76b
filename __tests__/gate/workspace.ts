// Temporary git repositories with a base and a head commit, built from fixture folders with the system git.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workspace } from '../action/harness.js';

export const GATE_FIXTURES = join(process.cwd(), '__tests__', 'fixtures', 'gate');

const GIT = ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false'];

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', [...GIT, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The `base` fixture as the base commit, then each overlay fixture copied over it (and `remove` deleted) as the
 * head commit, as a pull request would change it.
 */
export function gitWorkspace(overlays: string[], options: { base?: string; remove?: string[] } = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'isa-gate-'));
  cpSync(join(GATE_FIXTURES, options.base ?? 'base'), dir, { recursive: true });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  for (const o of overlays) cpSync(join(GATE_FIXTURES, o), dir, { recursive: true });
  for (const r of options.remove ?? []) rmSync(join(dir, r), { force: true });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'head');
  const head = git(dir, 'rev-parse', 'HEAD');
  return { dir, base, head, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A shallow clone of `source` holding only its head commit (the base is missing, as after actions/checkout). */
export function shallowClone(source: Workspace, keepOrigin: boolean): Workspace {
  const parent = mkdtempSync(join(tmpdir(), 'isa-shallow-'));
  const dir = join(parent, 'checkout');
  git(parent, 'clone', '-q', '--depth', '1', `file://${source.dir}`, dir);
  if (!keepOrigin) git(dir, 'remote', 'remove', 'origin');
  return { dir, ...(source.base ? { base: source.base } : {}), ...(source.head ? { head: source.head } : {}), dispose: () => rmSync(parent, { recursive: true, force: true }) };
}
