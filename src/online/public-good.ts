// Sigstore's public-good trusted root (Fulcio, Rekor, CT logs, TSA) as embedded in @sigstore/tuf's seed: offline,
// signed when it was packaged, possibly stale (no refresh from the TUF repository is made; a root rotated since
// the package was published is not known). Only the JSON file is bundled, not the TUF client.
import seeds from '@sigstore/tuf/seeds.json' with { type: 'json' };
import { trustFromJson, type Trust } from './sigstore.js';

const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';

export function publicGoodTrust(): Trust {
  const seed = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF];
  const target = seed?.targets?.['trusted_root.json'];
  if (!target) throw new Error("@sigstore/tuf's seed holds no public-good trusted_root.json");
  return trustFromJson(Buffer.from(target, 'base64').toString('utf8'), "Sigstore's public-good root (embedded in @sigstore/tuf's seed, not refreshed)");
}
