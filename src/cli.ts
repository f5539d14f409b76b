import { confineDir } from './discover/confine.js';
import { analyze } from './engine/analyze.js';
import { oneLine } from './render/neutral.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { renderJson } from './render/json.js';
import { renderSarif } from './render/sarif.js';
import { renderText } from './render/text.js';

/** Command-line front end: `image-signing-audit [path] [--format text|json|sarif] …`. Exit 0 when it ran, 2 on usage errors. */
async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, process.env);
  if ('error' in parsed) {
    process.stderr.write(`image-signing-audit: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // Directories given on the command line resolve inside the directory they are written in (the scanned root
  // for policy paths below it, else the current directory): a symbolic link in a checkout cannot redirect them.
  const cwd = process.cwd();
  const notes: string[] = [];
  const root = confineDir(parsed.options.root, [cwd], 'path');
  if (!root.ok) {
    process.stderr.write(`image-signing-audit: ${oneLine(root.reason)}\n`);
    return 2;
  }
  const policyPaths = (parsed.options.policyPaths ?? []).filter((p) => {
    const c = confineDir(p, [parsed.options.root, cwd], '--policy-paths entry');
    if (!c.ok) notes.push(c.reason);
    return c.ok;
  });
  let remoteCheckouts = parsed.options.remoteCheckouts;
  if (remoteCheckouts) {
    const c = confineDir(remoteCheckouts, [cwd], '--remote-checkouts');
    if (!c.ok) {
      notes.push(c.reason);
      remoteCheckouts = undefined;
    }
  }
  const options = { ...parsed.options, policyPaths };
  if (remoteCheckouts) options.remoteCheckouts = remoteCheckouts;
  else delete options.remoteCheckouts;
  const analyzed = await analyze(options);
  const report = notes.length ? { ...analyzed, limits: [...notes, ...analyzed.limits] } : analyzed;
  const render = parsed.format === 'json' ? renderJson : parsed.format === 'sarif' ? renderSarif : renderText;
  process.stdout.write(render(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`image-signing-audit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
