import type { RuleDefinition } from './rule.js';

/** Raised by the online stage (src/online/); a note, an error under `confirm-online: required`. */
export const onlineCheckFailed: RuleDefinition = {
  id: 'online-check-failed',
  severity: 'note',
  area: 'input',
  kind: 'tool-health',
  fix: 'Make the registry reachable, or name the tag to check with confirm-reference.',
  description: 'The registry could not be asked whether the image is signed (network, authentication, time budget, or no reference to check).',
  help: "With `confirm-online: true` a check that cannot run is this note and the static verdict stands. With `confirm-online: required` it is an error and the check fails: the registry's answer was asked for and is not known. The message says why — no answer within the timeout, an HTTP 5xx, anonymous pull refused, the request budget used up, a name the analysis could not resolve, or no tag to check (give `confirm-reference`).",
  example: {
    bad: 'confirm-online: required\n# ghcr.io answered 503 for every request',
    good: 'confirm-online: required\nregistry-endpoints: ghcr.io=https://mirror.example.com',
  },
};
