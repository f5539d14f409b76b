// The online stage's entry, loaded only when confirm-online is asked for (dist/online.js, its own bundle with the
// Sigstore libraries): the static path never parses it.
import type { Report } from '../model/report.js';
import { confirmOnline, type OnlineOptions } from './confirm.js';
import { trustFromJson, type Trust } from './sigstore.js';

export interface OnlineRequest extends Omit<OnlineOptions, 'trust' | 'noTrustReason'> {
  /** The trusted-root file's text and its name (read by the entrypoint). */
  trustedRoot?: { text: string; source: string };
}

export async function runOnline(report: Report, req: OnlineRequest): Promise<Report> {
  const { trustedRoot, ...options } = req;
  let trust: Trust | undefined;
  let noTrustReason: string | undefined;
  if (trustedRoot) {
    try {
      trust = trustFromJson(trustedRoot.text, `trusted root ${trustedRoot.source}`);
    } catch (err) {
      noTrustReason = `the trusted root ${trustedRoot.source} could not be read: ${err instanceof Error ? err.message.slice(0, 200) : 'invalid'}`;
    }
  } else {
    noTrustReason = "no trusted root was given (trusted-root / --trusted-root); the public-good root from @sigstore/tuf's embedded seed is not built in yet";
  }
  return confirmOnline(report, { ...options, ...(trust ? { trust } : {}), ...(noTrustReason ? { noTrustReason } : {}) });
}

export type { OnlineOptions } from './confirm.js';
export type { Transport } from './registry.js';
