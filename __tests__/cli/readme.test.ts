import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderRuleReference } from '../../src/render/rule-docs.js';
import { RULES } from '../../src/rules/index.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

test('the README rule reference is the one generated from the rule registry', () => {
  const start = readme.indexOf('## Rule reference');
  assert.ok(start >= 0, 'README has a "## Rule reference" section');
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next + 1);
  assert.equal(section.trimEnd(), renderRuleReference().trimEnd(), 'regenerate it with: npx tsc -p tsconfig.test.json && node scripts/gen-rule-docs.mjs');
});

test('every rule has a README anchor for its SARIF helpUri', () => {
  for (const rule of RULES) assert.ok(readme.includes(`### Rule: \`${rule.id}\``), rule.id);
});

test('the README names the two commands a newcomer needs', () => {
  assert.ok(readme.includes('node dist/cli.js examples/signed-and-enforced'), 'run on the bundled example');
  assert.ok(readme.includes('npm ci && npm test'), 'install and test');
});
