// The tree walk both bench workloads share: every regular file below `root`, skipping .git and symbolic links.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function walkFiles(root, onFile) {
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.git' || e.isSymbolicLink()) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) onFile(p, e.name);
    }
  };
  walk(root);
}
