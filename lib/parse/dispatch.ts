import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { SourceLayoutError } from '../core/errors.ts';
import { bundledSnapshotsDir } from '../core/project-root.ts';
import {
  buildGazetteer,
  type Gazetteer,
  icbNameEntriesFromNamesList,
  type Resolution,
} from '../reference/gazetteer.ts';

import { extractArchive, looksLikeZip } from '../sources/archive.ts';
import { type SourceEntry, sourceById } from '../sources/catalogue.ts';
import { listSnapshots, loadSnapshot } from '../sources/snapshots.ts';
import { failedClosed, parseAnnouncement, readAnnouncementPage } from './announcement.ts';
import { CODE_LOOKUPS_SOURCE_ID, type LookupDocument, parseLookupDocument } from './code-lookups.ts';
import { explainExtraction } from './designation/explain.ts';
import { parseGpPublication } from './gp-publication.ts';
import type { GpRegistrationAggregate } from './gp-registrations.ts';
import { parseIcsListing } from './listing.ts';
import { parsePopulation } from './population.ts';
import type { Announcement, IcsListing, PopulationRow } from './records.ts';
import { decodeUtf8 } from './text.ts';

/**
 * One captured document in, the parser for its source's kind applied, plain values out: the single mapping from
 * catalogue source to parser, shared by `ics-lake parse` (and open to the pipeline's parse stage).
 */

/** A parsed document, tagged by the kind of parser that read it. */
export type ParsedDocument =
  | { kind: 'listing'; listing: IcsListing }
  /** `null` when the page announces no designation (ordinary news, the statutory-ICB item). */
  | { kind: 'announcement'; announcement: Announcement | null }
  | { kind: 'lookup'; document: LookupDocument }
  | { kind: 'population'; rows: PopulationRow[] }
  /** One aggregate per CSV: the file itself, or each matching entry of a ZIP attachment. */
  | { kind: 'gp'; aggregates: { archive_entry: string | null; aggregate: GpRegistrationAggregate }[] };

export interface ParseDocumentOptions {
  /** The document's URL (live or file://), for provenance and error messages. */
  url: string;
  /** Says whether a name is a known ICS name; lets the listing page decide which table lists the bodies. */
  knownNames?: (name: string) => boolean;
  /** The closed world of ICS names announcements are searched for (default: the bundled snapshots' lookups). */
  gazetteer?: Gazetteer;
}

/** Parse one captured document of a catalogue source with the parser for that source's kind. */
export async function parseDocument(
  source: SourceEntry,
  bytes: Uint8Array,
  options: ParseDocumentOptions,
): Promise<ParsedDocument> {
  const context = { sourceId: source.id, url: options.url };
  // GP files may be ZIPs, so text is decoded only for the kinds that are text.
  const text = () => decodeUtf8(bytes, context);
  switch (source.kind) {
    case 'html-listing':
      return {
        kind: 'listing',
        listing: parseIcsListing(text(), options.url, {
          ...(options.knownNames && { knownNames: options.knownNames }),
        }),
      };
    case 'html-announcements': {
      const gazetteer = options.gazetteer ?? (await bundledGazetteer());
      const announcement = parseAnnouncement(text(), options.url, { sourceId: source.id, gazetteer });
      return { kind: 'announcement', announcement };
    }
    case 'csv-lookup':
      return {
        kind: 'lookup',
        document: parseLookupDocument(text(), context),
      };
    case 'csv-population':
      return { kind: 'population', rows: parsePopulation(text(), context) };
    case 'csv-publication':
      return { kind: 'gp', aggregates: await parseGpDocument(source, bytes, options.url) };
  }
}

