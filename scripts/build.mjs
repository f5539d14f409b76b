// Bundles the action and the CLI into ESM files in dist/ (with the shell parser in a file of its own beside them,
// loaded on first use), and writes dist/licenses.txt with the
// licence texts of every package the bundles contain (esbuild's legalComments: 'none' strips them from the code).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions, cliBanner, ONLINE_FILE, onlineOptions, SHELL_PARSER_FILE, shellParserOptions } from './build-config.mjs';
import { bundledPackageDirs, renderLicenses } from './licenses.mjs';

const action = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
const cli = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: cliBanner });
const shellParser = await build({ ...shellParserOptions, metafile: true, outfile: `dist/${SHELL_PARSER_FILE}` });
const online = await build({ ...onlineOptions, metafile: true, outfile: `dist/${ONLINE_FILE}` });
writeFileSync(
  'dist/licenses.txt',
  renderLicenses(process.cwd(), {
    'index.js': bundledPackageDirs(action.metafile),
    'cli.js': bundledPackageDirs(cli.metafile),
    [SHELL_PARSER_FILE]: bundledPackageDirs(shellParser.metafile),
    [ONLINE_FILE]: bundledPackageDirs(online.metafile),
  }),
);
