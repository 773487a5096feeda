import { describe, expect, it } from 'vitest';
import {
  clauseAt,
  coordinateRange,
  mainClause,
  quotationSpans,
  sentenceSpans,
  subordinateSpans,
  withoutQuotations,
} from '../../../lib/parse/designation/clauses.ts';

describe('sentences and quotations', () => {
  it('gives each sentence with its offsets in the block', () => {
    const text = 'Gloucestershire is one. West Yorkshire and Harrogate is another.';
    expect(sentenceSpans(text).map((span) => [span.start, text.slice(span.start, span.end)])).toEqual([
      [0, 'Gloucestershire is one.'],
      [24, 'West Yorkshire and Harrogate is another.'],
    ]);
  });

  it('finds quotations in double marks, and in single marks only when they hold speech', () => {
    const text =
      'He said: “We join Cornwall.” The first ‘accountable care systems’ were ‘a big step for all of us’.';
    expect(quotationSpans(text).map((span) => text.slice(span.start, span.end))).toEqual([
      '“We join Cornwall.”',
      '‘a big step for all of us’',
    ]);
  });

  it('never closes a quotation at an apostrophe inside a word', () => {
    const text = '‘the capital’s first ICS is here at last’ said one';
    expect(quotationSpans(text).map((span) => text.slice(span.start, span.end))).toEqual([
      '‘the capital’s first ICS is here at last’',
    ]);
    expect(withoutQuotations('a “quoted” word')).toBe('a          word');
  });
});

describe('clauses', () => {
  it('finds brackets, dash pairs and comma clauses opened by which, where, while, including …', () => {
    const sentence =
      'Surrey Heartlands, which already has a devolution agreement, joins (with Dorset) – for now – today';
    expect(subordinateSpans(sentence).map((span) => sentence.slice(span.start, span.end))).toEqual([
      '(with Dorset)',
      ' – for now',
      ', which already has a devolution agreement',
    ]);
  });

  it('blanks the subordinate clauses out of the main clause, keeping offsets', () => {
    const sentence = 'Greater Manchester, which has run its own budget since 2016, is not part of the list.';
    const main = mainClause(sentence);
    expect(main).toHaveLength(sentence.length);
    expect(main.replace(/\s+/g, ' ')).toBe('Greater Manchester , is not part of the list.');
  });

  it('gives the innermost clause holding an offset, or null in the main clause', () => {
    const sentence = 'NENC, home to 3 million people, which takes in the Cumbria system.';
    expect(clauseAt(sentence, 0)).toBeNull();
    const clause = clauseAt(sentence, sentence.indexOf('Cumbria'));
    expect(clause && sentence.slice(clause.start, clause.end)).toBe(', which takes in the Cumbria system.');
  });
});

describe('adverbial clauses', () => {
  it('sets off "after", "despite" and "because" clauses as circumstances, not as the main clause', () => {
    const sentence = 'Kent and Medway is confirmed after its application was held back in December.';
    expect(mainClause(sentence).replace(/\s+/g, ' ').trim()).toBe('Kent and Medway is confirmed');
    expect(mainClause('Devon joins after Dorset.')).toBe('Devon joins after Dorset.');
  });

  it('sets off a participle after a comma as a clause of its own', () => {
    const sentence =
      'They join in shadow form immediately, sharing learning with systems that started last year.';
    expect(mainClause(sentence).trim()).toBe('They join in shadow form immediately');
  });
});

describe('coordinateRange', () => {
  const range = (sentence: string, name: string, names: string[]) => {
    const spans = names.map((other) => ({
      start: sentence.indexOf(other),
      end: sentence.indexOf(other) + other.length,
    }));
    const { start, end } = coordinateRange(sentence, sentence.indexOf(name), spans);
    return sentence.slice(start, end);
  };

  it('gives a coordinated clause that says something of its own to its names alone', () => {
    const sentence = 'Somerset and Derbyshire were chosen; Devon missed out.';
    expect(range(sentence, 'Devon', ['Somerset', 'Derbyshire', 'Devon'])).toBe('; Devon missed out.');
    expect(range(sentence, 'Somerset', ['Somerset', 'Derbyshire', 'Devon'])).toBe(
      'Somerset and Derbyshire were chosen',
    );
  });

  it('gives an entry of a semicolon list the clause that opened the list', () => {
    const sentence = 'The areas not included are Devon; Dorset, serving a million people; and Somerset.';
    expect(range(sentence, 'Somerset', ['Devon', 'Dorset', 'Somerset'])).toBe(
      'The areas not included are Devon; Dorset, serving a million people; and Somerset.',
    );
  });
});
