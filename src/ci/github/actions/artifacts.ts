import { makePushes } from './refs.js';
import { emptyActionResult, input, type ActionHandler } from './types.js';

/**
 * appany/helm-oci-chart-releaser: `helm push` of a chart to `{registry}/{repository}/{name}:{tag}` (`image:` in v1,
 * `name:` before). A Helm chart: listed as an artifact, never as an image.
 */
export const helmOciChartReleaser: ActionHandler = {
  matches: (a) => a === 'appany/helm-oci-chart-releaser',
  run(step) {
    const result = emptyActionResult();
    const registry = input(step, 'registry').replace(/\/+$/, '');
    const repository = input(step, 'repository').replace(/^\/+|\/+$/g, '');
    const name = input(step, 'image') || input(step, 'name');
    if (!registry || !name) return result;
    const tag = input(step, 'tag');
    const ref = `${registry}/${repository ? `${repository}/` : ''}${name}${tag ? `:${tag}` : ''}`;
    const { pushes, local } = makePushes([ref], step.action, step.location, step.ctx, { artifact: 'helm-chart' });
    result.operations.push(...pushes);
    result.localBuilds.push(...local);
    return result;
  },
};
