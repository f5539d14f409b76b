// The online stage's entry, loaded only when confirm-online is asked for (dist/online.js, its own bundle with the
// Sigstore libraries): the static path never parses it.
import type { Report } from '../model/report.js';
import { confirmOnline, type OnlineOptions } from './confirm.js';
import { publicGoodTrust } from './public-good.js';
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
    // No root given: Sigstore's public-good instance, from the seed embedded in @sigstore/tuf (offline).
    try {
      trust = publicGoodTrust();
    } catch (err) {
      noTrustReason = `no trusted root was given and the embedded public-good root could not be read: ${err instanceof Error ? err.message.slice(0, 200) : 'invalid'}`;
    }
  }
  return confirmOnline(report, { ...options, ...(trust ? { trust } : {}), ...(noTrustReason ? { noTrustReason } : {}) });
}

export type { OnlineOptions } from './confirm.js';
export type { Transport } from './registry.js';
