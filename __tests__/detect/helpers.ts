import { join } from 'node:path';
import { atom } from '../../src/logic/formula.js';
import { openRepo, type RepoReader } from '../../src/discover/repo.js';
import type { Location } from '../../src/model/location.js';
import type { OpContext, Operation, PushOp, ReaderResult, SignOp } from '../../src/model/pipeline.js';

/** Tests run from the project root (npm test / scripts/run-tests.mjs). */
export function fixtureRepo(...parts: string[]): RepoReader {
  return openRepo(join(process.cwd(), '__tests__', 'fixtures', 'detect', ...parts));
}

export const STEP: Location = { file: '.github/workflows/release.yml', line: 42 };

export function context(): OpContext {
  return {
    chain: [{ file: '.github/workflows/release.yml', line: 10 }],
    guard: { formula: atom("startsWith(github.ref, 'refs/tags/')"), continueOnError: false },
    jobKey: '.github/workflows/release.yml#release',
    stepIndex: 3,
    ephemeralRegistries: [],
  };
}

export function pushes(r: ReaderResult): PushOp[] {
  return r.operations.filter((o: Operation): o is PushOp => o.kind === 'push');
}

export function signs(r: ReaderResult): SignOp[] {
  return r.operations.filter((o: Operation): o is SignOp => o.kind === 'sign');
}

/** `name:tag@digest` of every ref, sorted, for compact assertions. */
export function refStrings(ops: Array<PushOp | SignOp>): string[] {
  return ops.flatMap((o) => o.refs.map((r) => `${r.name}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`)).sort();
}

export function names(ops: Array<PushOp | SignOp>): string[] {
  return [...new Set(ops.flatMap((o) => o.refs.map((r) => r.name)))].sort();
}
