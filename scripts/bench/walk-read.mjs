// A floor: walk the tree (skipping .git and symlinks) and read every file's bytes, parsing nothing. The gap between
// this and the CLI is what the analysis itself costs.
import { readFileSync } from 'node:fs';
import { walkFiles } from './walk.mjs';

let files = 0;
let bytes = 0;
walkFiles(process.argv[2], (path) => {
  files++;
  bytes += readFileSync(path).length;
});
process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
