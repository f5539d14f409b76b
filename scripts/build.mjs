// Bundles the action and the CLI into ESM files in dist/ (with the shell parser and re2js in files of their own
// beside them, loaded on first use), and writes dist/licenses.txt with the
// licence texts of every package the bundles contain (esbuild's legalComments: 'none' strips them from the code).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleOptions, cliBanner, ONLINE_FILE, onlineOptions, RE2_FILE, re2Options, SHELL_PARSER_FILE, shellParserOptions } from './build-config.mjs';
import { bundledPackageDirs, renderLicenses } from './licenses.mjs';

const action = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
const cli = await build({ ...bundleOptions, metafile: true, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: cliBanner });
const shellParser = await build({ ...shellParserOptions, metafile: true, outfile: `dist/${SHELL_PARSER_FILE}` });
const re2 = await build({ ...re2Options, metafile: true, outfile: `dist/${RE2_FILE}` });
const online = await build({ ...onlineOptions, metafile: true, outfile: `dist/${ONLINE_FILE}` });
writeFileSync(
  'dist/licenses.txt',
  renderLicenses(process.cwd(), {
    'index.js': bundledPackageDirs(action.metafile),
    'cli.js': bundledPackageDirs(cli.metafile),
    [SHELL_PARSER_FILE]: bundledPackageDirs(shellParser.metafile),
    [RE2_FILE]: bundledPackageDirs(re2.metafile),
    [ONLINE_FILE]: bundledPackageDirs(online.metafile),
  }),
);