async function parseGpDocument(
  source: SourceEntry,
  bytes: Uint8Array,
  url: string,
): Promise<{ archive_entry: string | null; aggregate: GpRegistrationAggregate }[]> {
  const context = { sourceId: source.id, url };
  const aggregateOf = (csv: Uint8Array) => parseGpPublication(Readable.from([Buffer.from(csv)]), context);
  if (!looksLikeZip(bytes)) return [{ archive_entry: null, aggregate: await aggregateOf(bytes) }];
  if (source.archiveEntryPattern === undefined) {
    throw new SourceLayoutError(
      `${source.id}: expected a CSV at ${url} but found a ZIP archive, and the source lists no archive entries`,
      source.id,
      url,
    );
  }
  const entries = await extractArchive(bytes, {
    entryPattern: source.archiveEntryPattern,
    sourceId: source.id,
    url,
  });
  const aggregates = [];
  for (const entry of entries) {
    aggregates.push({ archive_entry: entry.name, aggregate: await aggregateOf(entry.bytes) });
  }
  return aggregates;
}

/**
 * Read a captured document for `ics-lake parse`, refusing before reading it when it is larger than its source's
 * byte cap (the catalogue's `maxBytes`, the same cap a fetch of that source enforces).
 */
export async function readCapturedDocument(file: string, source: SourceEntry): Promise<Uint8Array> {
  const { size } = await stat(file);
  if (size > source.maxBytes) {
    throw new RangeError(
      `${source.id}: ${file} is ${size} bytes, over the ${source.maxBytes}-byte cap for source ${source.id} (catalogue maxBytes)`,
    );
  }
  return readFile(file);
}

/** `--explain` for an announcement: the decision on every mention, and whether the page failed closed. */
export function explainAnnouncement(
  source: SourceEntry,
  bytes: Uint8Array,
  options: { url: string; gazetteer: Gazetteer },
): { text: string; failure: string | null } {
  if (source.kind !== 'html-announcements') {
    throw new RangeError(
      `${source.id}: --explain reads announcement pages only, not ${source.kind} documents`,
    );
  }
  const html = decodeUtf8(bytes, { sourceId: source.id, url: options.url });
  const extraction = readAnnouncementPage(html, options.url, {
    sourceId: source.id,
    gazetteer: options.gazetteer,
  });
  return { text: explainExtraction(extraction), failure: failedClosed(extraction)?.message ?? null };
}

/** How a published name was (or was not) attached to an ICS code. */
export type ResolutionNote =
  | { status: 'resolved'; matched_variant: string; rule: string; partial: boolean }
  | { status: 'unresolved' | 'ambiguous'; reason: string; candidates: string[] };

/** A designated area of an announcement, resolved to its ICS (or null, with the reason). */
export interface DesignationRecord {
  ics_code: string | null;
  name_as_published: string;
  announced_on: string;
  effective_from: string | null;
  evidence: string;
  source_url: string;
  resolution: ResolutionNote;
}

/** An ICS named on the listing page, resolved to its ICS (or null, with the reason). */
export interface ListingRecord {
  ics_code: string | null;
  name_as_published: string;
  region: string;
  href: string | null;
  evidence: string;
  resolution: ResolutionNote;
}

/** One ICB's share of a GP file: its sub-ICB locations resolved through the lookups in force on the extract date. */
export interface IcbTotal {
  ics_code: string;
  patients: number;
  practice_count: number;
}

/** A sub-ICB location of a GP file that no lookup places in an ICB on the extract date: reported, never dropped. */
export interface UnresolvedSubIcbTotal {
  sub_icb_code: string;
  sub_icb_ons_code: string | null;
  patients: number;
  reason: string;
}

/** A GP aggregate as `ics-lake parse` prints it: the parser's sums plus the ICB totals they make. */
export type GpAggregateOutput = GpRegistrationAggregate & {
  icb_totals: IcbTotal[];
  unresolved_sub_icb_locations: UnresolvedSubIcbTotal[];
};

/**
 * Resolves published names; when it also carries `resolveCode` (as the gazetteer of `referenceGazetteer` does),
 * GP aggregates get their ICB totals.
 */
export type NameResolver = ((name: string) => Resolution) & { resolveCode?: Gazetteer['resolveCode'] };

