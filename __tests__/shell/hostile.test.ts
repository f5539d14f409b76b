/**
 * Hostile scripts: every one of these crashed the interpreter (stack overflow, "Invalid string length") or ran
 * for minutes. Each must end in a result, with a budget hit at the line where a bound stopped the work, and its
 * cost is checked on the budget's own counter, never on the clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openRepo } from '../../src/discover/repo.js';
import { loadShellParser } from '../../src/shell/index.js';
import { MAX_SYNTAX_DEPTH } from '../../src/shell/ast.js';
import { MAX_COMMANDS, MAX_RUN_DEPTH } from '../../src/shell/state.js';
import { AnalysisBudget, type BudgetHit } from '../../src/util/budget.js';
import { pushedNames, pushes, run } from './helpers.js';

let dir = '';
before(async () => {
  await loadShellParser();
  dir = mkdtempSync(join(tmpdir(), 'isa-hostile-shell-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A budget with room for any ordinary script and no deadline that a slow machine could reach. */
const budget = (limits: { work?: number; valueLength?: number } = {}) => new AnalysisBudget({ work: 100_000_000, valueLength: 1 << 20, deadlineMs: 1e12, ...limits });

/** The script runs as the `run:` of .github/workflows/release.yml whose first line is line 10. */
const at = (scriptLine: number) => 9 + scriptLine;

function only(hits: BudgetHit[], kind: BudgetHit['kind']): BudgetHit {
  assert.equal(hits.length, 1, JSON.stringify(hits));
  assert.equal(hits[0]!.kind, kind, JSON.stringify(hits));
  return hits[0]!;
}

/** A repository holding `build.sh`, run with `. ./build.sh` (a sourced script is always read). */
function sourced(text: string, b: AnalysisBudget) {
  const root = mkdtempSync(join(dir, 'repo-'));
  writeFileSync(join(root, 'build.sh'), text);
  return run('. ./build.sh', { repo: openRepo(root), budget: b });
}

// The former converter and interpreter recursed once per link: 4,000 links overflowed the stack.
test('a list of 6,000 commands joined by && is walked link by link: the push at its end is found', () => {
  const b = budget();
  const r = run(`${Array(6_000).fill('true').join(' && ')} && docker push ghcr.io/o/a`, { budget: b });
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/a']);
  assert.deepEqual(b.hits(), []);
});

test('|| lists and mixed lists of any length keep their meaning', () => {
  const b = budget();
  const r = run(`${Array(6_000).fill('false').join(' || ')} || docker push ghcr.io/o/a`, { budget: b });
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/a']);
  assert.deepEqual(pushes(r)[0]!.guard.formula, { k: 'const', v: true }, 'every `false` fails: the push always runs');
  const mixed = run(`${Array(1_500).fill('[ -n "$X" ] || true | cat').join(' && ')} && docker push ghcr.io/o/m`, { budget: b });
  assert.deepEqual(pushedNames(mixed), ['ghcr.io/o/m']);
  assert.deepEqual(b.hits(), []);
});

test(`more than ${MAX_COMMANDS} commands: a bound hit at the line, what came before is kept`, () => {
  const b = budget();
  const items = Array.from({ length: 64 }, (_, i) => i).join(' ');
  const r = run(`docker push ghcr.io/o/first\nfor a in ${items}; do for b in ${items}; do\ntrue; true; true; true; true\ndone; done\ndocker push ghcr.io/o/never`, { budget: b });
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/first']);
  const hit = only(b.hits(), 'bound');
  assert.deepEqual(hit.location, { file: '.github/workflows/release.yml', line: at(3) });
  assert.match(hit.what, new RegExp(`${MAX_COMMANDS} commands`));
});

test('a 3,000-stage pipeline in a sourced script carries its output through every stage', () => {
  const b = budget();
  const r = sourced(`IMG=$(echo ghcr.io/o/piped ${'| cat '.repeat(3_000)})\ndocker push "$IMG"\n`, b);
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/piped']);
  // A pipeline of unknown commands: each stage's stdin is written short, not the whole prefix again.
  const unknown = sourced(`x ${'| y '.repeat(3_000)}| xargs docker push\n`, b);
  assert.equal(pushes(unknown).length, 1);
  assert.deepEqual(b.hits(), []);
});

