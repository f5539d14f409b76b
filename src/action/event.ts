/** What the action needs from the workflow event payload (GITHUB_EVENT_PATH). */
export interface PullRequestEvent {
  number: number;
  baseSha?: string;
  headSha?: string;
  /** owner/name of the base repository (where the pull request lives). */
  repository?: string;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** Extracts the pull request from a parsed payload; undefined for other events or malformed payloads. */
export function pullRequestFromPayload(payload: unknown): PullRequestEvent | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const pr = (payload as { pull_request?: unknown }).pull_request;
  if (!pr || typeof pr !== 'object') return undefined;
  const p = pr as { number?: unknown; base?: { sha?: unknown; repo?: { full_name?: unknown } }; head?: { sha?: unknown } };
  const number = typeof p.number === 'number' ? p.number : Number((payload as { number?: unknown }).number);
  if (!Number.isInteger(number) || number <= 0) return undefined;
  const baseSha = typeof p.base?.sha === 'string' && SHA.test(p.base.sha) ? p.base.sha : undefined;
  const headSha = typeof p.head?.sha === 'string' && SHA.test(p.head.sha) ? p.head.sha : undefined;
  const repo = p.base?.repo?.full_name;
  return {
    number,
    ...(baseSha ? { baseSha } : {}),
    ...(headSha ? { headSha } : {}),
    ...(typeof repo === 'string' && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) ? { repository: repo } : {}),
  };
}

/** The base commit a `fail-on: new` gate compares with, and where the event names it. */
export interface BaseCommit {
  sha: string;
  /** `pull_request.base.sha` or `merge_group.base_sha`. */
  from: string;
}

/**
 * The base commit of a pull_request / pull_request_target event (`pull_request.base.sha`) or of a merge_group
 * event (`merge_group.base_sha`); undefined for other events and for payloads without a valid commit id.
 */
export function baseCommitFromEvent(eventName: string | undefined, payload: unknown): BaseCommit | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const sha = pullRequestFromPayload(payload)?.baseSha;
    return sha && FULL_SHA.test(sha) ? { sha, from: 'pull_request.base.sha' } : undefined;
  }
  if (eventName === 'merge_group') {
    const group = (payload as { merge_group?: { base_sha?: unknown } }).merge_group;
    const sha = group && typeof group === 'object' ? group.base_sha : undefined;
    return typeof sha === 'string' && FULL_SHA.test(sha) ? { sha, from: 'merge_group.base_sha' } : undefined;
  }
  return undefined;
}

// Only a full object id names one commit without asking git to guess (and cannot be read as an option).
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
