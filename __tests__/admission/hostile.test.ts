import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELM_PLACEHOLDER, preprocessHelmTemplate } from '../../src/admission/helm.js';

/**
 * Helm template pre-processing on hostile lines (issue 12): the action patterns were tried at every `{{` of a
 * line, so 500 KB of `{{` without `}}` was quadratic (and `{{` followed by blanks cubic, with the line anchors).
 */
const KB500 = 500 * 1024;

test('a 500 KB line of `{{` with no `}}` is kept as written (nothing to replace), in one pass', () => {
  const line = 'image: ' + '{{a'.repeat(KB500 / 3);
  assert.equal(preprocessHelmTemplate(`kind: ClusterPolicy\n${line}\n`, {}), `kind: ClusterPolicy\n${line}\n`);
  const blanks = '{{' + ' '.repeat(KB500);
  assert.equal(preprocessHelmTemplate(blanks, {}), blanks);
  const onlyIf = '{{- if' + ' '.repeat(KB500);
  assert.equal(preprocessHelmTemplate(onlyIf, {}), onlyIf);
});

test('one action and many unclosed `{{` after it: the action is replaced, the rest kept', () => {
  const rest = ' {{'.repeat(KB500 / 3);
  assert.equal(preprocessHelmTemplate(`x: {{ .Values.a }}${rest}`, { a: 'v' }), `x: v${rest}`);
});

test('ten thousand nested ifs: each line asks whether any enclosing block is off, not the whole stack', () => {
  const text = '{{ if .Values.on }}\n'.repeat(10_000) + '{{ if .Values.off }}\nhidden: 1\n{{ end }}\nshown: {{ .Values.x | default "d" }}\n';
  const out = preprocessHelmTemplate(text, { on: true, off: false }).split('\n');
  assert.equal(out.length, 10_005);
  assert.equal(out[10_001], '');
  assert.equal(out[10_003], 'shown: d');
});

test('trim markers and blanks around action bodies are read as the patterns read them', () => {
  const text = ['a: {{- .Values.a -}}', 'b: {{.Values.b}}', 'c: {{  .Values.c  | quote }}', 'd: {{ .Values.missing }}', '  {{- if .Values.off -}}  ', 'e: 1', '{{ end }}'].join('\n');
  assert.deepEqual(preprocessHelmTemplate(text, { a: 1, b: 'x', c: 'y', off: false }).split('\n'), ['a: 1', 'b: x', 'c: y', `d: ${HELM_PLACEHOLDER}`, '', '', '']);
});
