import type { CodeLookupRow } from '../parse/records.ts';
import { buildGazetteer, type Gazetteer } from '../reference/gazetteer.ts';
import { compareText } from '../reference/order.ts';
import { compareVintages, vintageFor, vintageStart } from '../reference/vintage.ts';
import { compareFetched, latestPerKey, latestPerUrl } from './documents.ts';
import type { GpAggregateInput, NormaliseInput, Provenance } from './input.ts';
import { NormaliseInput as NormaliseInputSchema } from './input.ts';

/**
 * The normalise stage's inputs, resolved once: the newest document per URL, the code lookups arranged as
 * footprints (one per vintage in force by the run date), the GP editions by extract date, and the gazetteer. Every
 * dataset module builds from this and nothing else.
 */

type Parsed = ReturnType<typeof NormaliseInputSchema.parse>;
export type GpDocument = Parsed['gpRegistrations'][number];
type GpAggregate = GpDocument['aggregate'];

/** One lookup vintage: which ICB each sub-ICB location belonged to, from the vintage's start. */
export interface Footprint {
  vintage: string;
  /** ISO date the vintage's boundaries took effect. */
  start: string;
  /** Sub-ICB location (CCG) ODS code -> its row. */
  subIcbs: ReadonlyMap<string, CodeLookupRow>;
  /** ICB (STP) ODS code -> its sub-ICB rows, sorted by sub-ICB code. */
  bodies: ReadonlyMap<string, readonly CodeLookupRow[]>;
  /** The lookup documents this vintage came from. */
  documents: readonly { provenance: Provenance }[];
}

/** A practice's registered patients and sub-ICB location in one GP edition. */
export interface PracticePlacement {
  practice_code: string;
  sub_icb_code: string;
  patients: number;
}

/** One monthly GP edition: the documents chosen for its totals and its sex x age figures, and its practices. */
export interface GpEdition {
  extract_date: string;
  totals: GpDocument | undefined;
  age: GpDocument | undefined;
  mapping: GpDocument | undefined;
  /** How many practices the totals file places (0 when the totals came from organisation-level rows). */
  practiceCount: number;
  /** Practices of the totals file when held in memory; empty when held out (load them with `practicesOf`). */
  practices: readonly PracticePlacement[];
}

/**
 * An edition's practices as columns, one entry per practice in `keys`, `sub` and `patients` (`sub` indexes the
 * distinct sub-ICB locations in `subs`; `keys` are practice keys, see practiceKey): how they are read for every
 * edition of the re-based series, which then compares numbers rather than strings.
 */
export interface PracticeTable {
  keys: ArrayLike<PracticeKey>;
  subs: readonly string[];
  sub: ArrayLike<number>;
  patients: ArrayLike<number>;
  /** Set when every key is a number and they ascend strictly: the table can be merged with another by key. */
  ascending?: boolean;
}

/** A practice code as a number (base 36) when it is an ODS practice code (six letters or digits), else the code. */
export type PracticeKey = number | string;

export function practiceKey(code: string): PracticeKey {
  return /^[0-9A-Z]{6}$/.test(code) ? Number.parseInt(code, 36) : code;
}

export function practiceCodeOf(key: PracticeKey): string {
  return typeof key === 'number' ? key.toString(36).toUpperCase().padStart(6, '0') : key;
}

export function practiceTable(practices: readonly PracticePlacement[]): PracticeTable {
  const subs = [...new Set(practices.map((practice) => practice.sub_icb_code))];
  const indexOf = new Map(subs.map((sub, index) => [sub, index]));
  return {
    keys: practices.map((practice) => practiceKey(practice.practice_code)),
    subs,
    sub: practices.map((practice) => indexOf.get(practice.sub_icb_code) as number),
    patients: practices.map((practice) => practice.patients),
  };
}

export function practicePlacements(table: PracticeTable): PracticePlacement[] {
  return Array.from({ length: table.keys.length }, (_, index) => ({
    practice_code: practiceCodeOf(table.keys[index] as PracticeKey),
    sub_icb_code: table.subs[table.sub[index] as number] as string,
    patients: table.patients[index] as number,
  }));
}

/** Loads the practices a GP file's summary held out of memory (`practices_held`). */
export type PracticeLoader = (document: GpDocument) => Promise<PracticeTable>;

/**
 * An edition's practices: those held in memory, else loaded now (the caller drops them when done). Fails when a
 * file held its practices out and no loader was given, or the loader gives a different number of practices.
 */