/** What `ics-lake parse` prints for each kind of document. */
export type ParseOutput =
  | { records: DesignationRecord[]; announcement: Announcement }
  | { records: [] }
  | { records: ListingRecord[]; listing: Omit<IcsListing, 'entries'> }
  | { records: LookupDocument['rows']; lookup: { kind: LookupDocument['kind']; vintage: string } }
  | { records: PopulationRow[] }
  | { aggregate: GpRegistrationAggregate | GpAggregateOutput; archive_entry: string | null }
  | {
      aggregates: { archive_entry: string | null; aggregate: GpRegistrationAggregate | GpAggregateOutput }[];
    };

/** Resolve names through `resolve` (a gazetteer) and shape a parsed document as `ics-lake parse` prints it. */
export function parseOutput(parsed: ParsedDocument, resolve: NameResolver): ParseOutput {
  switch (parsed.kind) {
    case 'announcement': {
      const { announcement } = parsed;
      if (announcement === null) return { records: [] };
      const records = announcement.areas.map((area) => ({
        ...resolved(resolve(area.name_as_published)),
        name_as_published: area.name_as_published,
        announced_on: announcement.announced_on,
        effective_from: announcement.effective_from,
        evidence: area.evidence,
        source_url: announcement.url,
      }));
      return { records: records.map(withResolutionLast), announcement };
    }
    case 'listing': {
      const { entries, ...listing } = parsed.listing;
      const records = entries.map((entry) => ({ ...resolved(resolve(entry.name_as_published)), ...entry }));
      return { records: records.map(withResolutionLast), listing };
    }
    case 'lookup':
      return {
        records: parsed.document.rows,
        lookup: { kind: parsed.document.kind, vintage: parsed.document.vintage },
      };
    case 'population':
      return { records: parsed.rows };
    case 'gp': {
      const { resolveCode } = resolve;
      const aggregates = parsed.aggregates.map(({ archive_entry, aggregate }) => ({
        archive_entry,
        aggregate: resolveCode ? withIcbTotals(aggregate, resolveCode) : aggregate,
      }));
      const [only, ...more] = aggregates;
      if (only && more.length === 0) return { aggregate: only.aggregate, archive_entry: only.archive_entry };
      return { aggregates };
    }
  }
}

/**
 * Sum a GP aggregate's sub-ICB totals to ICBs through the lookup vintage in force on its extract date, keyed on the
 * sub-ICB location's ODS code (so a stale ONS code in the file does not matter); the ONS code is tried only when
 * the ODS code is unknown. Locations that resolve nowhere are listed, with their patients, not dropped.
 */
export function withIcbTotals(
  aggregate: GpRegistrationAggregate,
  resolveCode: Gazetteer['resolveCode'],
): GpAggregateOutput {
  const asOf = aggregate.extract_date;
  const byIcs = new Map<string, IcbTotal>();
  const unresolved: UnresolvedSubIcbTotal[] = [];
  for (const total of aggregate.totals) {
    let resolution = resolveCode(total.sub_icb_code, { asOf });
    if (resolution.status === 'unresolved' && total.sub_icb_ons_code)
      resolution = resolveCode(total.sub_icb_ons_code, { asOf });
    if (resolution.status !== 'resolved') {
      unresolved.push({
        sub_icb_code: total.sub_icb_code,
        sub_icb_ons_code: total.sub_icb_ons_code,
        patients: total.patients,
        reason: resolution.status === 'unresolved' ? resolution.reason : 'ambiguous: not guessed',
      });
      continue;
    }
    const entry = byIcs.get(resolution.ics_code) ?? {
      ics_code: resolution.ics_code,
      patients: 0,
      practice_count: 0,
    };
    entry.patients += total.patients;
    entry.practice_count += total.practice_count;
    byIcs.set(resolution.ics_code, entry);
  }
  const icbTotals = [...byIcs.values()].sort((a, b) => (a.ics_code < b.ics_code ? -1 : 1));
  return { ...aggregate, icb_totals: icbTotals, unresolved_sub_icb_locations: unresolved };
}