test('nesting past the tree bound stops the script at that line; statements before it are analysed', () => {
  // Deeper than the tree bound, well within what the parser takes (it fails by itself from about 120 subshells,
  // 540 substitutions, 720 braces or ifs).
  const cases: Array<[string, string]> = [
    ['braces', `${'{ '.repeat(150)}docker push ghcr.io/o/deep; ${'}; '.repeat(150)}`],
    ['ifs', `${'if true; then '.repeat(150)}docker push ghcr.io/o/deep; ${'fi; '.repeat(150)}`],
    ['substitutions', `echo ${'$('.repeat(80)}a${')'.repeat(80)}`],
    ['quoted substitutions', `echo ${'"$('.repeat(50)}a${')"'.repeat(50)}`],
    ['parameter defaults', `echo ${'${a:-'.repeat(150)}x${'}'.repeat(150)}`],
    ['tests', `[[ ${Array(150).fill('a').join(' && ')} ]] && echo`],
  ];
  for (const [name, deep] of cases) {
    const b = budget();
    const r = run(`docker push ghcr.io/o/before\n${deep}\ndocker push ghcr.io/o/after`, { budget: b });
    assert.deepEqual(pushedNames(r), ['ghcr.io/o/before'], name);
    const hit = only(b.hits(), 'bound');
    assert.equal(hit.location?.line, at(2), name);
    assert.match(hit.what, new RegExp(`more than ${MAX_SYNTAX_DEPTH} levels`), name);
  }
});

test('nesting the parser itself cannot take (1,000 subshells) is a bound hit, not a parse error', () => {
  const b = budget();
  const r = run(`${'('.repeat(1_000)}docker push ghcr.io/o/a${')'.repeat(1_000)}`, { budget: b });
  assert.equal(r.findings.filter((f) => f.rule === 'parse-error').length, 0);
  assert.match(only(b.hits(), 'bound').what, /nested too deeply to parse/);
});

test('a string that evals itself, a shell that runs itself, a function that calls itself twice: bounded', () => {
  for (const script of [`A='eval "$A"'\neval "$A"`, `export A='bash -c "$A"'\nbash -c "$A"`, `A='echo $(eval "$A")'\neval "$A"`]) {
    const b = budget();
    run(`${script}\ndocker push ghcr.io/o/after`, { budget: b });
    const hit = only(b.hits(), 'bound');
    assert.match(hit.what, new RegExp(`nested more than ${MAX_RUN_DEPTH} levels`), script);
    assert.equal(hit.location?.file, '.github/workflows/release.yml');
  }
  const b = budget();
  run('f() { f; f; }\nf\ndocker push ghcr.io/o/a', { budget: b });
  assert.ok(b.spent < 10 * MAX_COMMANDS, `${b.spent} units`);
});

test('functions nested in substitutions nested in functions reach the run-time bound, not the end of the stack', () => {
  // Each function calls the next inside 30 levels of "$(…)": 16 functions deep is 480 levels of substitution.
  const lines: string[] = [];
  for (let i = 0; i < 16; i++) lines.push(`f${i}() { echo ${'"$('.repeat(30)}f${i + 1}${')"'.repeat(30)}; }`);
  lines.push('f16() { docker push ghcr.io/o/deep; }', 'f0', 'docker push ghcr.io/o/after');
  const b = budget();
  run(lines.join('\n'), { budget: b });
  const hit = only(b.hits(), 'bound');
  assert.match(hit.what, /nested more than/);
});

test('A="$A$A" forty times: the value passes the cap, becomes unknown with a hit at that line, and the work stays bounded', () => {
  const b = budget();
  const r = run(`A=xxxxxxxxxxxxxxxx\n${'A="$A$A"\n'.repeat(40)}docker push ghcr.io/o/$A`, { budget: b });
  const hits = b.hits();
  assert.ok(hits.length >= 1 && hits.every((h) => h.kind === 'value-length'), JSON.stringify(hits));
  // 16 bytes doubled 17 times is 2 MiB: the 17th doubling (script line 18) is the first over the 1 MiB cap.
  assert.equal(hits[0]!.location?.line, at(18));
  assert.match(hits[0]!.what, /value of A/);
  const [push] = pushes(r);
  assert.ok(push && !push.refs[0]!.resolved && push.refs[0]!.name.length < 200, push?.refs[0]!.name.slice(0, 200));
  assert.ok(b.spent < 20 * (1 << 20), `${b.spent} units`);
});

test('values are capped at the budget value length: assignments, arrays, +=, replacements, arguments, printf', () => {
  const small = () => budget({ valueLength: 1_000 });
  const cases: Array<[string, string]> = [
    ['assignment', `A=${'x'.repeat(600)}\nB="$A$A"\ndocker push ghcr.io/o/$B`],
    ['append', `A=${'x'.repeat(600)}\nA+=$A\ndocker push ghcr.io/o/$A`],
    ['array', `a=(x)\n${'a=("${a[@]}" "${a[@]}")\n'.repeat(40)}docker push ghcr.io/o/\${a[0]}`],
    ['replacement', `A=${'a'.repeat(500)}\nB=\${A//a/bbb}\ndocker push ghcr.io/o/$B`],
    ['arguments', `A=${'x'.repeat(400)}\ndocker push ghcr.io/o/x $A $A $A`],
    ['printf', `A=${'x'.repeat(400)}\nB=$(printf '%s%s%s\\n' $A $A $A $A $A $A)\ndocker push ghcr.io/o/$B`],
  ];
  for (const [name, script] of cases) {
    const b = small();
    const r = run(script, { budget: b });
    assert.ok(b.hits().length >= 1 && b.hits().every((h) => h.kind === 'value-length'), `${name}: ${JSON.stringify(b.hits())}`);
    for (const p of pushes(r)) for (const ref of p.refs) assert.ok(ref.name.length < 1_000, `${name}: ${ref.name.length}`);
  }
});

