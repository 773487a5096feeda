import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from '../../lib/cli/commands/index.ts';

describe('the command table behind ics-lake --help', () => {
  it("lists each command by the synopsis commander derives from the loaded command's arguments and options", async () => {
    for (const entry of commands) {
      const command = new Command('ics-lake').command(entry.name);
      (await entry.load())(command);
      expect(new Help().subcommandTerm(command), entry.name).toBe(entry.synopsis);
    }
  });

  it('names each command once', () => {
    const names = commands.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
