/**
 * Commands outside the modelled tools whose standard output is known to be empty when they succeed: what a
 * capture around them (`$(make publish)`, whose prerequisites install tools) holds does not depend on them.
 * Only commands that write progress and errors to standard error belong here.
 */
export function printsNothing(cmd: string, args: readonly string[]): boolean {
  const sub = args.find((a) => !a.startsWith('-'));
  switch (cmd) {
    case 'go':
      // `go install`, `go build` and `go mod download` print to stderr (`-json`, `-n`, `-x` change that).
      return (sub === 'install' || sub === 'build' || (sub === 'mod' && args.includes('download'))) && !args.some((a) => /^-(json|n|x|v)$/.test(a) || a === '-json');
    case 'ln':
    case 'install':
    case 'chown':
    case 'sleep':
      return !args.some((a) => a === '-v' || a === '--verbose');
    default:
      return false;
  }
}
