import type { App, Environment } from 'aws-cdk-lib';
import { catalogue } from '../sources/catalogue.ts';
import { readDeploymentConfig } from './config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface IcsLakeStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export interface IcsLakeAppOptions {
  /** Only when the caller names one: an environment-agnostic synth needs no credentials and no lookups. */
  env?: Environment;
  /** Project root (package-lock.json, lambdas/); defaults to the working directory. */
  projectRoot?: string;
}

/** Add the two ics-lake stacks to `app`, configured from its context. Shared by `bin/app.ts` and the tests. */
export function addIcsLakeStacks(app: App, options: IcsLakeAppOptions = {}): IcsLakeStacks {
  const config = readDeploymentConfig(app.node);
  const env = options.env === undefined ? {} : { env: options.env };
  const stateful = new StatefulStack(app, 'IcsLakeStateful', {
    ...env,
    description: 'ics-lake: lake bucket, access logs, change and ops topics (retained on teardown)',
    config,
  });
  const stateless = new StatelessStack(app, 'IcsLakeStateless', {
    ...env,
    description: 'ics-lake: stage Lambdas, state machine, schedule, CloudFront, alarms',
    config,
    stateful: stateful.exportNames,
    sourceIds: catalogue.map((source) => source.id),
    ...(options.projectRoot === undefined ? {} : { projectRoot: options.projectRoot }),
  });
  // The stateless stack imports the stateful exports by name, so CDK cannot infer the order.
  stateless.addStackDependency(stateful);
  return { stateful, stateless };
}