export async function practicesOf(
  edition: GpEdition,
  load: PracticeLoader | undefined,
): Promise<PracticeTable> {
  const document = edition.totals;
  if (document === undefined || edition.practices.length > 0 || edition.practiceCount === 0)
    return practiceTable(edition.practices);
  if (load === undefined)
    throw new Error(
      `GP edition ${edition.extract_date} (${document.provenance.url}): expected a loader for its ${edition.practiceCount} practices held out of memory, found none`,
    );
  const practices = await load(document);
  if (practices.keys.length !== edition.practiceCount)
    throw new Error(
      `GP edition ${edition.extract_date} (${document.provenance.url}): expected ${edition.practiceCount} practices, loaded ${practices.keys.length}`,
    );
  return practices;
}

export interface ResolvedInputs {
  asOf: string;
  input: Parsed;
  gazetteer: Gazetteer;
  lookupDocs: Parsed['lookups'];
  icbNameDocs: Parsed['icbNames'];
  legacyDocs: Parsed['legacyStps'];
  /** Every lookup row of every vintage (the gazetteer's code world), de-duplicated. */
  lookups: readonly CodeLookupRow[];
  /** The vintages in force by the run date, oldest first. */
  footprints: readonly Footprint[];
  announcementDocs: Parsed['announcements'];
  /** Listing pages, newest fetch per URL, oldest first (later listings override earlier ones). */
  listingDocs: Parsed['listings'];
  /** Every listing page ever parsed (one per URL and content), oldest fetch first: the record claims are kept from. */
  listingHistory: Parsed['listings'];
  /**
   * Lifecycle documents, one per URL and content, oldest fetch first: the record claims are kept from (the caller
   * passes the versions that are a record, such as every version of the listing page).
   */
  lifecycleDocs: Parsed['lifecycleClaims'];
  /** ONS estimates: one document per reference date, oldest first. */
  populationDocs: Parsed['population'];
  /** GP editions by extract date (not after the run date), oldest first. */
  gpEditions: readonly GpEdition[];
}

/** Validate, de-duplicate and arrange the normalise input as of `asOf`. */
export function resolveInputs(rawInput: NormaliseInput, asOf: string): ResolvedInputs {
  const input = NormaliseInputSchema.parse(rawInput);
  const lookupDocs = latestPerUrl(input.lookups);
  const icbNameDocs = latestPerUrl(input.icbNames);
  const legacyDocs = latestPerUrl(input.legacyStps);
  const lookups = uniqueLookupRows(lookupDocs.flatMap((doc) => doc.rows));
  const gazetteer = buildGazetteer({
    lookups,
    icbNames: icbNameDocs.flatMap((doc) => doc.entries),
    legacyStps: legacyDocs.flatMap((doc) => doc.rows),
    ...(input.aliases ? { aliases: input.aliases } : {}),
  });
  return {
    asOf,
    input,
    gazetteer,
    lookupDocs,
    icbNameDocs,
    legacyDocs,
    lookups,
    footprints: footprintsBy(lookupDocs, asOf),
    announcementDocs: latestPerUrl(input.announcements),
    listingDocs: latestPerUrl(input.listings).sort(byFetch),
    listingHistory: everyDocument(input.listings).sort(byFetch),
    lifecycleDocs: everyDocument(input.lifecycleClaims),
    populationDocs: latestPerKey(
      input.population.filter((doc) => doc.rows.length > 0),
      (doc) => doc.rows[0]?.reference_date ?? '',
    ),
    gpEditions: gpEditionsOf(input.gpRegistrations).filter((edition) => edition.extract_date <= asOf),
  };
}

function byFetch(a: { provenance: Provenance }, b: { provenance: Provenance }): number {
  return compareFetched(a.provenance, b.provenance) || compareText(a.provenance.url, b.provenance.url);
}

/** One document per URL and content (sha256): the earliest fetch of each, oldest fetch first. */
function everyDocument<Doc extends { provenance: Provenance }>(documents: readonly Doc[]): Doc[] {
  const byContent = new Map<string, Doc>();
  for (const doc of [...documents].sort(byFetch)) {
    const key = `${doc.provenance.url}|${doc.provenance.sha256}`;
    if (!byContent.has(key)) byContent.set(key, doc);
  }
  return [...byContent.values()];
}

function uniqueLookupRows(rows: readonly CodeLookupRow[]): CodeLookupRow[] {
  const byKey = new Map<string, CodeLookupRow>();
  for (const row of rows) {
    const key = `${row.vintage}|${row.sub_icb_code}`;
    if (!byKey.has(key)) byKey.set(key, row);
  }
  return [...byKey.values()].sort(
    (a, b) => compareVintages(a.vintage, b.vintage) || compareText(a.sub_icb_code, b.sub_icb_code),
  );
}

