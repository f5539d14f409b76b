import { readFileSync } from 'node:fs';
import type { Report } from './model/report.js';
import { loadOnline } from './online/load.js';
import type { OnlineSettings } from './online/options.js';
import type { Transport } from './online/registry.js';

/**
 * The entrypoints' side of the online stage: reads the files the user named (trusted root, public keys), loads the
 * online module on first use and hands it the transport. Used by src/cli.ts and src/index.ts only.
 */
export function onlineHook(settings: OnlineSettings, transport: Transport): (report: Report) => Promise<Report> {
  return async (report) => {
    const online = await loadOnline();
    const read = (file: string): string | undefined => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    };
    const rootText = settings.trustedRoot ? read(settings.trustedRoot) : undefined;
    return online.runOnline(report, {
      mode: settings.mode,
      transport,
      endpoints: settings.endpoints,
      ...(settings.reference ? { reference: settings.reference } : {}),
      ...(settings.trustedRoot ? { trustedRoot: { text: rootText ?? '', source: settings.trustedRoot } } : {}),
      publicKeys: settings.publicKeys.flatMap((f) => {
        const pem = read(f);
        return pem ? [{ pem, source: f }] : [];
      }),
    });
  };
}
