// Prints the README's rule reference from the compiled rule registry (src/render/rule-docs.ts).
// Usage: npx tsc -p tsconfig.test.json && node scripts/gen-rule-docs.mjs
// A test fails when README.md's "## Rule reference" section differs from this output.
import { renderRuleReference } from '../build/src/render/rule-docs.js';

process.stdout.write(renderRuleReference());
