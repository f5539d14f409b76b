import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';

export type GitLocation = { ok: true; file: string } | { ok: false; reason: string };

export interface ResolveGitInput {
  /** The checkout (GITHUB_WORKSPACE): nothing below it may be run. */
  workspace: string;
  /** PATH as the process has it. */
  path?: string;
  platform?: NodeJS.Platform;
}

/**
 * The absolute path of the `git` to run, from PATH directories outside the workspace. A bare `git` is not safe
 * to hand to execFile with `cwd` in the checkout: Windows looks for the program in the current directory
 * first (so a `git.exe` committed to the pull request would run), and an empty or relative PATH entry does the
 * same on every platform. Only absolute PATH entries whose real path is outside the workspace count; on Windows
 * only `git.exe` (a .cmd or .bat would need a shell).
 */
export function resolveGit(input: ResolveGitInput): GitLocation {
  const platform = input.platform ?? process.platform;
  // Paths are the host's (node:path is win32 on Windows); the platform decides the separator and the names.
  const p = nodePath;
  const names = platform === 'win32' ? ['git.exe'] : ['git'];
  const workspace = realOrSelf(p.resolve(input.workspace), p);
  const skipped: string[] = [];
  for (const dir of (input.path ?? '').split(platform === 'win32' ? ';' : ':')) {
    const entry = dir.replace(/^"(.*)"$/, '$1');
    if (!entry || !p.isAbsolute(entry)) {
      if (entry || dir === '') skipped.push(entry ? `relative PATH entry '${entry}'` : 'empty PATH entry');
      continue;
    }
    for (const name of names) {
      const candidate = p.join(entry, name);
      let real: string;
      try {
        if (!statSync(candidate).isFile()) continue;
        if (platform !== 'win32') accessSync(candidate, constants.X_OK);
        real = realpathSync(candidate);
      } catch {
        continue;
      }
      if (inside(workspace, realOrSelf(entry, p), p) || inside(workspace, real, p)) {
        skipped.push(`${candidate} (inside the workspace)`);
        continue;
      }
      return { ok: true, file: candidate };
    }
  }
  return { ok: false, reason: `no git found on PATH outside the workspace${skipped.length ? ` (skipped: ${[...new Set(skipped)].slice(0, 3).join(', ')})` : ''}` };
}

function realOrSelf(path: string, p: typeof nodePath): string {
  try {
    return realpathSync(path);
  } catch {
    return p.resolve(path);
  }
}

function inside(root: string, path: string, p: typeof nodePath): boolean {
  const rel = p.relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
}
