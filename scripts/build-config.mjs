// esbuild settings shared by scripts/build.mjs and the tests that bundle the action themselves.
// esbuild rather than ncc: it bundles TypeScript directly, is byte-for-byte deterministic across
// Node versions (CI rebuilds dist/ and diffs it), and takes well under a second.
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const requireShim = "import { createRequire as __isaCreateRequire } from 'node:module';\nconst require = __isaCreateRequire(import.meta.url);";

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // mvdan-sh is CommonJS and calls require() for Node built-ins; an ESM bundle has no require.
  banner: { js: requireShim },
  // The version SARIF's tool.driver reports (src/version.ts): fixed at build time, no file read at run time.
  define: { __IMAGE_SIGNING_AUDIT_VERSION__: JSON.stringify(version) },
};

export const cliBanner = { js: '#!/usr/bin/env node\n' + requireShim };
