import { posix } from 'node:path';
import { normalizeRelPath } from '../discover/repo.js';
import { charge } from './bounds.js';
import { maskExpressions } from './expressions.js';
import type { Frame, Source } from './state.js';

/**
 * A frame's environment and paths as the modules around the interpreter need them (command effects, scripts and
 * make started from a script). They live apart from interpreter.ts so that those modules do not import the
 * interpreter, which imports them.
 */

export function makeSource(text: string, file: string, line: number): { source: Source; masked: string } {
  const masked = maskExpressions(text);
  return { source: { file, line, bytes: Buffer.from(masked.text, 'utf8'), expressions: masked.expressions }, masked: masked.text };
}

export function resolvePath(frame: Frame, p: string): string {
  const home = p.replace(/^~\//, '$HOME/');
  if (home.startsWith('/') || home.startsWith('$')) return home;
  return normalizeRelPath(posix.join(frame.cwd || '.', home)) ?? home;
}

export function exportedValue(frame: Frame, name: string): string | undefined {
  const p = frame.prefixEnv?.get(name);
  if (p !== undefined) return p;
  return frame.exported.has(name) ? frame.vars.get(name)?.text : undefined;
}

export function exportedEnv(frame: Frame): Record<string, string> {
  // Made for every child shell, make call and config reader: charged, as many exports times many calls adds up.
  charge(frame, frame.exported.size + 1);
  const env: Record<string, string> = {};
  for (const n of frame.exported) {
    const v = frame.vars.get(n);
    if (v) env[n] = v.text;
  }
  for (const [k, v] of frame.prefixEnv ?? []) env[k] = v;
  return env;
}
