import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as core from '@actions/core';
import { neutralText } from '../render/neutral.js';
import type { ActionSinks } from './run.js';

/** The real sinks: @actions/core for outputs, summary and failure; stdout for workflow commands and logs. */
export function coreSinks(): ActionSinks {
  return {
    info: (line) => core.info(line),
    untrusted(text) {
      // The runner would act on any line of repository data that starts with `::`. stop-commands with a
      // fresh random token turns command processing off until the token is echoed back.
      const token = `isa-${randomUUID()}`;
      process.stdout.write(`::stop-commands::${token}\n`);
      // And the text itself is neutral (neutral.ts), should a runner not honour stop-commands for v1 `##[` lines.
      const body = neutralText(text);
      process.stdout.write(body.endsWith('\n') ? body : body + '\n');
      process.stdout.write(`::${token}::\n`);
    },
    command: (line) => {
      process.stdout.write(line + '\n');
    },
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (!process.env['GITHUB_STEP_SUMMARY']) {
        core.info('GITHUB_STEP_SUMMARY is not set; step summary not written');
        return;
      }
      await core.summary.addRaw(markdown).write();
    },
    writeFile(path, content) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    },
    setFailed: (message) => core.setFailed(message),
  };
}
