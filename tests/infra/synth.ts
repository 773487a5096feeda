import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addIcsLakeStacks, type IcsLakeStacks } from '../../lib/infra/ics-lake-app.ts';

/** The project's own deployment context (`cdk.json`), which `cdk synth` uses. */
export const cdkJsonContext = (
  JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }
).context;

/** The context the tests synthesise with: `cdk.json`'s, with an alert e-mail set. */
export const testContext: Record<string, unknown> = { ...cdkJsonContext, alertEmail: 'ops@example.org' };

export interface SynthesisedApp extends IcsLakeStacks {
  app: App;
  stateful: IcsLakeStacks['stateful'];
  stateless: IcsLakeStacks['stateless'];
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * Build and synthesise the whole app once. `bundle: false` skips esbuild (CDK's `aws:cdk:bundling-stacks`
 * context) for tests that only read the templates' shape; one test file keeps bundling on.
 */
export function synthesiseApp(options: {
  bundle: boolean;
  context?: Record<string, unknown>;
}): SynthesisedApp {
  const app = new App({
    context: {
      ...testContext,
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stacks = addIcsLakeStacks(app, { projectRoot: process.cwd() });
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

/** Every resource of one type in a template, as `[logicalId, properties]`. */
export function resourcesOfType(template: Template, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.findResources(type)).map(([id, resource]) => [
    id,
    (resource as { Properties?: Record<string, unknown> }).Properties ?? {},
  ]);
}
