import { hiddenPushOps, hiddenSuffix, scanHiddenCommands } from '../detect/hidden-pushes.js';
import { ruleFinding } from '../model/rule-finding.js';
import { guardIn } from './effects.js';
import { restoreExpressions } from './expressions.js';
import { locationOf, type Frame } from './state.js';

/**
 * A script that does not parse is not analysed. Its parse-error finding names the push and sign commands its text
 * may hide (a lexical scan, src/detect/hidden-pushes.ts), and each hidden push is an image not inspected, so the
 * verdict fails closed rather than saying "nothing pushed".
 */
export function reportUnparsed(frame: Frame, maskedText: string, message: string, line: number): void {
  const st = frame.state;
  const hidden = scanHiddenCommands(maskedText).map((h) => ({ ...h, text: restoreExpressions(h.text, frame.source.expressions, 400) ?? h.text }));
  const lineOf = (l: number): number => locationOf(frame, l).line;
  st.findings.push(ruleFinding('parse-error', `shell script does not parse: ${message}${hiddenSuffix(hidden, lineOf)}`, locationOf(frame, line)));
  const ctx = st.ctx;
  for (const op of hiddenPushOps(hidden, frame.source.file, lineOf, { chain: frame.chain, guard: guardIn(frame), jobKey: ctx.jobKey, stepIndex: ctx.stepIndex, ...(ctx.parallelGroup !== undefined ? { parallelGroup: ctx.parallelGroup } : {}) })) {
    st.operations.push(op);
  }
}
