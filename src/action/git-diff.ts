import { execFile } from 'node:child_process';
import { resolveGit } from './git-path.js';

export type GitDiffResult = { ok: true; files: string[] } | { ok: false; reason: string };

/**
 * `git diff --name-only base head` in the checkout. Only the two commit ids (validated hex) reach the command
 * line, and options that could run programs configured in the repository (external diff, textconv,
 * fsmonitor, hooks) are switched off.
 */
export function gitChangedFiles(cwd: string, base: string, head: string, timeoutMs = 15_000): Promise<GitDiffResult> {
  if (!/^[0-9a-f]{7,64}$/i.test(base) || !/^[0-9a-f]{7,64}$/i.test(head)) return Promise.resolve({ ok: false, reason: 'base or head commit id is not a hex SHA' });
  const args = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', 'diff', '--no-ext-diff', '--no-textconv', '--name-only', '-z', base, head, '--'];
  // Never a bare 'git': on Windows that would run a git.exe from the checkout (git-path.ts).
  const git = resolveGit({ workspace: cwd, ...(process.env['PATH'] !== undefined ? { path: process.env['PATH'] } : {}) });
  if (!git.ok) return Promise.resolve({ ok: false, reason: `git diff not run: ${git.reason}` });
  return new Promise((resolve) => {
    execFile(git.file, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      if (err) {
        const detail = String(stderr || err.message).split('\n')[0]!.slice(0, 200);
        resolve({ ok: false, reason: `git diff failed: ${detail}` });
        return;
      }
      resolve({ ok: true, files: String(stdout).split('\0').filter(Boolean) });
    });
  });
}
