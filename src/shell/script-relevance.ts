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
  return TOOLS.test(code) || SCRIPT_CALL.test(code) || SHELL_BUILTINS.test(code);
}
