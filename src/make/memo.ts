import type { RepoReader } from '../discover/repo.js';
import type { AnalysisBudget } from '../util/budget.js';
import type { MakeExpansion, MakeInvocation } from './index.js';

/**
 * Memo for make expansions. CI calls the same target from many matrix combinations and composite-action uses,
 * with environments that differ only in variables no Makefile mentions. make can only read an environment
 * variable through a reference in a makefile, so the key keeps just the variables whose names occur in the
 * repository's makefiles (plus MAKEFLAGS); a hit re-bases the recipes' environment on the caller's.
 */
const MAKEFILE_NAME = /(^|\/)(GNUmakefile|makefile|Makefile)$|\.mk$/;

type Results = Map<string, { env: Record<string, string>; result: MakeExpansion }>;

interface RepoMemo {
  vocabulary: Set<string>;
  /** Per analysis budget: a run's expansions charged and recorded their hits in its own budget. */
  byBudget: WeakMap<AnalysisBudget, Results>;
  /** Expansions made without a budget (unit tests of the make reader). */
  unbudgeted: Results;
}

const memos = new WeakMap<RepoReader, RepoMemo>();

function memoFor(repo: RepoReader): RepoMemo {
  let memo = memos.get(repo);
  if (!memo) {
    const vocabulary = new Set<string>(['MAKEFLAGS', 'MAKEFILES', 'MAKELEVEL']);
    for (const f of repo.files) {
      if (!MAKEFILE_NAME.test(f.path)) continue;
      const r = repo.read(f.path, { scan: true });
      if (r.ok) for (const m of r.text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) vocabulary.add(m[0]);
    }
    memo = { vocabulary, byBudget: new WeakMap(), unbudgeted: new Map() };
    memos.set(repo, memo);
  }
  return memo;
}

export function memoizedExpand(inv: MakeInvocation, budget: AnalysisBudget | undefined, expand: (inv: MakeInvocation) => MakeExpansion): MakeExpansion {
  const memo = memoFor(inv.repo);
  let results = budget ? memo.byBudget.get(budget) : memo.unbudgeted;
  if (!results) {
    results = new Map();
    memo.byBudget.set(budget!, results);
  }
  const env = Object.entries(inv.env)
    .filter(([k]) => memo.vocabulary.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify([inv.args, inv.cwd, env, inv.depth, inv.location.file, inv.location.line]);
  const hit = results.get(key);
  if (!hit) {
    const result = expand(inv);
    results.set(key, { env: inv.env, result });
    return result;
  }
  // Recipes see the caller's environment plus what make exported; keep make's part, take the caller's for the rest.
  return {
    ...hit.result,
    commands: hit.result.commands.map((rc) => {
      const env: Record<string, string> = { ...inv.env };
      for (const [k, v] of Object.entries(rc.env)) if (hit.env[k] !== v) env[k] = v;
      return { ...rc, env };
    }),
  };
}
