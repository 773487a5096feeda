import { systemClock } from '../../core/clock.ts';
import { describeError } from '../../core/errors.ts';
import { FEED_INDEX_KEY } from '../../feed/feed-files.ts';
import { repairFeedIndex, verifyFeed } from '../../feed/verify.ts';
import type { LakeStore } from '../../lake/store.ts';
import { type Finding, repairLatest, verifyDatasets } from '../../lake/verify.ts';
import { acquireLease, describeLease, readLease } from '../../pipeline/lease.ts';
import { readTimeline } from '../../pipeline/timeline.ts';
import { catalogue } from '../../sources/catalogue.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ConfigureCommand } from './index.ts';
import { type LakeCliOptions, openExistingLake, withLakeOptions } from './lake-options.ts';

/** Everything `verify` checks, in one list. */
async function verifyAll(store: LakeStore): Promise<Finding[]> {
  const findings = [...(await verifyDatasets(store)), ...(await verifyFeed(store))];
  try {
    await readTimeline(
      store,
      catalogue.map((entry) => entry.id),
    );
  } catch (error) {
    findings.push({ level: 'problem', key: 'state/timeline.json', message: describeError(error) });
  }
  const lease = await readLease(store);
  if (lease !== undefined)
    findings.push({ level: 'note', key: 'lease/run.json', message: `held by ${describeLease(lease)}` });
  return findings;
}

/** Fix what can be derived again: latest.json pointers, the feed index, and orphan part files. Returns one line per repair. */
async function repair(store: LakeStore, findings: readonly Finding[]): Promise<string[]> {
  const done: string[] = [];
  for (const finding of findings.filter((candidate) => candidate.repairable === 'latest')) {
    const name = finding.key.split('/')[1] ?? '';
    const version = await repairLatest(store, name);
    done.push(
      `${finding.key}: ${version === undefined ? 'no readable committed version to point at' : `now points at v${version}`}`,
    );
  }
  for (const finding of findings.filter((candidate) => candidate.repairable === 'orphan')) {
    await store.delete(finding.key);
    done.push(`${finding.key}: deleted (no committed version holds it)`);
  }
  if (findings.some((finding) => finding.level === 'problem' && finding.key === FEED_INDEX_KEY)) {
    const index = await repairFeedIndex(store);
    done.push(
      `${FEED_INDEX_KEY}: rebuilt from ${index.pages.length} page(s), cursor ${index.cursor}; no page rewritten`,
    );
  }
  return done;
}

function print(findings: readonly Finding[]): void {
  for (const finding of findings) {
    const line = `${finding.level === 'problem' ? 'PROBLEM' : 'note   '} ${finding.key}: ${finding.message}`;
    process.stdout.write(`${line}\n${finding.hint ? `        ${finding.hint}\n` : ''}`);
  }
}

/** `ics-lake verify`: check every manifest, hash, latest.json and the feed chain; exit 1 when anything is wrong. */
export const configureVerify: ConfigureCommand = (command) => {
  withLakeOptions(
    command.option(
      '--repair',
      'rewrite what can be derived again (latest.json pointers, the latest/ copies, a missing or damaged feed index)',
    ),
  ).action(async (options: LakeCliOptions & { repair?: boolean }) => {
    const store = await openExistingLake(options);
    let findings = await verifyAll(store);
    // Notes can be repairable too: latest/ copies left behind by an interrupted run.
    if (options.repair && findings.some((finding) => finding.level === 'problem' || finding.repairable)) {
      const lease = await acquireLease(store, { owner: 'ics-lake verify --repair', clock: systemClock });
      try {
        for (const line of await repair(store, findings)) process.stdout.write(`repaired ${line}\n`);
      } finally {
        await lease.release();
      }
      findings = await verifyAll(store);
    }
    print(findings);
    const problems = findings.filter((finding) => finding.level === 'problem').length;
    process.stdout.write(
      `${store.location}: ${problems} problem(s), ${findings.length - problems} note(s)\n`,
    );
    if (problems > 0) process.exitCode = ExitCode.error;
  });
};
