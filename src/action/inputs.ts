import type { AnnotateMode } from '../render/annotations.js';
import { DEFAULT_CONFIG_PATH } from '../config/config.js';
import { defaultFailOn, type FailOn } from '../gate/fail-on.js';
import { parseConfirmMode, parseConfirmReference, parseEndpoint, type OnlineSettings } from '../online/options.js';

export type { FailOn } from '../gate/fail-on.js';

/** The action's inputs, typed and validated (see action.yml for their documentation). */
export interface ActionInputs {
  path: string;
  policyPaths: string[];
  repository?: string;
  remoteCheckouts?: string;
  /** Empty = no token: no network at all. */
  githubToken: string;
  /** Overall deadline of the REST API phase, in milliseconds. */
  apiDeadlineMs: number;
  failOn: FailOn;
  /** True when `fail-on` was left empty, so it follows the event (`new` on pull requests and merge queues). */
  failOnDefaulted: boolean;
  requireEnforcement: boolean;
  annotate: AnnotateMode;
  sarifFile?: string;
  /** Code-scanning category written as the SARIF's automationDetails.id (`<category>/`); none when not given. */
  sarifCategory?: string;
  reportFile?: string;
  config: string;
  /** True when `config` was set to something other than the default (then a missing file is an error). */
  configExplicit: boolean;
  /** confirm-online (true or required) with registry-endpoints, trusted-root and confirm-reference; absent when off. */
  online?: OnlineSettings;
}

// In the order the error message lists them (the levels first, then `new`).
const FAIL_ON: FailOn[] = ['fail', 'error', 'warning', 'never', 'new'];
const ANNOTATE: AnnotateMode[] = ['changed', 'all', 'none'];

/**
 * Reads and validates the inputs. `get` returns the trimmed input or '' (as @actions/core's getInput does),
 * so this stays a pure function that tests call with a plain object. `eventName` (GITHUB_EVENT_NAME) decides
 * what an empty `fail-on` means: `new` on pull_request, pull_request_target and merge_group, else `fail`.
 */
export function parseInputs(get: (name: string) => string, eventName?: string): ActionInputs | { error: string } {
  const failOn = (get('fail-on') || defaultFailOn(eventName)).toLowerCase();
  if (!FAIL_ON.includes(failOn as FailOn)) return { error: `fail-on must be one of ${FAIL_ON.join(', ')}, got '${failOn}'` };
  const annotate = (get('annotate') || 'changed').toLowerCase();
  if (!ANNOTATE.includes(annotate as AnnotateMode)) return { error: `annotate must be one of ${ANNOTATE.join(', ')}, got '${annotate}'` };
  const requireEnforcement = (get('require-enforcement') || 'true').toLowerCase();
  if (requireEnforcement !== 'true' && requireEnforcement !== 'false') return { error: `require-enforcement must be true or false, got '${requireEnforcement}'` };
  const repository = get('repository');
  if (repository && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) return { error: `repository must be owner/name, got '${repository}'` };
  const apiTimeout = get('api-timeout') || '60';
  if (!/^\d+(\.\d+)?$/.test(apiTimeout) || Number(apiTimeout) <= 0 || Number(apiTimeout) > 3600) return { error: `api-timeout must be a number of seconds between 0 and 3600, got '${apiTimeout}'` };
  const config = get('config');
  if (get('sarif-category').length > 200 || /[\u0000-\u001f\u007f]/.test(get('sarif-category'))) return { error: 'sarif-category must be one line of at most 200 characters' }; // eslint-disable-line no-control-regex
  const confirm = parseConfirmMode(get('confirm-online'));
  if (typeof confirm !== 'string') return confirm;
  const endpoints: Record<string, string> = {};
  for (const entry of splitList(get('registry-endpoints'))) {
    const e = parseEndpoint(entry);
    if ('error' in e) return { error: `registry-endpoints: ${e.error}` };
    endpoints[e.host] = e.url;
  }
  let confirmReference: string | undefined;
  if (get('confirm-reference')) {
    const r = parseConfirmReference(get('confirm-reference'));
    if (typeof r !== 'string') return r;
    confirmReference = r;
  }
  const online: OnlineSettings | undefined =
    confirm === 'off'
      ? undefined
      : { mode: confirm, endpoints, publicKeys: [], ...(splitList(get('notation-certificates')).length > 0 ? { notationCerts: splitList(get('notation-certificates')) } : {}), ...(get('trusted-root') ? { trustedRoot: get('trusted-root') } : {}), ...(confirmReference ? { reference: confirmReference } : {}) };
  return {
    ...(online ? { online } : {}),
    path: get('path') || '.',
    policyPaths: splitList(get('policy-paths')),
    ...(repository ? { repository } : {}),
    ...(get('remote-checkouts') ? { remoteCheckouts: get('remote-checkouts') } : {}),
    githubToken: get('github-token'),
    apiDeadlineMs: Math.round(Number(apiTimeout) * 1000),
    failOn: failOn as FailOn,
    failOnDefaulted: get('fail-on') === '',
    requireEnforcement: requireEnforcement === 'true',
    annotate: annotate as AnnotateMode,
    ...(get('sarif-file') ? { sarifFile: get('sarif-file') } : {}),
    ...(get('sarif-category') ? { sarifCategory: get('sarif-category') } : {}),
    ...(get('report-file') ? { reportFile: get('report-file') } : {}),
    config: config || DEFAULT_CONFIG_PATH,
    configExplicit: config !== '' && config !== DEFAULT_CONFIG_PATH,
  };
}

/** Newline- or comma-separated list input (`policy-paths: |` block or `a,b`). */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
