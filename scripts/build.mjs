// Bundles the action and the CLI into self-contained ESM files in dist/.
// esbuild rather than ncc: it bundles TypeScript directly, is byte-for-byte deterministic across
// Node versions (CI rebuilds dist/ and diffs it), and takes well under a second.
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // mvdan-sh is CommonJS and calls require() for Node built-ins; an ESM bundle has no require.
  banner: { js: "import { createRequire as __isaCreateRequire } from 'node:module';\nconst require = __isaCreateRequire(import.meta.url);" },
};

await build({ ...shared, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + shared.banner.js } });
