import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/golden.js';

// The lint step's cycle check (scripts/check-cycles.mjs): it must fail on a value cycle, however long, and let
// type-only imports through (they are erased at compile time).
function check(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/check-cycles.mjs'), '--src', dir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a value import cycle through three modules and two folders fails the check and is named', () => {
  const r = check({
    'a.ts': "import { b } from './x/b.js';\nexport const a = b;\n",
    'x/b.ts': "import { c } from '../y/c.js';\nexport const b = c;\n",
    'y/c.ts': "export { a as c } from '../a.js';\n",
  });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /import cycle among 3 modules/);
  assert.match(r.out, /a\.ts -> x\/b\.ts -> y\/c\.ts -> a\.ts/);
});

test('a dynamic import and a side-effect import are value edges', () => {
  assert.equal(check({ 'a.ts': "import './b.js';\n", 'b.ts': "export const f = () => import('./a.js');\n" }).status, 1);
});

test('type-only imports do not make a cycle; the real tree has none', () => {
  const r = check({
    'a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
    'b.ts': "import { type A } from './a.js';\nexport interface B { a?: A }\n",
  });
  assert.equal(r.status, 0, r.out);
  const real = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/check-cycles.mjs')], { encoding: 'utf8' });
  assert.equal(real.status, 0, real.stdout + real.stderr);
});
