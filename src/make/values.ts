import { ruleFinding } from '../model/rule-finding.js';
import type { Location } from '../model/location.js';
import type { MakeState } from './state.js';
import { markUnknown } from './text.js';

/**
 * Values make cannot know statically because a bound stopped their expansion, or because make itself would stop
 * there (a fatal error). They are never cut down to a shorter literal (that would be a made-up name): they become
 * marked unknown text that still reads as a reference, so conditionals treat them as run-time values and the
 * shell, which receives the recipe line, sees a command substitution whose output is unknown.
 */

/** An unknown value that cannot be named (a whole expansion). */
export const UNKNOWN_VALUE = markUnknown('$(…)');

/** Plain variable names (and automatic variables) are safe to show as written: the shell runs no command of that name that matters. */
const PLAIN_NAME = /^[A-Za-z0-9_.@<^+*?%-]+$/;
const FUNCTION_CALL = /^([a-z-]+)[ \t]/;

/**
 * The reference `$(inner)` as an unknown value: `$(NAME)` for a variable, `$(subst …)` for a function call, `$(…)`
 * otherwise. The text inside is never kept whole: a variable named `docker push x` must not become a command.
 */
export function unknownReference(inner: string): string {
  if (PLAIN_NAME.test(inner)) return markUnknown(`$(${inner})`);
  const fn = FUNCTION_CALL.exec(inner);
  return fn ? markUnknown(`$(${fn[1]} …)`) : UNKNOWN_VALUE;
}

export function here(state: MakeState): Location {
  return { file: state.current.file, line: state.current.line };
}

/** A value over the run's length cap: a value-length hit where it was built; the caller names it if it can. */
export function tooLong(state: MakeState, what = 'a make expansion'): string {
  state.budget.hit('value-length', what, here(state));
  return UNKNOWN_VALUE;
}

/** Records (once per invocation) that the run's budget stopped this make expansion. */
export function budgetStopped(state: MakeState): void {
  if (state.budgetStopped) return;
  state.budgetStopped = true;
  state.budget.stopped(`make expansion (make run at ${state.origin.file}:${state.origin.line})`, here(state));
}

/** Charges `cost` units to the run's budget; false (and a hit) once it is spent. */
export function charge(state: MakeState, cost: number): boolean {
  if (state.budget.charge(cost)) return true;
  budgetStopped(state);
  return false;
}

/**
 * Words (or any parts) joined by `sep`, built only while the result fits the run's value cap; past it the value
 * is unknown. Input-sized lists are joined without building the over-long string first.
 */
export function joinBounded(state: MakeState, parts: Iterable<string>, sep = ' '): string {
  const kept: string[] = [];
  let length = 0;
  for (const part of parts) {
    length += part.length + (kept.length > 0 ? sep.length : 0);
    if (!state.budget.fitsValue(length)) return tooLong(state);
    kept.push(part);
  }
  return kept.join(sep);
}

/**
 * GNU make stops with a fatal error here ("insufficient number of arguments", "non-numeric argument"): nothing
 * after it runs, but the analysis cannot tell that apart from a value it does not know, so the value is unknown and
 * the error is a parse-error finding at the line.
 */
export function fatalError(state: MakeState, message: string, inner: string): string {
  const location = here(state);
  const text = `Makefile: ${message} (make stops there; the value is unknown)`;
  if (!state.findings.some((f) => f.location.file === location.file && f.location.line === location.line && f.message === text)) {
    state.findings.push(ruleFinding('parse-error', text, location));
  }
  return unknownReference(inner);
}
