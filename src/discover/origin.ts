import { closeSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The GitHub repository (`owner/name`) a checkout's `origin` remote names, read from the git configuration as
 * text — no git is run. Used by the CLI when neither --repository nor GITHUB_REPOSITORY says it. Undefined when
 * there is no repository, no origin, or origin is not on github.com.
 */
export function repositoryFromOrigin(start: string): string | undefined {
  const gitDir = findGitDir(start);
  if (!gitDir) return undefined;
  // A linked work tree's own directory points at the shared one, which holds the config.
  const common = readSmall(join(gitDir, 'commondir'), 4096)?.trim();
  const configDir = common ? (isAbsolute(common) ? common : resolve(gitDir, common)) : gitDir;
  const config = readSmall(join(configDir, 'config'), 1024 * 1024);
  if (config === undefined) return undefined;
  const url = originUrl(config);
  return url === undefined ? undefined : githubRepository(url);
}

const MAX_LEVELS = 64;

function findGitDir(start: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(start);
  } catch {
    return undefined;
  }
  for (let i = 0; i < MAX_LEVELS; i++) {
    const candidate = join(dir, '.git');
    try {
      const st = lstatSync(candidate);
      if (st.isDirectory()) return candidate;
      if (st.isFile()) {
        // `gitdir: <path>` (a linked work tree or a submodule).
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readSmall(candidate, 4096) ?? '');
        return m ? (isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!)) : undefined;
      }
    } catch {
      // not here: one level up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The first `url` of `[remote "origin"]` in git-config text. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      const name = section[1]!.toLowerCase();
      inOrigin = (name === 'remote' && section[2] === 'origin') || name === 'remote.origin';
      continue;
    }
    if (!inOrigin) continue;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (!kv || kv[1]!.toLowerCase() !== 'url') continue;
    return configValue(kv[2]!);
  }
  return undefined;
}

/** A git-config value: quotes removed, escapes applied, a comment outside quotes dropped. */
function configValue(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < text.length) out += text[++i] === 't' ? '\t' : text[i] === 'n' ? '\n' : text[i];
    else if (!quoted && (c === '#' || c === ';')) break;
    else out += c;
  }
  return out.trim();
}

/** `owner/name` of a github.com remote URL (https, ssh, scp-like `git@github.com:o/r.git`, git://). */
export function githubRepository(url: string): string | undefined {
  const m =
    /^(?:https?|git|ssh):\/\/(?:[^@/]*@)?(?:www\.)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(url) ??
    /^(?:[^@/:]+@)?(?:www\.)?github\.com:\/?([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(url);
  if (!m) return undefined;
  const repo = `${m[1]}/${m[2]}`;
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) ? repo : undefined;
}

function readSmall(path: string, max: number): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > max) return undefined;
    const buf = Buffer.alloc(st.size);
    const fd = openSync(path, 'r');
    try {
      const n = readSync(fd, buf, 0, st.size, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
