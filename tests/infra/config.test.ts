import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeploymentConfig } from '../../lib/infra/config.ts';
import { cdkJsonContext, testContext } from './synth.ts';

describe('deployment context', () => {
  it('reads cdk.json’s settings: daily 06:30 Europe/London, 90 days of old raw versions, 30 days of logs', () => {
    expect(readDeploymentConfig(new App({ context: cdkJsonContext }).node)).toEqual({
      schedule: 'cron(30 6 * * ? *)',
      scheduleTimezone: 'Europe/London',
      alertEmail: '',
      rawRetentionDays: 90,
      logRetentionDays: 30,
      failureAlarmRuns: 3,
    });
  });

  it('falls back to the same defaults when no context is given', () => {
    expect(readDeploymentConfig(new App().node)).toEqual(
      readDeploymentConfig(new App({ context: cdkJsonContext }).node),
    );
  });

  it('accepts numbers given on the command line as strings', () => {
    const app = new App({
      context: { rawRetentionDays: '30', logRetentionDays: '90', failureAlarmRuns: '5' },
    });
    expect(readDeploymentConfig(app.node)).toMatchObject({
      rawRetentionDays: 30,
      logRetentionDays: 90,
      failureAlarmRuns: 5,
    });
  });

  it('rejects a schedule that is not a cron or rate expression', () => {
    const app = new App({ context: { ...testContext, schedule: 'every day at 6' } });
    expect(() => readDeploymentConfig(app.node)).toThrow(/schedule/);
  });

  it('rejects a log retention CloudWatch Logs does not offer', () => {
    const app = new App({ context: { ...testContext, logRetentionDays: 31 } });
    expect(() => readDeploymentConfig(app.node)).toThrow(/logRetentionDays/);
  });

  it('rejects an alert address that is not an e-mail address', () => {
    const app = new App({ context: { ...testContext, alertEmail: 'ops team' } });
    expect(() => readDeploymentConfig(app.node)).toThrow(/alertEmail/);
  });

  it('requires a certificate with a custom domain', () => {
    const app = new App({ context: { ...testContext, domainName: 'data.example.org' } });
    expect(() => readDeploymentConfig(app.node)).toThrow(/certificateArn/);
  });
});
