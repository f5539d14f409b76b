// esbuild settings shared by scripts/build.mjs and the tests that bundle the action themselves.
// esbuild rather than ncc: it bundles TypeScript directly, is byte-for-byte deterministic across
// Node versions (CI rebuilds dist/ and diffs it), and takes well under a second.
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
};

export const cliBanner = { js: '#!/usr/bin/env node\n' + requireShim };
