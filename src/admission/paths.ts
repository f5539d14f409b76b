/**
 * Where a file sits decides whether its policies count. Tests, fixtures and docs are never deployed, so they are
 * skipped before anything is read; examples and samples are read and listed but do not count.
 */
export type PathRole = 'skip' | 'example' | 'deployable';

const SKIP_SEGMENTS = new Set([
  'test',
  'tests',
  'testdata',
  'test-data',
  '_testdata',
  'testing',
  'e2e',
  'fixture',
  'fixtures',
  '__tests__',
  '.chainsaw-test',
  '.kyverno-test',
  'conformance',
  'docs',
  'doc',
  'documentation',
  'website',
  'www',
  '.github',
  'vendor',
  'third_party',
]);

const EXAMPLE_SEGMENTS = new Set(['example', 'examples', 'sample', 'samples']);

const POLICY_EXTENSIONS = /\.(ya?ml|json|tf|tpl)$/i;

export function classifyPath(path: string): PathRole {
  if (!POLICY_EXTENSIONS.test(path)) return 'skip';
  const segments = path.toLowerCase().split('/');
  const dirs = segments.slice(0, -1);
  const base = segments[segments.length - 1] ?? '';
  if (dirs.some((d) => SKIP_SEGMENTS.has(d))) return 'skip';
  // Chainsaw and kyverno CLI test files sit next to policies under their own names.
  if (/^(chainsaw-test|kyverno-test)\.ya?ml$/.test(base) || /[._-]test\.ya?ml$/.test(base)) return 'skip';
  if (dirs.some((d) => EXAMPLE_SEGMENTS.has(d))) return 'example';
  return 'deployable';
}

/** A Helm chart template: not valid YAML until rendered. */
export function isHelmTemplate(path: string, text: string): boolean {
  return /(^|\/)templates\//.test(path) || /\.tpl$/i.test(path) || /\{\{[-\s]/.test(text);
}

/** The chart root (folder holding Chart.yaml) for a template path, when the tree has one. */
export function chartRootOf(path: string, has: (p: string) => boolean): string | undefined {
  const parts = path.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = parts.slice(0, i).join('/');
    if (has(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) return dir;
  }
  return undefined;
}
