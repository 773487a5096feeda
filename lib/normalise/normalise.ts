import { createHash } from 'node:crypto';
import type { CodeLookupRow, PublishedStatement } from '../parse/records.ts';
import { buildGazetteer, type Gazetteer, type Resolution } from '../reference/gazetteer.ts';
import { shortName } from '../reference/names.ts';
import { compareText, sortRows } from '../reference/order.ts';
import { compareVintages, vintageFor, vintageStart } from '../reference/vintage.ts';
import { claimDifference, isConsistent, roundOneDecimal } from './claims.ts';
import type {
  IcsCoverageRow,
  IcsDesignationRow,
  IcsPopulationRow,
  IcsRow,
  PublishedClaimRow,
} from './datasets.ts';
import { NormaliseInput, NormaliseOptions, type Provenance } from './input.ts';
import { decideDesignation } from './precedence.ts';

/**
 * The normalise stage: parsed documents with provenance in, the five datasets out. Pure and deterministic:
 * inputs are de-duplicated and sorted before use, every output is sorted by primary key, and nothing reads the
 * clock (the run date comes in as `asOf`).
 */

/** A name or code that could not be attached to an ICS; the caller reports and quarantines it. */
export interface UnresolvedEntry {
  name: string;
  source_id: string;
  url: string;
  sha256: string;
  evidence: string;
  reason: string;
}

export interface LineageEntry {
  dataset: string;
  raw: { sha256: string; url: string }[];
}

export interface NormaliseResult {
  datasets: {
    ics: IcsRow[];
    ics_designations: IcsDesignationRow[];
    ics_population: IcsPopulationRow[];
    ics_coverage: IcsCoverageRow[];
    published_claims: PublishedClaimRow[];
  };
  unresolved: UnresolvedEntry[];
  lineage: LineageEntry[];
}

/** Date on which ICBs became statutory bodies (Health and Care Act 2022). */
const ICB_ESTABLISHED = '2022-07-01';

interface WithProvenance {
  provenance: Provenance;
}

/** Order of two fetch instants (timestamps may carry different offsets, so compare instants, not text). */
function compareFetched(left: Provenance, right: Provenance): number {
  return Date.parse(left.fetched_at) - Date.parse(right.fetched_at);
}

/** One document per URL: the most recently fetched version (ties: the greater hash), in URL order. */
function latestPerUrl<Doc extends WithProvenance>(documents: readonly Doc[]): Doc[] {
  const byUrl = new Map<string, Doc>();
  for (const doc of documents) {
    const current = byUrl.get(doc.provenance.url);
    const newer =
      !current ||
      compareFetched(doc.provenance, current.provenance) > 0 ||
      (compareFetched(doc.provenance, current.provenance) === 0 &&
        compareText(doc.provenance.sha256, current.provenance.sha256) > 0);
    if (newer) byUrl.set(doc.provenance.url, doc);
  }
  return [...byUrl.values()].sort((a, b) => compareText(a.provenance.url, b.provenance.url));
}

/** One document per key (e.g. reference date): the latest-fetched, so two editions never double-count. */
function latestPerKey<Doc extends WithProvenance>(
  documents: readonly Doc[],
  key: (doc: Doc) => string,
): Doc[] {
  const byKey = new Map<string, Doc>();
  for (const doc of latestPerUrl(documents)) {
    const current = byKey.get(key(doc));
    if (
      !current ||
      compareFetched(doc.provenance, current.provenance) > 0 ||
      (compareFetched(doc.provenance, current.provenance) === 0 &&
        compareText(doc.provenance.url, current.provenance.url) > 0)
    ) {
      byKey.set(key(doc), doc);
    }
  }
  return [...byKey.values()].sort((a, b) => compareText(key(a), key(b)));
}

