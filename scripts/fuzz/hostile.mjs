// Hostile text: tokens that break parsers, forge log lines, hide text, or multiply work. Used by the
// generators (as names and values) and by the token-replacing mutator.

export const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
export const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\r', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\u200e', '\u061c'];

/** Text that would be a workflow command if a renderer echoed it at the start of a log line. */
export const COMMAND_TEXT = ['::error::forged', '::warning file=x,line=1::forged', '::set-output name=verdict::pass', '::add-mask::x', '::stop-commands::t', '##[error]forged', '##[group]x', '  ::notice::x', '::debug::x', '\n::error::forged\n'];

export const HOSTILE_TOKENS = [
  '${{', '}}', '${{ }}', '${{ format() }}', '${{ fromJSON(\'[[[[[[[[\') }}', '${{ github.event.head_commit.message }}',
  '$(', ')', '`', '"', "'", '\\', '\\\n', '$', '${', '}', '${#', '${!', '${@', '$((1<<62))', '$((', '))',
  '{', '[', ']', '(', '|', '||', '&&', ';', ';;', '&', '!', '<<EOF', '<<-', '<(', '>(', '*', '**', '?', '#',
  '{{', '{{-', '-}}', '{{ .Env.A }}{{ .Env.A }}', '{{ range . }}', '{{ template "x" . }}', '{{ define "x" }}{{ template "x" . }}{{ end }}',
  '$(A)$(A)', '$$', '$(eval $(X))', '$(call X,$(X))', '$(shell x)', '$(foreach a,$(A),$(A))', '\t', ':=', '+=', '::=', '!=', 'define', 'endef', 'ifeq',
  '<<: *a', '*a', '&a', '!!binary', '!!python/object', '? ', '- ', ': ', '---', '...', '%YAML 1.1', '|', '>-', '"\\u0000"',
  '(a+)+$', '(.*)*x', '^(a|a)*$', '[a-', '(?<', '\\p{', 'a'.repeat(64) + '!', '*'.repeat(200), '**/'.repeat(50),
  '../../../../etc/passwd', '/etc/passwd', '/dev/zero', '/proc/self/environ', 'C:\\Windows', '~', '-rf',
  ...BIDI, ...CONTROLS, ...COMMAND_TEXT,
  'ghcr.io/' + 'a'.repeat(300), 'x'.repeat(5000), '0'.repeat(40), '@sha256:' + 'f'.repeat(64), ':latest', 'localhost:5000/',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', '~null', 'NaN', '-0', '1e309', '0x7fffffff',
];

export function hostileToken(rng) {
  return rng.pick(HOSTILE_TOKENS);
}

/** A short name that is sometimes hostile (bidi, controls, command text): for job names, images, policy names. */
export function maybeHostileName(rng, base) {
  const r = rng.float();
  if (r < 0.85) return base;
  if (r < 0.9) return base + rng.pick(BIDI) + 'gpj.exe';
  if (r < 0.95) return rng.pick(COMMAND_TEXT) + base;
  return base + rng.pick(CONTROLS) + base;
}
