import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ChangeEvent, publishedEvent } from '../../lib/feed/events.ts';
import { SUMMARY_SOURCES, summarySources } from '../../lib/feed/summary.ts';

// ajv-formats is CommonJS; under NodeNext the plugin function is its `default` member.
const addFormats = addFormatsModule.default;

// Issue 15: an event's summary lists the sources behind its changed rows. A re-based series re-dated each month
// changes a row from every GP edition ever read; the list is bounded so an event does not grow with the history.

const gp = (month: number) =>
  `https://files.digital.nhs.uk/${String(month).padStart(3, '0')}/gp-reg-pat-prac-all.csv`;
const row = (url: string | undefined) => (url === undefined ? {} : { source_url: url });

describe('summarySources', () => {
  it('lists the sources behind the most changed rows first, at most 20', () => {
    // 160 monthly files behind one re-based row each; the newest file behind 200 created rows.
    const rebased = Array.from({ length: 160 }, (_, month) => ({
      before: row(gp(month)),
      after: row(gp(month)),
    }));
    const created = Array.from({ length: 200 }, () => ({ before: null, after: row(gp(160)) }));
    const summary = summarySources([...rebased, ...created]);
    expect(summary.sources).toHaveLength(SUMMARY_SOURCES);
    expect(summary.sources?.[0]).toBe(gp(160));
    expect(summary.sources?.slice(1)).toEqual(Array.from({ length: 19 }, (_, month) => gp(month)));
  });

  it('takes a deleted row’s source from before, leaves out what is not http(s), and says nothing when there is none', () => {
    const summary = summarySources([
      { before: row('https://example.org/gone'), after: null },
      { before: null, after: row('javascript:alert(1)') },
      { before: null, after: row(undefined) },
    ]);
    expect(summary).toEqual({ sources: ['https://example.org/gone'] });
    expect(summarySources([{ before: null, after: row(undefined) }])).toEqual({});
  });

  it('fits the event schema, and the vendored v1 contract that refuses unknown fields', () => {
    const sources = summarySources(
      Array.from({ length: 30 }, (_, month) => ({ before: null, after: row(gp(month)) })),
    );
    const summary = {
      rows: 30,
      created: 30,
      updated: 0,
      deleted: 0,
      text: '30 rows created',
      manifest: 'm',
      files: [],
      ...sources,
    };
    // Built as the feed builds it: the published event of a version.
    const event = publishedEvent('ics_population', 2, '2026-11-30T00:00:00.000Z', summary);
    expect(ChangeEvent.safeParse(event).error).toBeUndefined();
    const vendored = JSON.parse(
      readFileSync(new URL('../fixtures/feed/schema-v1.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(vendored);
    expect({ valid: validate(event), errors: validate.errors ?? null }).toEqual({
      valid: true,
      errors: null,
    });
    expect(sources.sources).toHaveLength(SUMMARY_SOURCES);
  });
});