/**
 * One footprint per lookup vintage whose boundaries took effect by `asOf` (later vintages are not yet history); when
 * none has, the oldest vintage stands in, as it does for resolving data older than every vintage.
 */
interface VintageRows {
  rows: CodeLookupRow[];
  documents: { provenance: Provenance }[];
}

function footprintsBy(lookupDocs: Parsed['lookups'], asOf: string): Footprint[] {
  const byVintage = new Map<string, VintageRows>();
  for (const doc of lookupDocs) {
    for (const vintage of new Set(doc.rows.map((row) => row.vintage))) {
      const entry = byVintage.get(vintage) ?? { rows: [], documents: [] };
      entry.rows.push(...doc.rows.filter((row) => row.vintage === vintage));
      entry.documents.push({ provenance: doc.provenance });
      byVintage.set(vintage, entry);
    }
  }
  const sorted = [...byVintage.keys()].sort(compareVintages);
  const inForce = sorted.filter((vintage) => vintageStart(vintage) <= asOf);
  return (inForce.length > 0 ? inForce : sorted.slice(0, 1)).map((vintage) => {
    const { rows, documents } = byVintage.get(vintage) as VintageRows;
    const subIcbs = new Map<string, CodeLookupRow>();
    for (const row of uniqueLookupRows(rows)) subIcbs.set(row.sub_icb_code, row);
    const bodies = new Map<string, CodeLookupRow[]>();
    for (const row of subIcbs.values()) bodies.set(row.icb_code, [...(bodies.get(row.icb_code) ?? []), row]);
    return { vintage, start: vintageStart(vintage), subIcbs, bodies, documents };
  });
}

/** The footprint in force on `date` (the oldest one for dates before every vintage), or undefined when none. */
export function footprintOn(footprints: readonly Footprint[], date: string): Footprint | undefined {
  const vintage = vintageFor(
    date,
    footprints.map((footprint) => footprint.vintage),
  );
  return footprints.find((footprint) => footprint.vintage === vintage);
}

/** The sex x age cells a GP file has, whether held in its aggregate or left out to be loaded on demand. */
export function sexAgeCellCount(aggregate: GpAggregate): number {
  return aggregate.by_sex_age.length > 0 ? aggregate.by_sex_age.length : (aggregate.sex_age_cells ?? 0);
}

function practiceCountOf(aggregate: GpAggregate): number {
  return aggregate.practices.length > 0 ? aggregate.practices.length : (aggregate.practices_held ?? 0);
}

function isTotalsFile(aggregate: GpAggregate): boolean {
  return aggregate.totals.length > 0 && sexAgeCellCount(aggregate) === 0;
}

/**
 * Group GP documents into editions by extract date. Per date, totals come from one document and sex x age from one
 * document (the totals file and the single-year-of-age file both carry totals), so no figure is counted twice; a
 * dedicated totals file is preferred to the totals carried by a single-year-of-age file of the same date.
 */
function gpEditionsOf(documents: readonly GpDocument[]): GpEdition[] {
  const datesWithTotalsFile = new Set(
    documents.filter((doc) => isTotalsFile(doc.aggregate)).map((doc) => doc.aggregate.extract_date),
  );
  const byDate = (docs: readonly GpDocument[]) =>
    new Map(
      latestPerKey(docs, (doc) => doc.aggregate.extract_date).map((doc) => [doc.aggregate.extract_date, doc]),
    );
  const totals = byDate(
    documents.filter(
      (doc) =>
        doc.aggregate.totals.length > 0 &&
        (isTotalsFile(doc.aggregate) || !datesWithTotalsFile.has(doc.aggregate.extract_date)),
    ),
  );
  const ages = byDate(documents.filter((doc) => sexAgeCellCount(doc.aggregate) > 0));
  const mappings = byDate(documents.filter((doc) => doc.aggregate.practice_map.length > 0));
  const dates = [...new Set([...totals.keys(), ...ages.keys(), ...mappings.keys()])].sort(compareText);
  return dates.map((date) => {
    const totalsDoc = totals.get(date);
    return {
      extract_date: date,
      totals: totalsDoc,
      age: ages.get(date),
      mapping: mappings.get(date),
      practiceCount: totalsDoc ? practiceCountOf(totalsDoc.aggregate) : 0,
      practices: totalsDoc?.aggregate.practices ?? [],
    };
  });
}

/** Re-exported for the dataset modules' signatures. */
export type { GpAggregateInput };
