// esbuild settings shared by scripts/build.mjs and the tests that bundle the action themselves.
// esbuild rather than ncc: it bundles TypeScript directly, is byte-for-byte deterministic across
// Node versions (CI rebuilds dist/ and diffs it), and takes well under a second.
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const requireShim = "import { createRequire as __isaCreateRequire } from 'node:module';\nconst require = __isaCreateRequire(import.meta.url);";

/** The shell parser's own file next to each bundle (src/shell/parser.ts loads it on the first parse). */
export const SHELL_PARSER_FILE = 'shell-parser.cjs';
/** re2js, the linear-time regular-expression engine, beside each bundle (src/util/safe-regex.ts requires it on first use). */
export const RE2_FILE = 're2.cjs';
/** The online confirmation (src/online/index.ts) with the Sigstore libraries: imported only with confirm-online. */
export const ONLINE_FILE = 'online.js';

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // Whitespace and syntax minified (less for V8 to scan at every start); identifiers kept, so a stack trace still
  // names the functions, and a linked source map gives source positions (`node --enable-source-maps`).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  // Bundled CommonJS packages call require() for Node built-ins; an ESM bundle has no require.
  banner: { js: requireShim },
  define: {
    // The version SARIF's tool.driver reports (src/version.ts): fixed at build time, no file read at run time.
    __IMAGE_SIGNING_AUDIT_VERSION__: JSON.stringify(version),
    __IMAGE_SIGNING_AUDIT_SHELL_PARSER__: JSON.stringify(`./${SHELL_PARSER_FILE}`),
    __IMAGE_SIGNING_AUDIT_RE2__: JSON.stringify(`./${RE2_FILE}`),
    __IMAGE_SIGNING_AUDIT_ONLINE__: JSON.stringify(`./${ONLINE_FILE}`),
  },
};

/**
 * mvdan-sh (3 MB of GopherJS, three quarters of the code) as a CommonJS file of its own, required on the first
 * shell parse rather than compiled at every start. One copy serves both bundles.
 */
export const shellParserOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  minifyWhitespace: true,
  minifySyntax: true,
  // No source map: the package is itself compiled output (GopherJS), so a map would point at more of the same.
  entryPoints: ['node_modules/mvdan-sh/index.js'],
};

/**
 * re2js as a CommonJS file of its own (its package ships one), required on the first expression compiled from the
 * scanned tree rather than compiled at every start. One copy serves both bundles and the online module.
 */
export const re2Options = {
  ...shellParserOptions,
  entryPoints: ['node_modules/re2js/build/index.cjs'],
};

/** The online module as an ESM file of its own beside both bundles (src/online/load.ts imports it on first use). */
export const onlineOptions = { ...bundleOptions, entryPoints: ['src/online/index.ts'] };

export const cliBanner = { js: '#!/usr/bin/env node\n' + requireShim };
