import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RULE_SEVERITY, ruleSeverity } from '../../src/model/rule-severity.js';
import { ruleFinding } from '../../src/model/rule-finding.js';
import { RULES } from '../../src/rules/index.js';

// Findings take their default severity from the table in src/model/ (so readers need not import the rule
// registry); the registry documents the same severity. They must not drift apart in either direction.
test('the severity table and the rule registry name the same rules with the same severities', () => {
  const registry = Object.fromEntries(RULES.map((r) => [r.id, r.severity]));
  assert.deepEqual({ ...RULE_SEVERITY }, registry);
});

test('a finding of an unknown rule is a programming error, not a finding with no severity', () => {
  assert.throws(() => ruleSeverity('no-such-rule'), /unknown rule id/);
  assert.throws(() => ruleSeverity('toString'), /unknown rule id/);
  assert.equal(ruleFinding('unsigned-image', 'm', { file: 'a', line: 1 }).severity, 'error');
  assert.equal(ruleFinding('unsigned-image', 'm', { file: 'a', line: 1 }, [], { severity: 'note' }).severity, 'note');
});
