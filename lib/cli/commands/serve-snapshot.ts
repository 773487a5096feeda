import { startSnapshotServer } from '../../sources/snapshot-server.ts';
import { resolveSnapshot } from '../../sources/snapshots.ts';
import type { ConfigureCommand } from './index.ts';

/** `ics-lake serve-snapshot [DATE|DIR] [--port N]`: serve a snapshot on 127.0.0.1 until interrupted. */
export const configureServeSnapshot: ConfigureCommand = (command) => {
  command
    .argument('[snapshot]', 'a snapshot date under ./snapshots, or a snapshot folder')
    .option('--port <n>', 'port to listen on (default: any free port)', (value) => Number.parseInt(value, 10))
    .action(async (snapshot: string | undefined, options: { port?: number }) => {
      const ref = resolveSnapshot(snapshot);
      const server = await startSnapshotServer({
        dir: ref.dir,
        ...(options.port !== undefined && { port: options.port }),
      });
      process.stdout.write(
        `Serving snapshot ${server.snapshot.date} (${server.snapshot.resources.length} URLs) at ${server.url}/\n` +
          `Browse ${server.url}/ for the index, or send requests with the live Host header, e.g.\n` +
          `  curl -H 'Host: www.england.nhs.uk' ${server.url}/news/\nPress Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
};
