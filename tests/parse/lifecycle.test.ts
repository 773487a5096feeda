import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCodeLookup } from '../../lib/parse/code-lookups.ts';
import { mentionsIn, parseLifecycleClaims } from '../../lib/parse/lifecycle.ts';
import { LifecycleDocument } from '../../lib/parse/records.ts';
import { buildGazetteer } from '../../lib/reference/gazetteer.ts';
import { nameFormIndex } from '../../lib/reference/name-forms.ts';
import { icbNamesFromIcbList, lookupsFromIcbList } from '../normalise/reference.ts';

const april2026 = parseCodeLookup(
  readFileSync(
    new URL('../fixtures/reference/12_ons_sicbl26_icb26_nhser26_lookup_april2026.csv', import.meta.url),
    'utf8',
  ),
  { url: 'https://fixtures.example.org/sicbl26.csv' },
);
const gazetteer = buildGazetteer({
  lookups: [...lookupsFromIcbList(), ...april2026],
  icbNames: icbNamesFromIcbList(),
});
const page = (name: string) =>
  readFileSync(new URL(`../fixtures/lifecycle/${name}.html`, import.meta.url), 'utf8');
const parse = (name: string, url = `https://example.org/${name}/`) =>
  parseLifecycleClaims(page(name), url, { gazetteer });

describe("mentions of bodies (closed world: the gazetteer's whole-footprint name forms)", () => {
  const index = nameFormIndex(gazetteer, null);
  const names = (text: string) => mentionsIn(text, index).map((mention) => mention.name);

  it('takes the longest name first, so "Surrey and Sussex" is not read as Sussex', () => {
    expect(names('NHS Surrey and Sussex ICB joins Surrey Heartlands and Sussex.')).toEqual([
      'NHS Surrey and Sussex ICB',
      'Surrey Heartlands',
      'Sussex',
    ]);
  });

  it('ignores partial historic areas and names two bodies share', () => {
    expect(names('services across Buckinghamshire and Cumbria')).toEqual([]);
    expect(names('Bedfordshire, Luton and Milton Keynes and Cambridgeshire & Peterborough')).toEqual([
      'Bedfordshire, Luton and Milton Keynes',
      'Cambridgeshire & Peterborough',
    ]);
  });
});

describe('parseLifecycleClaims', () => {
  it('reads a closure notice: abolished, with its date', () => {
    const document = parse('icb-frimley-closes');
    expect(LifecycleDocument.parse(document)).toEqual(document);
    expect(document.published_on).toBe('2026-03-31');
    expect(document.claims).toContainEqual({
      kind: 'abolished',
      tense: 'reported',
      names_as_published: ['NHS Frimley Integrated Care Board'],
      effective_from: '2026-03-31',
      evidence: 'NHS Frimley Integrated Care Board closes at the end of today, 31 March 2026.',
    });
    expect(document.claims.every((claim) => claim.kind === 'abolished')).toBe(true);
  });

  it('reads an establishment notice: the new board established today, and the boards it took over', () => {
    const { claims } = parse('icb-surrey-and-sussex-welcome');
    expect(claims.map((claim) => [claim.kind, claim.names_as_published, claim.effective_from])).toEqual([
      ['established', ['NHS Surrey and Sussex Integrated Care Board'], '2026-04-01'],
      ['succession', ['NHS Surrey Heartlands ICB', 'NHS Sussex ICB', 'NHS Frimley ICB'], null],
    ]);
  });

  it('marks an announced future merger as planned', () => {
    const { claims } = parse('tp-london-merger-planned');
    expect(claims).toEqual([
      expect.objectContaining({
        kind: 'succession',
        tense: 'planned',
        names_as_published: [
          'NHS North Central London ICB',
          'NHS North West London ICB',
          'NHS West and North London ICB',
        ],
        effective_from: '2026-04-01',
      }),
    ]);
  });

  it('reads no claim from clustering: shared leadership changes no body and no boundary', () => {
    expect(parse('tp-west-midlands-clusters').claims).toEqual([]);
  });
});
