import { and, TRUE } from '../logic/formula.js';
import type { Guard, Operation } from '../model/pipeline.js';
import { analyzeRunScript, type RunScriptInput, type RunScriptResult } from '../shell/index.js';

/**
 * Matrix combinations, reusable workflows called from several jobs and composite actions used in many steps run
 * the same script with the same environment again and again (kyverno: 600+ make calls, 65 distinct). The result
 * only depends on the script, its environment and its tree; where it sits in the pipeline (job, step, guard,
 * chain) is stamped onto a copy of the cached operations.
 */
export class ScriptCache {
  private readonly cache = new Map<string, { input: RunScriptInput; result: RunScriptResult }>();

  analyze(input: RunScriptInput): RunScriptResult {
    const key = JSON.stringify([
      input.repo.root,
      input.file,
      input.line,
      input.script,
      input.env,
      input.workingDirectory,
      input.depth,
      input.ephemeralRegistries,
      input.repository ?? '',
      input.args ?? null,
      input.files ?? null,
    ]);
    let hit = this.cache.get(key);
    if (!hit) {
      hit = { input, result: analyzeRunScript(input) };
      this.cache.set(key, hit);
    }
    // Always hand out copies: the workflow reader completes sign operations in place (identity, key origin).
    return { ...hit.result, operations: hit.result.operations.map((op) => restamp(op, hit.input, input)) };
  }
}

function restamp(op: Operation, from: RunScriptInput, to: RunScriptInput): Operation {
  const guard: Guard = op.guard === from.guard ? to.guard : { ...op.guard, formula: and(to.guard.formula, op.guard.local ?? TRUE) };
  const copy: Operation = {
    ...op,
    chain: [...to.chain, ...op.chain.slice(from.chain.length)],
    guard,
    jobKey: to.jobKey,
    stepIndex: to.stepIndex,
  };
  if (to.parallelGroup !== undefined) copy.parallelGroup = to.parallelGroup;
  else delete copy.parallelGroup;
  return copy;
}
