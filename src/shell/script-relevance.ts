/**
 * A cheap test on a `run:` script's text before it is parsed: scripts that name no push, sign or build tool, call
 * no make target or repository script, and write no $GITHUB_ENV/$GITHUB_OUTPUT cannot produce anything the
 * analysis uses (test runners, linters, kubectl…), so they are not parsed. Tool names are matched
 * case-insensitively so that `$DOCKER push` and `$COSIGN_CLI sign` still count.
 */
const TOOLS =
  /docker|podman|buildah|kaniko|executor|\bko\b|crane|skopeo|oras|\bpack\b|jib|goreleaser|cosign|notation|nerdctl|regctl|builds\s+submit|acr\s+build|helm\s+push|flux\s+push|\bmake\b|\bgmake\b|github_env|github_output|set-output|\.sh\b|\bbash\s+-c|\bsh\s+-c/i;
/** `source x`, `. x` and `eval …` in command position (not `yq eval`). */
const SHELL_BUILTINS = /(^|[;&|(`]|\b(then|do|else)\b)\s*(source|\.|eval)\s+\S/m;
/** A repository script in command position: `./hack/release`, `../x`, `scripts/publish` after `;`, `&&`, `then`… */
const SCRIPT_CALL = /(^|[;&|(`]|\b(then|do|else|exec|sudo|time|env)\b)\s*(\.{1,2}\/|[\w-]+\/)[\w./-]*[\w-](\s|$|;)/m;

export function scriptMayMatter(script: string): boolean {
  // Whole-line comments do not run (`# Usage: release.sh …` in a header must not make a report script relevant).
  const code = script.includes('#') ? script.replace(/^[ \t]*#.*$/gm, '') : script;
  if (TOOLS.test(code)) return true;
  // Command position is judged outside single-quoted text: a jq or awk program's lines (`. as $r |`, `  foo/bar`)
  // are data, not `source` or a script call. Tool names above are looked for inside quotes too (`ssh h 'docker
  // push …'`), and text quoted for a shell that runs it (`-c '…'`, `eval '…'`) is kept.
  const commands = code.includes("'") ? outsideSingleQuotes(code) : code;
  return SCRIPT_CALL.test(commands) || SHELL_BUILTINS.test(commands);
}

/** A single-quoted word given to a shell that runs it as code. */
const RUNS_QUOTED = /(^|\s)(-c|eval)\s*$/;

/**
 * The text with single-quoted strings blanked (newlines kept), following the shell's quoting: a `'` inside double
 * quotes, after a backslash, in a comment or in a here-document body opens nothing (bodies are kept as written: one
 * may be fed to a shell). Where the quotes do not pair up the text is returned unchanged, so a misreading can only
 * make a script relevant, never hide it.
 */
function outsideSingleQuotes(text: string): string {
  let out = '';
  let from = 0;
  let double = false;
  const pendingBodies: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (c === '"') {
      double = !double;
    } else if (double) {
      continue;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) break;
      i = eol - 1;
    } else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = HEREDOC.exec(text.slice(i, i + 200));
      if (m) pendingBodies.push(m[2]!);
    } else if (c === '\n' && pendingBodies.length) {
      for (const delimiter of pendingBodies.splice(0)) {
        const end = hereDocEnd(text, i + 1, delimiter);
        if (end < 0) return text;
        i = end;
      }
      i--;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return text;
      if (!RUNS_QUOTED.test(text.slice(Math.max(from, i - 8), i))) {
        out += text.slice(from, i + 1) + text.slice(i + 1, end).replace(/[^\n]/g, ' ');
        from = end;
      }
      i = end;
    }
  }
  return double ? text : out + text.slice(from);
}

/** `<<EOF`, `<<-'EOF'`, `<< "EOF"`: the delimiter word. */
const HEREDOC = /^<<-?\s*(['"]?)([A-Za-z_][\w.-]*)\1/;

/** Where the line after a here-document's closing delimiter starts (-1 when it never closes). */
function hereDocEnd(text: string, start: number, delimiter: string): number {
  let at = start;
  while (at < text.length) {
    const eol = text.indexOf('\n', at);
    const line = text.slice(at, eol < 0 ? text.length : eol);
    if (line.replace(/^\t+/, '') === delimiter) return eol < 0 ? text.length : eol;
    if (eol < 0) return -1;
    at = eol + 1;
  }
  return -1;
}