test('a pushed text longer than any image reference is one unknown, however often a loop pushes it', () => {
  const b = budget();
  const r = run(`A=${'a'.repeat(100_000)}\nfor a in 1 2 3 4 5 6 7 8; do for b in 1 2 3 4 5 6 7 8; do docker push ghcr.io/o/$A$a$b; done; done`, { budget: b });
  assert.equal(pushes(r).length, 1);
  assert.equal(pushes(r)[0]!.refs[0]!.resolved, false);
  const hit = only(b.hits(), 'bound');
  assert.match(hit.what, /text over 4096 characters is no image reference/);
  assert.equal(hit.location?.line, at(2));
});

test('output captured in pipes and written to $GITHUB_ENV is capped too', () => {
  const b = budget({ valueLength: 1_000 });
  const r = run(`A=${'a'.repeat(300)}\nfor i in 1 2 3 4 5 6; do echo "X=$A" >> "$GITHUB_ENV"; done\nB=$(for i in 1 2 3 4 5; do echo $A; done)\necho $A | sed 's/a/&&&&&&&&/g' | cat`, { budget: b });
  assert.ok((r.envWrites.X ?? '').length <= 1_000);
  assert.ok(b.hits().length >= 2 && b.hits().every((h) => h.kind === 'value-length'), JSON.stringify(b.hits()));
});

test('${A%%*x}, ${A##*x} and ${A/pat/rep} on a 256 KB value cost linear steps', () => {
  const b = budget();
  const r = run(`A=${'a'.repeat(262_144)}\nB=\${A%%*x}\nC=\${A##*x}\nD=\${A/a*a/y}\nE=\${A//b/c}\ndocker push ghcr.io/o/b\${#B}-\${#C}-$D-\${#E}`, { budget: b });
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/b262144-262144-y-262144']);
  assert.deepEqual(b.hits(), []);
  assert.ok(b.spent < 40 * 262_144, `${b.spent} units`);
});

test('[[ $A == pattern ]] is matched in charged steps; past the budget the test is undecided, never a guess', () => {
  const script = `A=${'a'.repeat(65_536)}\nif [[ $A == ${'*a'.repeat(60)}b ]]; then docker push ghcr.io/o/matched; fi\ndocker push ghcr.io/o/after`;
  const b = budget();
  assert.deepEqual(pushedNames(run(script, { budget: b })), ['ghcr.io/o/after']);
  assert.deepEqual(b.hits(), []);
  const poor = budget({ work: 200_000 });
  const r = run(script, { budget: poor });
  assert.ok(!pushedNames(r).includes('ghcr.io/o/after'));
  const hit = only(poor.hits(), 'work');
  assert.equal(hit.location?.line, at(2));
});

// The former evaluation recursed once per `!` (and copied the rest each time): 20,000 overflowed the stack.
test('[ ! ! … x ] with 30,000 negations is counted, not recursed', () => {
  const b = budget();
  const r = run(`if [ ${'! '.repeat(30_000)}x ]; then docker push ghcr.io/o/even; else docker push ghcr.io/o/odd; fi`, { budget: b });
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/even']);
});

test('`! test` with known operands is decided with its negation', () => {
  const r = run('E=\nif ! [ -z "$E" ]; then docker push ghcr.io/o/nonempty; else docker push ghcr.io/o/empty; fi');
  assert.deepEqual(pushedNames(r), ['ghcr.io/o/empty']);
});

test('a placeholder repeated in the text cannot multiply an expression past the cap', () => {
  // Placeholders are `@GHE<n>@`: the script can write them itself, each one put back as the whole expression.
  const b = budget({ valueLength: 10_000 });
  const r = run(`IMG="ghcr.io/o/${'@GHE0@'.repeat(2_000)}"\ndocker push "$IMG" \${{ format('{0}', github.sha) }}`, { budget: b });
  assert.ok(pushes(r).every((p) => p.refs.every((ref) => ref.raw.length < 10_000)));
  assert.equal(only(b.hits(), 'value-length').location?.line, at(1));
});

test('texts that made linear scans quadratic: newline runs, @ runs, -ccc… flags, unclosed ${{', () => {
  // Each of these took minutes: a regular expression or slice rescanned the rest of the text from every position.
  const b = budget();
  run(`A="$(printf '${'\\n'.repeat(100_000)}x')"`, { budget: b });
  run(`go run ${'@'.repeat(200_000)}/x`, { budget: b });
  run(`bash -${'c'.repeat(200_000)}!`, { budget: b });
  assert.deepEqual(b.hits(), []);
  const r = run(`docker push 'ghcr.io/o/a${'${{'.repeat(1_000)}'`, { budget: b });
  assert.equal(pushes(r).length, 1);
  assert.deepEqual(b.hits(), []);
});
