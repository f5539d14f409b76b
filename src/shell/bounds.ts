import type { GlobMeter } from '../util/glob.js';
import { locationOf, MAX_RUN_DEPTH, type Frame } from './state.js';

/**
 * The shell's side of the analysis budget. Work (text built, pattern-matching steps, interpreted commands) is
 * charged to the run's budget; when it refuses, or when one of the shell's own bounds is reached, the analysis of
 * this script stops where it is (a hit at that file:line, nothing interpreted after it, everything found before
 * kept). A value longer than the budget's cap becomes unknown, with a hit, and the analysis goes on.
 */

/** Stops the interpretation for good and records why, at the statement being interpreted. */
export function stopAnalysis(frame: Frame, kind: 'work' | 'deadline' | 'bound', what: string): void {
  const st = frame.state;
  if (st.stopped) return;
  st.stopped = true;
  st.budget.hit(kind, what, locationOf(frame, frame.line));
}

/** Charges `units` of work; false (and the analysis stopped) once the budget is spent. */
export function charge(frame: Frame, units: number): boolean {
  const st = frame.state;
  if (st.stopped) return false;
  if (st.budget.charge(units)) return true;
  stopAnalysis(frame, st.budget.reason, `shell analysis of ${frame.source.file}`);
  return false;
}

/** A meter for pattern matching (src/util/glob.ts), charging the frame's budget. */
export function meterOf(frame: Frame): GlobMeter {
  return { charge: (steps) => charge(frame, steps) };
}

export function fitsValue(frame: Frame, length: number): boolean {
  return frame.state.budget.fitsValue(length);
}

/**
 * What a value over the cap becomes: an unknown, written short as a run-time value (`$(…)`), so that it is never
 * taken for a name and stays cheap to carry. `subject` says what it was (`value of TAG`, `pipe output`).
 */
export function oversized(frame: Frame, subject: string): string {
  const budget = frame.state.budget;
  budget.hit('value-length', `shell ${subject}`, locationOf(frame, frame.line));
  return `$(${subject} over ${budget.limits.valueLength} characters)`;
}

/**
 * Whether a text is such an unknown. A word that uses one is that unknown as a whole (`A="$A-$A"` on an oversized
 * A stays one short unknown instead of growing again), and no operator reads it as text (`${#A}` is not its length).
 */
export function isOversized(frame: Frame, text: string): boolean {
  return text.startsWith('$(') && text.endsWith(` over ${frame.state.budget.limits.valueLength} characters)`);
}

/** Enters one level of run-time nesting; false (and the analysis stopped) past MAX_RUN_DEPTH. */
export function enterNesting(frame: Frame): boolean {
  const st = frame.state;
  if (st.stopped) return false;
  if (st.nesting >= MAX_RUN_DEPTH) {
    stopAnalysis(frame, 'bound', `shell interpretation nested more than ${MAX_RUN_DEPTH} levels (statements, expansions, functions, eval and sourced scripts together); the rest of the script was not analysed`);
    return false;
  }
  st.nesting++;
  return true;
}

export function leaveNesting(frame: Frame): void {
  frame.state.nesting--;
}
