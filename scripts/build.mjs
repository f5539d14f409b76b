// Bundles the action and the CLI into self-contained ESM files in dist/, and writes dist/licenses.txt with the
// licence texts of every package the bundles contain (esbuild's legalComments: 'none' strips them from the code).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions, cliBanner } from './build-config.mjs';
import { bundledPackageDirs, renderLicenses } from './licenses.mjs';

const action = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
const cli = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: cliBanner });
writeFileSync('dist/licenses.txt', renderLicenses(process.cwd(), { 'index.js': bundledPackageDirs(action.metafile), 'cli.js': bundledPackageDirs(cli.metafile) }));
