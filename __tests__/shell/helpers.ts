import { join } from 'node:path';
import { TRUE } from '../../src/logic/formula.js';
import { openRepo, type RepoReader } from '../../src/discover/repo.js';
import type { PushOp, SignOp } from '../../src/model/pipeline.js';
import { analyzeRunScript, type RunScriptInput, type RunScriptResult } from '../../src/shell/index.js';

let fixtureRepo: RepoReader | undefined;

/** The shell fixture tree (tests run from the project root). */
export function shellFixtureRepo(): RepoReader {
  fixtureRepo ??= openRepo(join(process.cwd(), '__tests__/fixtures/shell/repo'));
  return fixtureRepo;
}

export function run(script: string, opts: Partial<RunScriptInput> = {}): RunScriptResult {
  return analyzeRunScript({
    script,
    file: '.github/workflows/release.yml',
    line: 10,
    env: {},
    workingDirectory: '',
    repo: shellFixtureRepo(),
    depth: 4,
    chain: [],
    guard: { formula: TRUE, continueOnError: false },
    jobKey: '.github/workflows/release.yml#release',
    stepIndex: 3,
    ephemeralRegistries: [],
    ...opts,
  });
}

export const pushes = (r: RunScriptResult): PushOp[] => r.operations.filter((o): o is PushOp => o.kind === 'push');
export const signs = (r: RunScriptResult): SignOp[] => r.operations.filter((o): o is SignOp => o.kind === 'sign');
export const pushedNames = (r: RunScriptResult): string[] => pushes(r).flatMap((p) => p.refs.map((x) => x.name));
export const signedNames = (r: RunScriptResult): string[] => signs(r).flatMap((s) => s.refs.map((x) => x.name));
