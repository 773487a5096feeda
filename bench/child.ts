import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Run a bench/children/*.ts script in a fresh Node process (through tsx) and parse the JSON line it prints. */
export function runChild<T>(script: string, args: readonly string[] = []): Promise<T> {
  const file = fileURLToPath(new URL(`./children/${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
          return;
        }
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(new Error(`${script} printed no JSON result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}
