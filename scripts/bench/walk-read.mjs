// A floor: walk the tree (skipping .git and symlinks) and read every file's bytes, parsing nothing. The gap between
// this and the CLI is what the analysis itself costs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
let files = 0;
let bytes = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.isSymbolicLink()) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) {
      files++;
      bytes += readFileSync(p).length;
    }
  }
};
walk(root);
process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
