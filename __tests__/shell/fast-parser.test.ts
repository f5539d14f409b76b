import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastParseShell } from '../../src/shell/fast-parser.js';
import { parseWithMvdan } from '../../src/shell/parser.js';
import { FIXTURES } from '../helpers/golden.js';
import { compareParsers, evaluateSpans, generateScripts, heredocScripts, mutate, prng, shellTexts, tally, tokenSoup, type Tally } from '../helpers/shell-diff.js';

/*
 * The fast path must give exactly mvdan-sh's tree wherever it gives one (src/shell/fast-parser.ts). Spans are
 * evaluated so offsets are compared too. The counts are printed and bounded below, so a fast path that bails on
 * everything (and would pass the comparison trivially) fails here.
 */

function report(label: string, t: Tally): void {
  const share = t.seen ? ((100 * t.accepted) / t.seen).toFixed(1) : '-';
  console.log(`fast parser on ${label}: ${t.seen} scripts, ${t.accepted} accepted (${share}%), ${t.mismatches.length} mismatches`);
  const m = t.mismatches[0];
  if (m) assert.fail(`${t.mismatches.length} mismatches; first: ${m.why}\n${JSON.stringify(m.text)}\nfast:  ${JSON.stringify(m.fast)}\nmvdan: ${JSON.stringify(m.mvdan)}`);
}

test('differential: every shell text of the fixtures (run: blocks, .sh files, Makefile recipes), and mutations of them', () => {
  const texts = shellTexts(FIXTURES);
  assert.ok(texts.length > 200, `only ${texts.length} fixture scripts found`);
  const t = tally(texts);
  report('fixtures', t);
  assert.ok(t.accepted / t.seen > 0.5, `the fast path accepted only ${t.accepted} of ${t.seen} fixture scripts`);
  const r = prng(13);
  const mutated: string[] = [];
  for (const text of texts) for (let k = 0; k < 4; k++) mutated.push(mutate(text, r));
  const tm = tally(mutated);
  report('mutated fixtures', tm);
  assert.ok(tm.accepted > 100, `the fast path accepted only ${tm.accepted} mutated fixture scripts`);
});

test('differential: generated scripts from the subset (and around it), and mutations that break them', () => {
  const texts = generateScripts(20261202, 3000);
  const t = tally(texts);
  report('generated scripts', t);
  assert.ok(t.accepted > 60, `the fast path accepted only ${t.accepted} generated scripts`);
  const r = prng(5);
  const tm = tally(texts.map((x) => mutate(x, r)));
  report('mutated generated scripts', tm);
  assert.ok(tm.accepted > 20, `the fast path accepted only ${tm.accepted} mutated scripts`);
});

test('differential: short scripts of random tokens (keywords, operators, quotes, expansions)', () => {
  const t = tally(tokenSoup(77, 20000));
  report('token soup', t);
  assert.ok(t.accepted > 1000, `the fast path accepted only ${t.accepted} token-soup scripts`);
});

test('differential: here-documents (quoted and not, two on a line, in $(…), bodies with expansions), and mutations', () => {
  const texts = heredocScripts(31, 3000);
  const t = tally(texts);
  report('here-documents', t);
  assert.ok(t.accepted > 500, `the fast path accepted only ${t.accepted} here-document scripts`);
  const r = prng(17);
  const tm = tally(texts.map((x) => mutate(x, r)));
  report('mutated here-documents', tm);
  assert.ok(tm.accepted > 200, `the fast path accepted only ${tm.accepted} mutated here-document scripts`);
});

