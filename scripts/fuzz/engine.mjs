// The analysis code the warm server runs: a bundle of the current sources (src/, with the same esbuild settings
// as dist/), so a fuzz run tests what the next `npm run build` would ship. When esbuild cannot be loaded, the
// TypeScript build in build/src (made by `npx tsc -p tsconfig.test.json`, which `npm test` runs) is used.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ENTRY = `export { run } from './src/action/run.ts';
export { parseInputs } from './src/action/inputs.ts';
`;

/** Returns { url, how } of an ES module exporting run and parseInputs. */
export async function prepareEngine(root, workDir) {
  try {
    const { build } = await import('esbuild');
    const { bundleOptions, shellParserOptions, SHELL_PARSER_FILE, re2Options, RE2_FILE } = await import(pathToFileURL(join(root, 'scripts', 'build-config.mjs')).href);
    const outfile = join(workDir, 'engine.mjs');
    await build({ ...bundleOptions, stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'fuzz-engine.ts' }, outfile, logLevel: 'error' });
    await build({ ...shellParserOptions, absWorkingDir: root, outfile: join(workDir, SHELL_PARSER_FILE), logLevel: 'error' });
    await build({ ...re2Options, absWorkingDir: root, outfile: join(workDir, RE2_FILE), logLevel: 'error' });
    return { url: pathToFileURL(outfile).href, how: 'bundle of src/ (esbuild)' };
  } catch (e) {
    const built = join(root, 'build', 'src', 'action', 'run.js');
    if (!existsSync(built)) throw new Error(`cannot bundle src/ (${e && e.message}) and ${built} is missing; run "npx tsc -p tsconfig.test.json"`, { cause: e });
    const url = join(workDir, 'engine.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(url, `export { run } from ${JSON.stringify(pathToFileURL(built).href)};\nexport { parseInputs } from ${JSON.stringify(pathToFileURL(join(root, 'build', 'src', 'action', 'inputs.js')).href)};\n`);
    return { url: pathToFileURL(url).href, how: 'build/src (tsc output)' };
  }
}
