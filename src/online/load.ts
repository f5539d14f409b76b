import type * as OnlineModule from './index.js';

// Built into dist/ as its own file (scripts/build.mjs): `./online.js` beside the bundle; from the compiled sources,
// the module itself. Imported on first use, so the static path never loads the online code or its dependencies.
declare const __IMAGE_SIGNING_AUDIT_ONLINE__: string | undefined;
const ONLINE_MODULE = typeof __IMAGE_SIGNING_AUDIT_ONLINE__ === 'string' ? __IMAGE_SIGNING_AUDIT_ONLINE__ : './index.js';

export async function loadOnline(): Promise<typeof OnlineModule> {
  return (await import(ONLINE_MODULE)) as typeof OnlineModule;
}
