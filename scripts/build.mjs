// Bundles the action and the CLI into self-contained ESM files in dist/.
import { build } from 'esbuild';
import { bundleOptions, cliBanner } from './build-config.mjs';

await build({ ...bundleOptions, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({ ...bundleOptions, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: cliBanner });
