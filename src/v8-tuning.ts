import { setFlagsFromString } from 'node:v8';

/**
 * V8 tuning for a run that happens once per process: the analysis runs about a megabyte of code, most of it a few
 * times, so TurboFan's optimising compiles (on a runner's second core, but counted in the process's CPU time) cost
 * more than the optimised code saves before the process exits. Sparkplug and (on Node 24) Maglev still compile hot
 * code. Measured in CPU time (user + system, median of 5, interleaved, `npm run bench` trees), without → with:
 *   Node 20: kyverno+kyverno 3208 → 1970 ms, kyverno+policies 1248 → 893, generated monorepo 2358 → 1724,
 *            example 333 → 293;
 *   Node 24: kyverno+kyverno 1850 → 1417 ms, kyverno+policies 866 → 810, generated monorepo 2023 → 1461,
 *            example 283 → 289 (no change).
 * `--max-opt=1|2` instead helped less on both runtimes (kyverno Node 20 1990/2110, Node 24 2103/1993 ms).
 * Set from the entrypoints only, before the analysis runs; IMAGE_SIGNING_AUDIT_TURBOFAN=1 keeps V8's default
 * (long-running embedders, or to compare).
 */
export function tuneV8ForOneRun(env: NodeJS.ProcessEnv): void {
  if (env['IMAGE_SIGNING_AUDIT_TURBOFAN'] === '1') return;
  setFlagsFromString('--no-turbofan');
}
