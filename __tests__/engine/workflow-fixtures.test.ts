import { before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import { loadShellParser } from '../../src/shell/index.js';
import { assertGolden, FIXTURES } from '../helpers/golden.js';
import { summarize } from '../helpers/summary.js';

/**
 * Golden tests over real-shaped workflow trees (actionlint style): each folder in fixtures/workflows is scanned and
 * a compact summary of images, signatures and findings is compared with golden/workflows/<folder>.json.
 */
const DIR = join(FIXTURES, 'workflows');
const REPOSITORY: Record<string, string> = { 'dynamic-image-name': 'acme/dyn', 'local-action-own': 'docker/build-push-action' };
const REMOTE: Record<string, string> = { 'remote-inspected': join(DIR, 'remote-checkouts'), 'goreleaser-includes': join(DIR, 'remote-checkouts'), 'remote-opaque-action': join(DIR, 'remote-checkouts') };

describe('workflow fixtures', () => {
  before(loadShellParser);
  for (const name of readdirSync(DIR).sort()) {
    if (name === 'remote-checkouts') continue;
    test(name, async () => {
      const report = await analyze({
        root: join(DIR, name),
        repository: REPOSITORY[name] ?? 'acme/app',
        ...(REMOTE[name] ? { remoteCheckouts: REMOTE[name] } : {}),
      });
      assertGolden(`workflows/${name}.json`, JSON.stringify(summarize(report), null, 2) + '\n');
    });
  }
});
