import { describe, expect, it } from 'vitest';
import {
  articleStatements,
  runningTotalOf,
  statementsOf,
} from '../../../lib/parse/designation/statements.ts';

describe('published statements', () => {
  it('reads running totals in their usual wordings', () => {
    expect(runningTotalOf('In all, there are now 29 ICSs covering more than 35 million people')?.value).toBe(
      29,
    );
    expect(runningTotalOf('taking the number of integrated care systems in England to 18')?.value).toBe(18);
    expect(runningTotalOf('42 integrated care systems will be in place')?.value).toBe(42);
    expect(runningTotalOf('Eleven more areas will become ICSs')).toBeNull();
  });

  it('scopes a figure to the wave, the total or neither', () => {
    const wave = statementsOf(
      { sentence: 'The new systems serve a combined 14.5 million people.', designation: true, areaCount: 0 },
      11,
      null,
    );
    expect(wave.map((found) => [found.statement.kind, found.statement.value, found.statement.scope])).toEqual(
      [['population', 14_500_000, 'wave']],
    );
    const total = statementsOf(
      {
        sentence: 'There are now 29 ICSs covering more than 60 per cent of people.',
        designation: false,
        areaCount: 0,
      },
      11,
      null,
    );
    expect(
      total.map((found) => [found.statement.kind, found.statement.qualifier, found.statement.scope]),
    ).toEqual([['percent', 'more_than', 'total']]);
    const part = statementsOf(
      {
        sentence: 'The three London systems will become ICSs, serving six million people.',
        designation: true,
        areaCount: 3,
      },
      11,
      null,
    );
    expect(part.map((found) => found.statement.scope)).toEqual(['other']);
  });

  it('keeps one statement per kind, value, qualifier and scope, with the wave count where it is stated', () => {
    const sentences = [
      {
        sentence: 'Eleven more areas will become ICSs, serving 14.5 million people.',
        designation: true,
        areaCount: 0,
      },
      { sentence: 'Together they serve 14.5 million people.', designation: false, areaCount: 0 },
    ];
    const { statements } = articleStatements(sentences, 11, {
      value: 11,
      evidence: sentences[0]?.sentence ?? '',
      index: 0,
    });
    expect(statements.map((statement) => [statement.kind, statement.value, statement.scope])).toEqual([
      ['count', 11, 'wave'],
      ['population', 14_500_000, 'wave'],
    ]);
  });
});
