/**
 * The package.json version, written into the bundles by scripts/build-config.mjs (esbuild `define`), so the shipped
 * dist/ reports the version it was built as without reading any file at run time. Unbundled sources (the compiled
 * tests) have no such constant: the version is then unknown, and renderers leave it out rather than guess.
 */
declare const __IMAGE_SIGNING_AUDIT_VERSION__: string | undefined;

export const TOOL_VERSION: string | undefined = typeof __IMAGE_SIGNING_AUDIT_VERSION__ === 'string' ? __IMAGE_SIGNING_AUDIT_VERSION__ : undefined;

/** Semantic Versioning 2.0.0 (the grammar's regular expression from semver.org). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function isSemanticVersion(v: string): boolean {
  return SEMVER.test(v);
}
