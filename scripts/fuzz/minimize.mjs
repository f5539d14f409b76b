// Bisect and shrink a failing tree while the same defect reproduces: first the one input that does it (drop
// inputs), then the driver workflow if it is not needed, then delta debugging over lines, then fewer
// repetitions of the longest repeated run, then delta debugging over the characters of the worst line. Every
// step is bounded by the caller's budget (tests and wall time); the best tree so far is kept.

/** Classic ddmin over complements: removes chunks while `test` (async, on the kept items) still holds. */
export async function ddmin(items, test, budget) {
  let n = 2;
  while (items.length >= 2 && !budget.out()) {
    const chunk = Math.ceil(items.length / n);
    let reduced = false;
    for (let start = 0; start < items.length && !budget.out(); start += chunk) {
      const complement = [...items.slice(0, start), ...items.slice(start + chunk)];
      if (complement.length > 0 && (await test(complement))) {
        items = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= items.length) break;
      n = Math.min(items.length, n * 2);
    }
  }
  return items;
}

/** The longest run of one unit repeated back to back (unit length 1..64), or undefined. */
export function longestRepetition(text) {
  let best;
  const limit = Math.min(64, Math.floor(text.length / 2));
  for (let p = 1; p <= limit; p++) {
    let runStart = 0;
    let runLen = 0;
    for (let i = 0; i + p < text.length; i++) {
      if (text.charCodeAt(i) === text.charCodeAt(i + p)) {
        if (runLen === 0) runStart = i;
        runLen++;
      } else {
        if (runLen >= p && (!best || runLen + p > best.length)) best = { start: runStart, unit: p, count: Math.floor((runLen + p) / p), length: runLen + p };
        runLen = 0;
      }
    }
    if (runLen >= p && (!best || runLen + p > best.length)) best = { start: runStart, unit: p, count: Math.floor((runLen + p) / p), length: runLen + p };
  }
  return best && best.count >= 8 && best.length >= 32 ? best : undefined;
}

function splitLines(text) {
  return text.split(/(?<=\n)/);
}

/**
 * Step 1: the one input that reproduces alone (tried in `order`, most suspect first), else the smallest set
 * ddmin finds. tree: { inputs }; reproduces(tree, { driver }) → Promise<boolean>. Returns { tree, steps }.
 */
export async function bisectInputs(tree, reproduces, budget, order) {
  const inputs = tree.inputs;
  if (inputs.length <= 1) return { tree, steps: [] };
  const test = (candidate) => reproduces({ ...tree, inputs: candidate }, { driver: true });
  for (const i of order ?? inputs.map((_, k) => k)) {
    if (budget.out()) break;
    if (await test([inputs[i]])) return { tree: { ...tree, inputs: [inputs[i]] }, steps: [`inputs: ${inputs.length} → 1`] };
  }
  const kept = await ddmin(inputs, test, budget);
  return { tree: { ...tree, inputs: kept }, steps: [`inputs: ${inputs.length} → ${kept.length}`] };
}

/** Steps 2-5 on a bisected tree: the driver if not needed, then lines, repetitions and characters of each input. */
export async function shrinkTree(tree, reproduces, budget, steps = []) {
  steps = [...steps];
  let inputs = tree.inputs;
  let driver = true;
  const test = (candidate, d = driver) => reproduces({ ...tree, inputs: candidate }, { driver: d });

  // 2. the driver workflow, when the defect does not need it
  if (!budget.out() && (await test(inputs, false))) {
    driver = false;
    steps.push('driver: not needed');
  }
  // 3-5. shrink each remaining input
  for (let k = 0; k < inputs.length && !budget.out(); k++) {
    const withText = (text) => inputs.map((x, j) => (j === k ? { ...x, text } : x));
    const before = inputs[k].text.length;
    let text = inputs[k].text;

    const lines = await ddmin(splitLines(text), (ls) => test(withText(ls.join(''))), budget);
    text = lines.join('');

    for (let round = 0; round < 4 && !budget.out(); round++) {
      const rep = longestRepetition(text);
      if (!rep) break;
      const unit = text.slice(rep.start, rep.start + rep.unit);
      const tail = text.slice(rep.start + rep.count * rep.unit);
      const head = text.slice(0, rep.start);
      let lo = 1;
      let hi = rep.count;
      while (lo < hi && !budget.out()) {
        const mid = Math.floor((lo + hi) / 2);
        if (await test(withText(head + unit.repeat(mid) + tail))) hi = mid;
        else lo = mid + 1;
      }
      if (hi === rep.count) break;
      text = head + unit.repeat(hi) + tail;
      steps.push(`repetition of ${JSON.stringify(unit.slice(0, 20))}: ${rep.count} → ${hi}`);
    }

    // the worst line: the longest one — first the shortest prefix that still reproduces, then ddmin over it
    let ls = splitLines(text);
    let worst = 0;
    for (let i = 1; i < ls.length; i++) if (ls[i].length > ls[worst].length) worst = i;
    const rebuild = (mid) => [...ls.slice(0, worst), mid, ...ls.slice(worst + 1)].join('');
    if (ls.length && ls[worst].length > 256 && !budget.out()) {
      const line = ls[worst];
      const nl = line.endsWith('\n') ? '\n' : '';
      let lo = 1;
      let hi = line.length - nl.length;
      while (lo < hi && !budget.out()) {
        const mid = Math.floor((lo + hi) / 2);
        if (await test(withText(rebuild(line.slice(0, mid) + nl)))) hi = mid;
        else lo = mid + 1;
      }
      if (hi < line.length - nl.length) {
        text = rebuild(line.slice(0, hi) + nl);
        steps.push(`longest line: ${line.length} → ${hi + nl.length} characters (prefix)`);
        ls = splitLines(text);
      }
    }
    if (ls.length && ls[worst].length > 1 && !budget.out()) {
      const line = ls[worst];
      // Coarse chunks first on long lines, then single characters.
      let pieces = line.length > 4096 ? line.match(/[\s\S]{1,64}/g) : [...line];
      pieces = await ddmin(pieces, (c) => test(withText(rebuild(c.join('')))), budget);
      if (line.length > 4096 && pieces.join('').length <= 4096) pieces = await ddmin([...pieces.join('')], (c) => test(withText(rebuild(c.join('')))), budget);
      text = rebuild(pieces.join(''));
    }
    inputs = withText(text);
    steps.push(`input ${k}: ${before} → ${text.length} bytes`);
  }
  return { tree: { ...tree, inputs }, driver, steps };
}