function resolved(resolution: Resolution): { ics_code: string | null; resolution: ResolutionNote } {
  switch (resolution.status) {
    case 'resolved':
      return {
        ics_code: resolution.ics_code,
        resolution: {
          status: 'resolved',
          matched_variant: resolution.matched_variant,
          rule: resolution.rule,
          partial: resolution.partial === true,
        },
      };
    case 'unresolved':
      return {
        ics_code: null,
        resolution: { status: 'unresolved', reason: resolution.reason, candidates: [] },
      };
    case 'ambiguous': {
      const candidates = [...new Set(resolution.candidates.map((candidate) => candidate.ics_code))].sort();
      return {
        ics_code: null,
        resolution: {
          status: 'ambiguous',
          reason: `"${resolution.name}" matches ${candidates.join(', ')}; not guessed`,
          candidates,
        },
      };
    }
  }
}

/** Keep `ics_code` first and the resolution note last, so each printed record reads top to bottom. */
function withResolutionLast<Row extends { ics_code: string | null; resolution: ResolutionNote }>(
  row: Row,
): Row {
  const { ics_code, resolution, ...rest } = row;
  return { ics_code, ...rest, resolution } as Row;
}

/**
 * The gazetteer of the reference lookups bundled with the newest snapshot under `snapshotsRoot`: every code-lookup
 * CSV it serves (each vintage, and the ICB names-and-codes lists), as the pipeline would build it.
 */
export async function referenceGazetteer(snapshotsRoot: string): Promise<Gazetteer> {
  const newest = listSnapshots(snapshotsRoot).at(-1);
  if (!newest) throw new RangeError(`No snapshots under ${path.resolve(snapshotsRoot)} to take lookups from`);
  const source = sourceById(CODE_LOOKUPS_SOURCE_ID);
  const snapshot = await loadSnapshot(newest.dir);
  const lookups = [];
  const icbNames = [];
  for (const resource of snapshot.resources) {
    if (!resource.file || !source.allowedHosts.includes(new URL(resource.url).hostname)) continue;
    if (!/\.csv$/i.test(resource.file)) continue;
    const text = await readFile(path.join(snapshot.dir, resource.file), 'utf8');
    const document = parseLookupDocument(text, { sourceId: source.id, url: resource.url });
    if (document.kind === 'lookup') lookups.push(...document.rows);
    else icbNames.push(...icbNameEntriesFromNamesList(document.rows));
  }
  if (lookups.length === 0) {
    throw new RangeError(
      `The snapshot ${snapshot.dir} serves no ${source.id} CSV to build the gazetteer from`,
    );
  }
  const gazetteer = buildGazetteer({ lookups, icbNames });
  // `ics-lake parse` hands over `gazetteer.resolve` alone; carrying code resolution on it lets GP files get their
  // ICB totals as of their extract date.
  const resolve: NameResolver = Object.assign((name: string) => gazetteer.resolve(name), {
    resolveCode: gazetteer.resolveCode,
  });
  return { ...gazetteer, resolve };
}

let bundled: Promise<Gazetteer> | undefined;

/** The gazetteer of the bundled snapshots' newest lookups, built once per process. */
export function bundledGazetteer(): Promise<Gazetteer> {
  bundled ??= referenceGazetteer(bundledSnapshotsDir());
  return bundled;
}

/**
 * The URL a captured file was published at: the live URL a snapshot's manifest gives for it when the file lies
 * inside a snapshot folder, else its file:// URL.
 */
export async function documentUrlFor(file: string): Promise<string> {
  const absolute = path.resolve(file);
  for (let dir = path.dirname(absolute); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (!existsSync(path.join(dir, 'manifest.json'))) continue;
    const snapshot = await loadSnapshot(dir).catch(() => null);
    const match = snapshot?.resources.find(
      (resource) => resource.file !== undefined && path.resolve(dir, resource.file) === absolute,
    );
    if (match) return match.url;
  }
  return pathToFileURL(absolute).toString();
}
