// What counts as a defect, and when two are the same one. A run result (from the warm server or a child
// process) becomes a list of defects { cls, key, detail }; the key groups occurrences of one defect so that
// each is bisected and minimized once.

/** Class names, in the order the summary lists them. */
export const CLASSES = ['crash', 'hang', 'memory', 'neutrality', 'confinement', 'masked-error'];

const UNINTERESTING_FRAME = /^(new|Array\.|Object\.|String\.|JSON\.|RegExp\.|Function\.|Map\.|Set\.|process\.|node:|Module\.|async|Promise)/;

/**
 * A crash's identity: error name, message with numbers and quoted text blanked, and where it happened — the
 * first frame, or for a stack overflow the functions that recur most (the first frame of an overflow is
 * wherever the stack happened to run out).
 */
export function crashKey(crash) {
  const text = `${crash.message ?? ''}\n${crash.stack ?? ''}`;
  const name = /RangeError|TypeError|ReferenceError|SyntaxError|Error/.exec(/(\w*Error)\b/.exec(text)?.[1] ?? crash.name ?? 'Error')?.[0] ?? crash.name;
  const message = (/(?:\w*Error): ([^\n]*)/.exec(text)?.[1] ?? crash.message ?? '')
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, 'S')
    .slice(0, 100);
  const frames = [...(crash.stack ?? '').matchAll(/^\s*at (?:async )?([^\s(]+) \(/gm)].map((m) => m[1]).filter((f) => !UNINTERESTING_FRAME.test(f));
  let where;
  if (/Maximum call stack/.test(text)) {
    const counts = new Map();
    for (const f of frames) counts.set(f, (counts.get(f) ?? 0) + 1);
    where = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 2)
      .map(([f]) => f)
      .sort()
      .join('+');
  } else where = frames[0];
  if (/^(ProcessExit|CliExit|ActionExit)$/.test(crash.name ?? '') && !/Error: /.test(text)) return `crash:${crash.name}:${message}`;
  return `crash:${name}:${message}:${where ?? '?'}`;
}

export function violationKey(v) {
  return `${v.cls}:${v.kind}`;
}

/**
 * Defects in one result. `inputTexts` are the tree's inputs (byte strings): an engine-error phrase that an input
 * itself contains is the input echoed, not a hidden crash.
 */
export function defectsOf(result, inputTexts) {
  switch (result.outcome) {
    case 'hang':
    case 'memory':
      return [{ cls: result.outcome, key: result.outcome, detail: result.detail ?? '' }];
    case 'crash':
      return [{ cls: 'crash', key: crashKey(result.crash), detail: `${result.crash.name}: ${result.crash.message}`.slice(0, 300), stack: result.crash.stack }];
    default:
      return (result.violations ?? []).filter((v) => !(v.phrase && inputTexts.some((t) => t.includes(v.phrase)))).map((v) => ({ cls: v.cls, key: violationKey(v), detail: v.detail }));
  }
}

/** Whether `result` shows the defect `defect` (same class; same key where keys are precise). */
export function reproduces(defect, result, inputTexts) {
  if (defect.cls === 'hang' || defect.cls === 'memory') return result.outcome === defect.cls;
  return defectsOf(result, inputTexts).some((d) => d.key === defect.key);
}
