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
