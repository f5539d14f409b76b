import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Project root: tests run from build/__tests__/…, fixtures live in __tests__/ of the sources. */
export const PROJECT_ROOT = process.cwd();
export const FIXTURES = join(PROJECT_ROOT, '__tests__', 'fixtures');
export const GOLDEN = join(PROJECT_ROOT, '__tests__', 'golden');

/**
 * Compares `actual` with the golden file. With UPDATE_GOLDEN=1 the file is (re)written instead, for review in the
 * diff; a missing golden file is an error, never silently created.
 */
export function assertGolden(relPath: string, actual: string): void {
  const path = join(GOLDEN, relPath);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${relPath} is missing (run with UPDATE_GOLDEN=1 and review it)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from golden ${relPath}`);
}
