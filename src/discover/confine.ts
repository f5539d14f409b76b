import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

export type Confined = { ok: true; path: string } | { ok: false; reason: string };

/** True when `path` is `root` or below it (both absolute, same form). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A directory the tool was given, resolved so that symbolic links cannot carry it out of the directory it was
 * given in: the first of `bases` that lexically contains `path` must also contain its real path. A path outside
 * every base (an absolute path the workflow chose, e.g. under RUNNER_TEMP) is taken as given, by its real path.
 */
export function confineDir(path: string, bases: string[], what: string): Confined {
  const lexical = resolve(path);
  let real: string;
  try {
    real = realpathSync(lexical);
    if (!statSync(real).isDirectory()) return { ok: false, reason: `${what} '${path}' is not a directory` };
  } catch {
    return { ok: false, reason: `${what} '${path}' does not exist` };
  }
  for (const base of bases) {
    const lexBase = resolve(base);
    if (!isInside(lexBase, lexical)) continue;
    let realBase: string;
    try {
      realBase = realpathSync(lexBase);
    } catch {
      return { ok: false, reason: `${what} '${path}': ${base} does not exist` };
    }
    if (!isInside(realBase, real)) return { ok: false, reason: `${what} '${path}' resolves to ${real}, outside ${base} (a symbolic link); not read` };
    return { ok: true, path: real };
  }
  return { ok: true, path: real };
}
