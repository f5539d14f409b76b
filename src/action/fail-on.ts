// The gate decision lives in src/gate/fail-on.ts, shared with the CLI (which must not import @actions/core or
// anything under src/action that does). Re-exported here for the callers of its first home.
export { decideFailure, decideGate, type FailDecision } from '../gate/fail-on.js';