const ACCEPT = [
  '',
  '# only a comment\n',
  'set -euo pipefail',
  'docker push "$IMAGE"',
  'A=b',
  'A= cmd',
  'A=b B+=c cmd arg a=b',
  'echo "$A" ${B} "${C}" $1 $@ "$#" $? $$',
  'a && b || c',
  'a | b | c && d',
  '! grep -q x f && echo y',
  'cmd > out 2>&1 < in >> log &> all <<< "$x" >&2 2>/dev/null',
  'IMAGE="ghcr.io/@GHE0@/app:@GHE1@"\ndocker build -t "$IMAGE" . \\\n  --push',
  'export A=b C -n\nlocal x="$1"\ndeclare -r Y=1\nreadonly Z',
  'if [ -n "$A" ]; then\n  echo a\nelif test -z "$B"; then echo b\nelse\n  echo c\nfi',
  'for t in a b "c d"; do docker push "r:$t"; done',
  'for x; do echo "$x"; done',
  'while read -r l; do echo "$l"; done < f',
  'until false; do :; done',
  '{ a; b; } > f',
  '(cd x && make)',
  'echo "$(git rev-parse --short HEAD)" $(date +%s)',
  'DIGEST=$(docker inspect --format "{{index .RepoDigests 0}}" "$IMAGE" | cut -d@ -f2)',
  'echo "image=${IMAGE}@${DIGEST}" >> "$GITHUB_OUTPUT"',
  'echo ${A:-default} ${B:=x} ${C:+alt} ${D%.tar} ${E##*/} ${#F}',
  "echo 'single $quoted' \"esc \\\" \\$x\" a\\ b",
  'echo "üñï©ødé" é',
  'find . -name "*.yml" -exec cat {} \\;',
  'a; b\nc ; d;',
  'echo if then fi done',
  '[[ -n "$x" ]]',
  'for d in `find . -type d`; do echo "`date`" ${A[@]} "${B[*]}" ${#C[@]} ${D[0]}; done',
  'helm push x |& tee .digest',
  'cat <<EOF >> "$GITHUB_OUTPUT"\nimage=${IMAGE}@${DIGEST}\nEOF\necho done',
  "kubectl apply -f - <<'EOF'\nkind: $NotExpanded\nEOF",
  'publish() {\n  docker push "$1"\n  cosign sign --yes "$1"\n}\npublish "$IMAGE"',
  'function f { a; }\nfunction g() ( b ) > log',
  'if [[ @GHE0@ =~ ^refs/tags/v[0-9]+\\.[0-9]+$ ]]; then echo "match=true" >> $GITHUB_OUTPUT; fi',
  '[[ $a == *"b"* && ! -f x || $n -eq 1 ]] && echo y',
  'echo a\\\nb \\\n  c',
];

test('the common shapes are accepted, with mvdan-sh’s tree', () => {
  for (const text of ACCEPT) {
    const c = compareParsers(text);
    assert.equal(c.kind, 'same', `${JSON.stringify(text)}: ${c.kind === 'mismatch' ? c.why : 'bailed'}`);
  }
});

const BAIL = [
  // syntax errors (mvdan-sh must report them)
  'echo "unterminated',
  "echo 'unterminated",
  'echo $(unclosed',
  'echo ${A',
  'if a; then b',
  'if a; then fi',
  'for x in a b; do done',
  'a &&',
  '&& a',
  '| a',
  'a ;; b',
  '; a',
  'a; ;',
  '{ a }',
  'fi',
  'done',
  'then x',
  ')',
  'echo )',
  'a >',
  'export A 2>&1 B',
  'echo <&0>f',
  // outside the subset
  'cat <<-EOF\n\tx\n\tEOF',
  'cat <<"EOF"\nx\nEOF',
  'cat <<EOF\nx',
  'echo `a \\` b`',
  'echo "`a "b"`"',
  'echo `a # c`',
  "echo $'a\\tb'",
  'echo $((1 + 2))',
  'a=(1 2)',
  'A[1]=x',
  '[[ -foo a ]]',
  '[[ a ]]]',
  '[[ a =~ ^(a|b)$ ]]',
  '[[ a == b == c ]]',
  'echo $${v}<f',
  'elsefi\\\nb=c do',
  'case $x in a) b;; esac',
  'function f (a)',
  'f() { a; } && b',
  'f() if a; then b; fi',
  'a &',
  'diff <(a) <(b)',
  'echo ${A/x/y} ${A:1:2} ${A^^}',
  'echo ${!A}',
  'echo ${A[$i]} ${A[i+1]} ${A[0]:-x}',
  'let x=1',
  'time a',
  '! a | b',
  'echo "$x"\\\nb',
  'echo $x\\\nb',
  '"$x"#c',
  'echo x[1]',
  'echo a\r\n',
  'A=1 export B',
  'echo $',
];

test('syntax errors and constructs outside the subset are left to mvdan-sh', () => {
  for (const text of BAIL) assert.equal(fastParseShell(text), undefined, `${JSON.stringify(text)} was accepted`);
});

test('the syntax errors among them are still mvdan-sh’s errors', () => {
  for (const text of ['echo "unterminated', 'if a; then b', 'a &&', '{ a }', 'export A 2>&1 B']) {
    const m = parseWithMvdan(text, 't');
    assert.equal(m.ok, false, JSON.stringify(text));
  }
});

test('spans are byte offsets, as in the source bytes the interpreter slices', () => {
  const text = 'echo "é$(a)" ${B}';
  const fast = evaluateSpans(fastParseShell(text)) as Array<{ cmd: { args: Array<{ parts: Array<Record<string, unknown>> }> } }>;
  const dq = fast[0]!.cmd.args[1]!.parts[0] as { parts: Array<{ span?: { start: number; end: number } }> };
  assert.deepEqual(dq.parts[1]!.span, { start: 8, end: 12 });
  const bytes = Buffer.from(text, 'utf8');
  assert.equal(bytes.subarray(8, 12).toString(), '$(a)');
});
