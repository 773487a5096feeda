import { App, Validations } from 'aws-cdk-lib';
import { addIcsLakeStacks } from '../lib/infra/ics-lake-app.ts';
import { AwsSolutionsChecks } from '../lib/infra/nag.ts';

// Environment-agnostic unless the deployer names an account and region: synth works offline, without credentials.
const account = process.env.CDK_DEPLOY_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEPLOY_REGION ?? process.env.CDK_DEFAULT_REGION;

const app = new App();
addIcsLakeStacks(app, account && region ? { env: { account, region } } : {});
// cdk-nag v3 is a policy-validation plugin: any unacknowledged finding stops the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
