import { analyze } from './engine/analyze.js';
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
  const report = await analyze(parsed.options);
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