function unresolvedFrom(
  resolution: Resolution,
  provenance: Provenance,
  evidence: string,
): UnresolvedEntry | null {
  if (resolution.status === 'resolved') return null;
  const reason =
    resolution.status === 'ambiguous'
      ? `ambiguous: "${resolution.name}" matches ${[...new Set(resolution.candidates.map((c) => c.ics_code))].join(', ')}; not guessed`
      : resolution.reason;
  return {
    name: resolution.name,
    source_id: provenance.source_id,
    url: provenance.url,
    sha256: provenance.sha256,
    evidence,
    reason,
  };
}

function claimId(
  sourceUrl: string,
  statement: Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'evidence'>,
): string {
  return createHash('sha256')
    .update(
      [sourceUrl, statement.kind, statement.scope, String(statement.value), statement.evidence].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
}

function newestRows(rows: readonly CodeLookupRow[]): CodeLookupRow[] {
  const newest = [...new Set(rows.map((row) => row.vintage))].sort(compareVintages).at(-1);
  return rows.filter((row) => row.vintage === newest);
}

function firstSorted(values: Iterable<string>): string | undefined {
  return [...values].sort(compareText)[0];
}

/** Normalise parsed documents into the five datasets, as of `options.asOf`. */
export function normalise(rawInput: NormaliseInput, rawOptions: NormaliseOptions): NormaliseResult {
  const input = NormaliseInput.parse(rawInput);
  const { asOf } = NormaliseOptions.parse(rawOptions);
  const unresolved: UnresolvedEntry[] = [];

  const lookupDocs = latestPerUrl(input.lookups);
  const icbNameDocs = latestPerUrl(input.icbNames);
  const legacyDocs = latestPerUrl(input.legacyStps);
  const lookups = lookupDocs.flatMap((doc) => doc.rows);
  const gazetteer = buildGazetteer({
    lookups,
    icbNames: icbNameDocs.flatMap((doc) => doc.entries),
    legacyStps: legacyDocs.flatMap((doc) => doc.rows),
    ...(input.aliases ? { aliases: input.aliases } : {}),
  });

  // --- ics_designations -------------------------------------------------------------------------------------
  const announcementDocs = latestPerUrl(input.announcements);
  const designationsByKey = new Map<string, IcsDesignationRow>();
  const waveCodesByUrl = new Map<string, Set<string>>();
  for (const { provenance, announcement } of announcementDocs) {
    const waveCodes = new Set<string>();
    for (const area of announcement.areas) {
      const resolution = gazetteer.resolve(area.name_as_published);
      const problem = unresolvedFrom(resolution, provenance, area.evidence);
      if (problem) unresolved.push(problem);
      if (resolution.status !== 'resolved') continue;
      waveCodes.add(resolution.ics_code);
      const row: IcsDesignationRow = {
        ics_code: resolution.ics_code,
        announced_on: announcement.announced_on,
        effective_from: announcement.effective_from,
        wave: announcement.announced_on.slice(0, 7),
        name_as_published: area.name_as_published,
        partial: resolution.partial === true,
        source_url: provenance.url,
        source_sha256: provenance.sha256,
        authority: provenance.authority,
        evidence: area.evidence,
      };
      // Two areas of one article can resolve to one ICS ("Berkshire West" and "Buckinghamshire" -> QU9): keep
      // one row, preferring a whole-footprint name, then the first name in code-unit order.
      const key = `${row.ics_code}|${row.source_url}`;
      const existing = designationsByKey.get(key);
      const better =
        !existing ||
        (existing.partial && !row.partial) ||
        (existing.partial === row.partial &&
          compareText(row.name_as_published, existing.name_as_published) < 0);
      if (better) designationsByKey.set(key, row);
    }
    waveCodesByUrl.set(provenance.url, waveCodes);
  }
  const icsDesignations = sortRows([...designationsByKey.values()], ['ics_code', 'source_url']);

  // --- websites from the listing page ------------------------------------------------------------------------
  const listingDocs = latestPerUrl(input.listings).sort(
    (a, b) => compareFetched(a.provenance, b.provenance) || compareText(a.provenance.url, b.provenance.url),
  );
  const websites = new Map<string, string>();
  for (const { provenance, listing } of listingDocs) {
    const fromThisListing = new Map<string, string>();
    for (const entry of [...listing.entries].sort((a, b) =>
      compareText(a.name_as_published, b.name_as_published),
    )) {
      const resolution = gazetteer.resolve(entry.name_as_published);
      const problem = unresolvedFrom(resolution, provenance, entry.evidence);
      if (problem) unresolved.push(problem);
      if (resolution.status === 'resolved' && entry.href && !fromThisListing.has(resolution.ics_code)) {
        fromThisListing.set(resolution.ics_code, entry.href);
      }
    }
    // Later listings (by fetch time) override earlier ones.
    for (const [code, href] of fromThisListing) websites.set(code, href);
  }

  // --- ics ---------------------------------------------------------------------------------------------------
  const officialNames = new Map<string, string>();
  const partnershipOnsCodes = new Map<string, string>();
  for (const entry of sortRows(
    icbNameDocs.flatMap((doc) => doc.entries),
    ['icb_code', 'kind', 'name'],
  )) {
    if (entry.kind === 'official' && !officialNames.has(entry.icb_code))
      officialNames.set(entry.icb_code, entry.name);
    if (entry.kind === 'partnership' && entry.ons_code && !partnershipOnsCodes.has(entry.icb_code)) {
      partnershipOnsCodes.set(entry.icb_code, entry.ons_code);
    }
  }
  const claimsByCode = new Map<string, IcsDesignationRow[]>();
  for (const row of icsDesignations) {
    claimsByCode.set(row.ics_code, [...(claimsByCode.get(row.ics_code) ?? []), row]);
  }
  // Only the footprints of the lookup vintage in force at the run date are ICSs "now" (older vintages still
  // serve code resolution); its rows give the current codes, names and regions.
  const vintageInForce = vintageFor(asOf, gazetteer.vintages());
  const inForce = lookups.filter((row) => row.vintage === vintageInForce);
  const ics: IcsRow[] = [...new Set(inForce.map((row) => row.icb_code))].sort(compareText).map((icsCode) => {
    const rows = lookups.filter((row) => row.icb_code === icsCode);
    const current = inForce.filter((row) => row.icb_code === icsCode);
    const head = [...current].sort((a, b) => compareText(a.sub_icb_code, b.sub_icb_code))[0] as CodeLookupRow;
    const lookupName = firstSorted(new Set(current.map((row) => row.icb_name))) ?? head.icb_name;
    const official = officialNames.get(icsCode);
    // ODS publishes upper-case names; use the mixed-case official name when it is the same name.
    const name =
      official && lookupName === lookupName.toUpperCase() && official.toUpperCase() === lookupName
        ? official
        : lookupName;
    const stpEra = rows.filter((row) => vintageStart(row.vintage) < ICB_ESTABLISHED);
    const predecessor =
      firstSorted(new Set(newestRows(stpEra).map((row) => row.icb_ons_code))) ??
      partnershipOnsCodes.get(icsCode) ??
      null;
    const statutoryFrom = current.some((row) => vintageStart(row.vintage) >= ICB_ESTABLISHED)
      ? ICB_ESTABLISHED
      : null;
    const decision = decideDesignation(claimsByCode.get(icsCode) ?? []);
    const designatedFrom = decision?.designated_from ?? null;
    const status: IcsRow['status'] =
      statutoryFrom !== null && statutoryFrom <= asOf
        ? 'icb'
        : designatedFrom !== null && designatedFrom <= asOf
          ? 'ics'
          : 'stp';
    return {
      ics_code: icsCode,
      ons_code: firstSorted(new Set(current.map((row) => row.icb_ons_code))) ?? head.icb_ons_code,
      name,
      short_name: shortName(name),
      region_code: head.region_code,
      region_name: head.region_name,
      predecessor_stp_code: predecessor,
      sub_icb_location_codes: [...new Set(current.map((row) => row.sub_icb_code))].sort(compareText),
      status,
      designated_from: designatedFrom,
      designation_wave: decision?.wave ?? null,
      statutory_from: statutoryFrom,
      website: websites.get(icsCode) ?? null,
    };
  });

  // --- ics_population ----------------------------------------------------------------------------------------
  const population = new Map<string, IcsPopulationRow>();
  const addPopulation = (
    row: Omit<IcsPopulationRow, 'value' | 'source_url' | 'source_sha256'>,
    value: number,
    provenance: Provenance,
  ): void => {
    const key = [row.ics_code, row.reference_date, row.measure, row.sex, row.age_band].join('|');
    const existing = population.get(key);
    population.set(key, {
      ...row,
      value: (existing?.value ?? 0) + value,
      source_url: provenance.url,
      source_sha256: provenance.sha256,
    });
  };
  const resolveArea = (code: string, onsCode: string | null, date: string): Resolution => {
    const byCode = gazetteer.resolveCode(code, { asOf: date });
    if (byCode.status !== 'unresolved' || !onsCode) return byCode;
    return gazetteer.resolveCode(onsCode, { asOf: date });
  };

  const populationDocs = latestPerKey(
    input.population.filter((doc) => doc.rows.length > 0),
    (doc) => doc.rows[0]?.reference_date ?? '',
  );
  const onsByIcs = new Map<string, number>();
  let englandPopulation = 0;
  let basisDate: string | null = null;
  for (const { provenance, rows } of populationDocs) {
    for (const row of [...rows].sort((a, b) => compareText(a.sub_icb_code, b.sub_icb_code))) {
      const resolution = resolveArea(row.sub_icb_code, row.sub_icb_ons_code, row.reference_date);
      const problem = unresolvedFrom(
        resolution,
        provenance,
        `${row.sub_icb_code} ${row.name}: ${row.all_ages}`,
      );
      if (problem) unresolved.push(problem);
      if (resolution.status !== 'resolved') continue;
      const base = {
        ics_code: resolution.ics_code,
        reference_date: row.reference_date,
        measure: 'ons_mid_year_estimate' as const,
        sex: 'ALL' as const,
      };
      addPopulation({ ...base, age_band: 'ALL' }, row.all_ages, provenance);
      for (const band of Object.keys(row.age_bands).sort(compareText)) {
        addPopulation({ ...base, age_band: band }, row.age_bands[band] ?? 0, provenance);
      }
    }
  }
  // The coverage basis is the newest ONS estimate: England = every CCG row, resolved or not.
  const basisDoc = populationDocs.at(-1);
  if (basisDoc) {
    basisDate = basisDoc.rows[0]?.reference_date ?? null;
    englandPopulation = basisDoc.rows.reduce((sum, row) => sum + row.all_ages, 0);
    for (const row of population.values()) {
      if (
        row.reference_date === basisDate &&
        row.measure === 'ons_mid_year_estimate' &&
        row.sex === 'ALL' &&
        row.age_band === 'ALL'
      ) {
        onsByIcs.set(row.ics_code, row.value);
      }
    }
  }

  // Per extract date, totals come from one document and sex x age from one document (the totals file and the
  // single-year-of-age file both carry totals), so no figure is counted twice.
  // A dedicated totals file is preferred to the totals carried by a single-year-of-age file of the same date.
  const isTotalsFile = (doc: (typeof input.gpRegistrations)[number]) =>
    doc.aggregate.totals.length > 0 && doc.aggregate.by_sex_age.length === 0;
  const datesWithTotalsFile = new Set(
    input.gpRegistrations.filter(isTotalsFile).map((doc) => doc.aggregate.extract_date),
  );
  const gpTotalsDocs = latestPerKey(
    input.gpRegistrations.filter(
      (doc) =>
        doc.aggregate.totals.length > 0 &&
        (isTotalsFile(doc) || !datesWithTotalsFile.has(doc.aggregate.extract_date)),
    ),
    (doc) => doc.aggregate.extract_date,
  );
  const gpAgeDocs = latestPerKey(
    input.gpRegistrations.filter((doc) => doc.aggregate.by_sex_age.length > 0),
    (doc) => doc.aggregate.extract_date,
  );
  for (const { provenance, aggregate } of gpTotalsDocs) {
    const date = aggregate.extract_date;
    for (const total of [...aggregate.totals].sort((a, b) => compareText(a.sub_icb_code, b.sub_icb_code))) {
      const resolution = resolveArea(total.sub_icb_code, total.sub_icb_ons_code, date);
      const problem = unresolvedFrom(
        resolution,
        provenance,
        `${total.sub_icb_code}: ${total.patients} patients`,
      );
      if (problem) unresolved.push(problem);
      if (resolution.status !== 'resolved') continue;
      addPopulation(
        {
          ics_code: resolution.ics_code,
          reference_date: date,
          measure: 'registered_patients',
          sex: 'ALL',
          age_band: 'ALL',
        },
        total.patients,
        provenance,
      );
    }
  }
  for (const { provenance, aggregate } of gpAgeDocs) {
    const date = aggregate.extract_date;
    const cells = aggregate.by_sex_age
      .filter((cell) => !(cell.sex === 'ALL' && cell.age === 'ALL'))
      .sort(
        (a, b) =>
          compareText(a.sub_icb_code, b.sub_icb_code) ||
          compareText(a.sex, b.sex) ||
          compareText(a.age, b.age),
      );
    const reported = new Set<string>();
    for (const cell of cells) {
      const resolution = resolveArea(cell.sub_icb_code, null, date);
      if (resolution.status !== 'resolved') {
        if (!reported.has(cell.sub_icb_code)) {
          reported.add(cell.sub_icb_code);
          const problem = unresolvedFrom(
            resolution,
            provenance,
            `${cell.sub_icb_code}: single-year-of-age rows`,
          );
          if (problem) unresolved.push(problem);
        }
        continue;
      }
      addPopulation(
        {
          ics_code: resolution.ics_code,
          reference_date: date,
          measure: 'registered_patients',
          sex: cell.sex,
          age_band: cell.age,
        },
        cell.patients,
        provenance,
      );
    }
  }
  const icsPopulation = sortRows(
    [...population.values()],
    ['ics_code', 'reference_date', 'measure', 'sex', 'age_band'],
  );

  // --- ics_coverage ------------------------------------------------------------------------------------------
  const populationOf = (codes: Iterable<string>): number => {
    let sum = 0;
    for (const code of codes) sum += onsByIcs.get(code) ?? 0;
    return sum;
  };
  const percentOf = (people: number): number => roundOneDecimal((people / englandPopulation) * 100);
  const designatedBy = (date: string): string[] =>
    ics
      .filter((row) => row.designated_from !== null && row.designated_from <= date)
      .map((row) => row.ics_code);
  const coverageDates = [...new Set(ics.flatMap((row) => (row.designated_from ? [row.designated_from] : [])))]
    .filter((date) => date <= asOf)
    .sort(compareText);
  const icsCoverage: IcsCoverageRow[] =
    basisDate === null || englandPopulation === 0
      ? []
      : coverageDates.map((date) => {
          const codes = designatedBy(date).sort(compareText);
          const covered = populationOf(codes);
          return {
            date,
            ics_count: codes.length,
            population_covered: covered,
            england_population: englandPopulation,
            coverage_pct: percentOf(covered),
            population_basis: `ons_mid_year_estimate ${basisDate}`,
            designated_codes: codes,
          };
        });

  // --- published_claims --------------------------------------------------------------------------------------
  const claims = new Map<string, PublishedClaimRow>();
  const addClaim = (
    provenance: Provenance,
    date: string,
    statement: Pick<PublishedStatement, 'kind' | 'scope' | 'value' | 'qualifier' | 'evidence'>,
    totalCodes: readonly string[],
    waveCodes: readonly string[],
  ): void => {
    const codes = statement.scope === 'total' ? totalCodes : statement.scope === 'wave' ? waveCodes : null;
    let computed: number | null = null;
    if (codes !== null) {
      if (statement.kind === 'count') computed = codes.length;
      else if (englandPopulation > 0) {
        computed = statement.kind === 'population' ? populationOf(codes) : percentOf(populationOf(codes));
      }
    }
    const id = claimId(provenance.url, statement);
    claims.set(id, {
      claim_id: id,
      date,
      source_url: provenance.url,
      source_sha256: provenance.sha256,
      authority: provenance.authority,
      kind: statement.kind,
      scope: statement.scope,
      qualifier: statement.qualifier,
      claimed_value: statement.value,
      computed_value: computed,
      consistent:
        computed === null
          ? null
          : isConsistent(statement.kind, statement.qualifier, statement.value, computed),
      difference: computed === null ? null : claimDifference(statement.kind, statement.value, computed),
      evidence: statement.evidence,
    });
  };
  for (const { provenance, announcement } of announcementDocs) {
    // A claim describes the state after its announcement: ICSs designated by then, plus the ones it names.
    const waveCodes = [...(waveCodesByUrl.get(provenance.url) ?? [])].sort(compareText);
    const totalCodes = [...new Set([...designatedBy(announcement.announced_on), ...waveCodes])].sort(
      compareText,
    );
    for (const statement of announcement.statements) {
      addClaim(provenance, announcement.announced_on, statement, totalCodes, waveCodes);
    }
    if (announcement.running_total !== null) {
      addClaim(
        provenance,
        announcement.announced_on,
        {
          kind: 'count',
          scope: 'total',
          value: announcement.running_total,
          qualifier: 'exactly',
          evidence: announcement.running_total_evidence ?? `running total ${announcement.running_total}`,
        },
        totalCodes,
        waveCodes,
      );
    }
  }
  for (const { provenance, listing } of listingDocs) {
    if (listing.stated_total === null) continue;
    const date = new Date(provenance.fetched_at).toISOString().slice(0, 10);
    addClaim(
      provenance,
      date,
      {
        kind: 'count',
        scope: 'total',
        value: listing.stated_total,
        qualifier: 'exactly',
        evidence: `${listing.title}: ${listing.stated_total} integrated care systems stated`,
      },
      designatedBy(date).sort(compareText),
      [],
    );
  }
  const publishedClaims = sortRows([...claims.values()], ['claim_id']);

  // --- lineage -----------------------------------------------------------------------------------------------
  const raw = (docs: readonly WithProvenance[]): { sha256: string; url: string }[] => {
    const unique = new Map<string, { sha256: string; url: string }>();
    for (const { provenance } of docs)
      unique.set(`${provenance.sha256}|${provenance.url}`, {
        sha256: provenance.sha256,
        url: provenance.url,
      });
    return sortRows([...unique.values()], ['sha256', 'url']);
  };
  const codeDocs = [...lookupDocs, ...icbNameDocs, ...legacyDocs];
  const lineage: LineageEntry[] = [
    { dataset: 'ics', raw: raw([...codeDocs, ...announcementDocs, ...listingDocs]) },
    { dataset: 'ics_designations', raw: raw([...codeDocs, ...announcementDocs]) },
    { dataset: 'ics_population', raw: raw([...codeDocs, ...populationDocs, ...gpTotalsDocs, ...gpAgeDocs]) },
    {
      dataset: 'ics_coverage',
      raw: raw([...codeDocs, ...announcementDocs, ...(basisDoc ? [basisDoc] : [])]),
    },
    {
      dataset: 'published_claims',
      raw: raw([...codeDocs, ...announcementDocs, ...listingDocs, ...populationDocs]),
    },
  ];

  return {
    datasets: {
      ics,
      ics_designations: icsDesignations,
      ics_population: icsPopulation,
      ics_coverage: icsCoverage,
      published_claims: publishedClaims,
    },
    unresolved: sortRows(
      unresolved.map((entry) => ({ ...entry })),
      ['url', 'name', 'evidence', 'reason'],
    ).filter((entry, index, all) => index === 0 || JSON.stringify(entry) !== JSON.stringify(all[index - 1])),
    lineage,
  };
}

/** Re-exported so callers need only this module. */
export type { Gazetteer };
