// GitHub Action entrypoint (placeholder until the action-surface issue lands): runs the analysis on the workspace.
import { analyze } from './engine/analyze.js';
import { renderText } from './render/text.js';

const report = await analyze({ root: process.env['INPUT_PATH'] || process.env['GITHUB_WORKSPACE'] || '.', ...(process.env['GITHUB_REPOSITORY'] ? { repository: process.env['GITHUB_REPOSITORY'] } : {}) });
process.stdout.write(renderText(report));
