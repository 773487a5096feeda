#!/usr/bin/env node
// `npm test` runs this first (the `pretest` script). Some tests drive real clients installed from Debian:
// headless Chromium (the catalog page, checked as a browser renders it), Python's feedparser (the Atom and JSON
// feeds, read as a feed reader reads them) and Python's YAML parser (CITATION.cff). When one is missing and this
// machine can install Debian packages (root, or passwordless sudo, and apt-get), it installs them; otherwise it
// says exactly what to run and stops, so that a missing client is one clear line rather than a page of failures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The clients, how to tell whether each is present, and the Debian package that provides it. */
const CLIENTS = [
  {
    name: 'headless Chromium',
    debianPackage: 'chromium',
    present: () => existsSync('/usr/bin/chromium'),
  },
  {
    name: "Python's feedparser",
    debianPackage: 'python3-feedparser',
    // Debian's python, not a pyenv or virtualenv one that may shadow it on PATH.
    present: () =>
      existsSync('/usr/bin/python3') &&
      spawnSync('/usr/bin/python3', ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0,
  },
  {
    name: "Python's YAML parser",
    debianPackage: 'python3-yaml',
    present: () =>
      existsSync('/usr/bin/python3') &&
      spawnSync('/usr/bin/python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0,
  },
];

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** How this process may run apt-get: directly as root, through passwordless sudo, or not at all. */
function aptRunner() {
  if (process.platform !== 'linux' || !succeeds('sh', ['-c', 'command -v apt-get'])) return undefined;
  if (process.getuid?.() === 0) return [];
  if (succeeds('sudo', ['-n', 'true'])) return ['sudo', '-n'];
  return undefined;
}

function aptGet(prefix, args) {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  execFileSync(command, rest, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const missing = CLIENTS.filter((client) => !client.present());
if (missing.length > 0) {
  const packages = missing.map((client) => client.debianPackage);
  const runner = aptRunner();
  if (runner === undefined) {
    console.error(
      `pretest: the tests need ${missing.map((client) => client.name).join(' and ')}; install them with: ` +
        `sudo apt-get install ${packages.join(' ')} (Debian/Ubuntu), then run npm test again`,
    );
    process.exit(1);
  }
  console.error(`pretest: installing ${packages.join(', ')} from Debian (needed by the tests)…`);
  aptGet(runner, ['update', '-qq']);
  aptGet(runner, ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const stillMissing = CLIENTS.filter((client) => !client.present());
  if (stillMissing.length > 0) {
    console.error(
      `pretest: apt-get finished but ${stillMissing.map((client) => client.name).join(' and ')} still cannot be found`,
    );
    process.exit(1);
  }
}
