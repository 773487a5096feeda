import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeError, IcsLakeError, isLakeFailure } from '../core/errors.ts';
import { prefetched } from '../core/prefetch.ts';
import { getJson, type LakeStore, putJson } from '../lake/store.ts';
import { GpPractice, GpSexAgeCell, type NormaliseInput, type Provenance } from '../normalise/input.ts';
import type { GpFileDocument, SexAgeLoader } from '../normalise/population-partitions.ts';
import type { PracticeIndexLoader } from '../normalise/practice-index.ts';
import { type PracticeLoader, type PracticeTable, practiceTable } from '../normalise/resolved-inputs.ts';
import { parseAnnouncement } from '../parse/announcement.ts';
import { parseLookupDocument } from '../parse/code-lookups.ts';
import { isDesignationCheckError } from '../parse/designation/errors.ts';
import { parseGpPublication } from '../parse/gp-publication.ts';
import { parseIcsListing } from '../parse/listing.ts';
import { parsePopulation } from '../parse/population.ts';
import { Announcement, IcsListing } from '../parse/records.ts';
import { decodeUtf8 } from '../parse/text.ts';
import { buildGazetteer, type Gazetteer } from '../reference/gazetteer.ts';
import { compareText } from '../reference/order.ts';
import type { SourceEntry } from '../sources/catalogue.ts';
import { type CurrentDocument, currentDocuments } from '../sources/raw-zone.ts';
import { cachedPageParse, pageCacheKey } from './page-cache.ts';
import { decodePracticeColumns, encodePracticeColumns } from './practice-columns.ts';
import { cachedPracticeIndex } from './practice-index-cache.ts';
import type { QuarantineEntry } from './run-report.ts';

/**
 * The parse stage: turn each source's current raw documents into parsed records with provenance.
 *
 * Bad input never replaces good input: a document that fails to parse is quarantined with its reason, and the
 * last document from the same URL that did parse is used in its place. Documents are retained after they drop out
 * of discovery (news indexes roll over; old lookup vintages and GP editions stay part of the history), so the
 * datasets never lose a fact because a page moved on; the listing page, one URL whose content changes, keeps every
 * earlier version too, each under `<url>@<sha256>`, for the claims each version stated.
 *
 * Parsed CSV documents are cached at `parsed/<source-id>/<sha256>.json`, so a rerun with nothing new reads a
 * few small objects instead of re-parsing hundreds of megabytes.
 */

/** Bump when a parser's output for the same bytes changes, so cached parses are not reused. */
// 2: GP aggregates carry practice totals, and practice mapping files are parsed.
export const PARSER_VERSION = 2;

const Sha256 = z.string().regex(/^[a-f0-9]{64}$/);

/** The last good parse of one URL (or archive entry). */
export const ParsedRef = z.object({
  url: z.string(),
  sha256: Sha256,
  key: z.string(),
  fetchedAt: z.iso.datetime(),
  archiveEntry: z.string().nullable(),
});
export type ParsedRef = z.infer<typeof ParsedRef>;

/** `state/parsed/<source-id>.json`: the last good parse per document, retained across runs. */
export const ParseState = z.object({
  sourceId: z.string(),
  parserVersion: z.number().int(),
  documents: z.record(z.string(), ParsedRef),
});
export type ParseState = z.infer<typeof ParseState>;

/** `quarantine/<source-id>/<sha256>.json`: a document that failed, with its reason. */
export const QuarantineRecord = z.object({
  sourceId: z.string(),
  stage: z.string(),
  url: z.string().nullable(),
  /** The raw object, which stays in the raw zone untouched. */
  key: z.string().nullable(),
  sha256: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
  firstSeenRunId: z.string(),
  /** For unresolved names: the name and the passage it came from. */
  name: z.string().optional(),
  evidence: z.string().optional(),
  /** For designation pages that failed closed (count_mismatch, layout_drift): the areas that were found. */
  areas: z.array(z.object({ name_as_published: z.string(), ics_code: z.string().nullable() })).optional(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;

/** Per-source counts for the run report. */
export interface ParseSourceReport {
  documents: number;
  parsed: number;
  reused: number;
  quarantined: number;
  retained: number;
}

/** The normalise stage's input, with every document list present. */
export type ParsedInput = Required<
  Pick<
    NormaliseInput,
    'lookups' | 'icbNames' | 'population' | 'gpRegistrations' | 'listings' | 'announcements'
  >
>;

/** The gazetteer the parsed code lookups and ICB-name documents make (what HTML pages are resolved against). */
export function gazetteerOfParsed(input: Pick<ParsedInput, 'lookups' | 'icbNames'>): Gazetteer {
  return buildGazetteer({
    lookups: input.lookups.flatMap((lookup) => lookup.rows),
    icbNames: input.icbNames.flatMap((names) => names.entries),
  });
}

export interface ParseStageResult {
  input: ParsedInput;
  report: Record<string, ParseSourceReport>;
  /**
   * With `holdGpDetailOut`: loads one GP file's sex x age cells (from its cached parse), which the input leaves out.
   * Without it every file's cells are in the input and this is never needed.
   */
  loadGpSexAge: SexAgeLoader;
  /** With `holdGpDetailOut`: loads one GP file's practices (from their cached columns), which the input leaves out. */
  loadGpPractices: PracticeLoader;
  /** The practice index of GP editions, kept in the lake between runs (lib/pipeline/practice-index-cache.ts). */
  loadPracticeIndex: PracticeIndexLoader;
  /** The gazetteer HTML pages were resolved against (`gazetteerFor` of the parsed lookups and ICB names). */
  gazetteer: Gazetteer;
}

interface ParseDeps {
  store: LakeStore;
  runId: string;
  catalogue: readonly SourceEntry[];
  quarantine: (entry: QuarantineEntry) => void;
  /** Built from the lookups before announcements are parsed: the closed world of names they are searched for. */
  gazetteerFor: (input: ParsedInput) => Gazetteer;
  /**
   * Leave GP files' sex x age cells and practices out of the input (`by_sex_age` and `practices` empty,
   * `sex_age_cells` and `practices_held` their counts), to be loaded one file at a time by `loadGpSexAge` and
   * `loadGpPractices`: every edition's at once would grow the process's time and memory with the history. Each
   * file's summary is cached beside its parse (`….summary2.json`), its practices as binary columns (`….practices.bin`).
   */
  holdGpDetailOut?: boolean;
}

export function parseStateKey(sourceId: string): string {
  return `state/parsed/${sourceId}.json`;
}

function parsedCacheKey(sourceId: string, sha256: string, archiveEntry: string | null): string {
  const suffix = archiveEntry === null ? '' : `-${hashText(archiveEntry).slice(0, 12)}`;
  return `parsed/${sourceId}/${sha256}${suffix}.v${PARSER_VERSION}.json`;
}

function summaryCacheKey(sourceId: string, sha256: string, archiveEntry: string | null): string {
  return parsedCacheKey(sourceId, sha256, archiveEntry).replace(/\.json$/, '.summary2.json');
}

function practicesCacheKey(sourceId: string, sha256: string, archiveEntry: string | null): string {
  return parsedCacheKey(sourceId, sha256, archiveEntry).replace(/\.json$/, '.practices.bin');
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function documentId(doc: { url: string; archiveEntry: string | null }): string {
  return doc.archiveEntry === null ? doc.url : `${doc.url}#${doc.archiveEntry}`;
}

/** Record a failed document in `quarantine/` (once per document and reason) and in the run report. */
export async function quarantineRecord(
  store: LakeStore,
  record: QuarantineRecord,
  report: (entry: QuarantineEntry) => void,
  known?: KnownQuarantine,
): Promise<void> {
  const key = quarantineKey(record);
  if (!(await known?.has(key))) {
    await store.putIfAbsent(key, `${JSON.stringify(QuarantineRecord.parse(record), null, 2)}\n`, {
      contentType: 'application/json',
    });
    known?.add(key);
  }
  report({
    sourceId: record.sourceId,
    stage: record.stage,
    key: record.key,
    url: record.url,
    code: record.code,
    reason: record.name === undefined ? record.reason : `${record.name}: ${record.reason}`,
  });
}

function quarantineKey(record: QuarantineRecord): string {
  const id = record.sha256 ?? hashText(`${record.url}\n${record.name ?? ''}\n${record.reason}`);
  const nameSuffix = record.name === undefined ? '' : `-${hashText(record.name).slice(0, 12)}`;
  return `quarantine/${record.sourceId}/${id}${nameSuffix}.json`;
}

/** The quarantine records already in the lake, listed once per source. */
export interface KnownQuarantine {
  has(key: string): Promise<boolean>;
  add(key: string): void;
}

/**
 * The quarantine keys already written, listed once per source on first use. A run that meets the same unresolved
 * names as the last (every run does, until the reference data learns them) then writes nothing for them: on S3
 * a conditional create per name would be a request each, thousands a run once the names pile up.
 */
export function knownQuarantine(store: LakeStore): KnownQuarantine {
  const listed = new Map<string, Promise<Set<string>>>();
  const keysOf = (key: string): Promise<Set<string>> => {
    const prefix = key.slice(0, key.lastIndexOf('/') + 1);
    let keys = listed.get(prefix);
    if (keys === undefined) {
      keys = store.list(prefix).then((objects) => new Set(objects.map((object) => object.key)));
      listed.set(prefix, keys);
    }
    return keys;
  };
  return {
    has: async (key) => (await keysOf(key)).has(key),
    add: (key) => {
      void keysOf(key).then((keys) => keys.add(key));
    },
  };
}

type ParsedCsv =
  | { kind: 'lookup'; value: ReturnType<typeof parseLookupDocument> }
  | { kind: 'population'; value: ReturnType<typeof parsePopulation> }
  // A summary (gpSummaryCached) leaves the sex x age cells out and counts them in `sex_age_cells`.
  | {
      kind: 'gp';
      value: Awaited<ReturnType<typeof parseGpPublication>> & {
        sex_age_cells?: number;
        practices_held?: number;
      };
    };

async function readText(store: LakeStore, source: SourceEntry, ref: ParsedRef): Promise<string> {
  const bytes = await store.get(ref.key);
  if (bytes === undefined) throw new Error(`raw object ${ref.key} is missing from the lake`);
  return decodeUtf8(bytes, { sourceId: source.id, url: ref.url });
}

async function parseCsvDocument(store: LakeStore, source: SourceEntry, ref: ParsedRef): Promise<ParsedCsv> {
  const options = { sourceId: source.id, url: ref.url };
  switch (source.kind) {
    case 'csv-lookup':
      return { kind: 'lookup', value: parseLookupDocument(await readText(store, source, ref), options) };
    case 'csv-population':
      return { kind: 'population', value: parsePopulation(await readText(store, source, ref), options) };
    case 'csv-publication': {
      const stream = await store.getStream(ref.key);
      if (stream === undefined) throw new Error(`raw object ${ref.key} is missing from the lake`);
      return { kind: 'gp', value: await parseGpPublication(stream, options) };
    }
    default:
      throw new Error(`source ${source.id} of kind ${source.kind} is not a CSV source`);
  }
}

/** Parse every source's documents into the normalise stage's input. */
export async function parseSources(deps: ParseDeps): Promise<ParseStageResult> {
  const { store } = deps;
  const input = {
    lookups: [] as NormaliseInputOf<'lookups'>,
    icbNames: [] as NormaliseInputOf<'icbNames'>,
    population: [] as NormaliseInputOf<'population'>,
    gpRegistrations: [] as NormaliseInputOf<'gpRegistrations'>,
    listings: [] as NormaliseInputOf<'listings'>,
    announcements: [] as NormaliseInputOf<'announcements'>,
  };
  const report: Record<string, ParseSourceReport> = {};
  // CSV sources first: the lookups feed the gazetteer that announcement parsing uses.
  const ordered = [...deps.catalogue].sort((a, b) => Number(isHtml(a)) - Number(isHtml(b)));
  let gazetteer: Gazetteer | undefined;
  const heldOut = heldOutDetail(store);

  for (const source of ordered) {
    if (isHtml(source) && gazetteer === undefined) gazetteer = deps.gazetteerFor(input);
    const known = gazetteer;
    const parseOne = isHtml(source)
      ? (ref: ParsedRef): Promise<Parsed> => {
          if (!known) throw new Error(`${source.id}: no gazetteer to resolve names with`);
          return parsePage(store, source, ref, known);
        }
      : deps.holdGpDetailOut && source.kind === 'csv-publication'
        ? (ref: ParsedRef) => gpSummaryCached(store, source, ref)
        : (ref: ParsedRef) => parseCsvCached(store, source, ref);
    const { results, counts } = await parseWithFallback(deps, source, parseOne);
    report[source.id] = counts;
    for (const { ref, value } of results) {
      const provenance = provenanceOf(source, ref);
      switch (value.kind) {
        case 'listing':
          input.listings.push({ provenance, listing: value.value });
          break;
        case 'announcement':
          if (value.value) input.announcements.push({ provenance, announcement: value.value });
          break;
        case 'lookup':
          if (value.value.kind === 'lookup') input.lookups.push({ provenance, rows: value.value.rows });
          else
            input.icbNames.push({
              provenance,
              entries: value.value.rows.map((row) => ({
                icb_code: row.icb_code,
                name: row.icb_name,
                kind: 'official' as const,
                ons_code: row.icb_ons_code,
              })),
            });
          break;
        case 'population':
          input.population.push({ provenance, rows: value.value });
          break;
        case 'gp':
          input.gpRegistrations.push({ provenance, aggregate: value.value });
          heldOut.note(source, ref, value.value);
          break;
      }
    }
  }
  return {
    input,
    report,
    // Built before the first HTML source from every lookup and ICB-name document (CSV sources are parsed first).
    gazetteer: gazetteer ?? deps.gazetteerFor(input),
    loadGpSexAge: heldOut.loadSexAge,
    loadGpPractices: heldOut.loadPractices,
    loadPracticeIndex: cachedPracticeIndex(store, heldOut.loadPractices, PARSER_VERSION),
  };
}

type NormaliseInputOf<K extends keyof NormaliseInput> = NonNullable<NormaliseInput[K]>;

function isHtml(source: SourceEntry): boolean {
  return source.kind === 'html-listing' || source.kind === 'html-announcements';
}

type Parsed =
  | ParsedCsv
  | { kind: 'listing'; value: ReturnType<typeof parseIcsListing> }
  | { kind: 'announcement'; value: ReturnType<typeof parseAnnouncement> };

/** An HTML page's listing or announcement, read from its cache when parsed before against the same gazetteer. */
async function parsePage(
  store: LakeStore,
  source: SourceEntry,
  ref: ParsedRef,
  gazetteer: Gazetteer,
): Promise<Parsed> {
  const page = { sourceId: source.id, url: ref.url, sha256: ref.sha256 };
  if (source.kind === 'html-listing') {
    const key = pageCacheKey(page, 'listing', gazetteer, PARSER_VERSION);
    const value = await cachedPageParse(store, key, IcsListing, async () =>
      parseIcsListing(await readText(store, source, ref), ref.url, {
        knownNames: (name: string) => gazetteer.isKnownName(name),
      }),
    );
    return { kind: 'listing', value };
  }
  const key = pageCacheKey(page, 'announcement', gazetteer, PARSER_VERSION);
  const value = await cachedPageParse(store, key, Announcement.nullable(), async () =>
    parseAnnouncement(await readText(store, source, ref), ref.url, { sourceId: source.id, gazetteer }),
  );
  return { kind: 'announcement', value };
}

/** Parse a CSV document, or read its cached parse when these bytes were parsed before. */
async function parseCsvCached(store: LakeStore, source: SourceEntry, ref: ParsedRef): Promise<Parsed> {
  const cacheKey = parsedCacheKey(source.id, ref.sha256, ref.archiveEntry);
  const cached = await getJson(store, cacheKey);
  if (cached !== undefined) return cached as ParsedCsv;
  const parsed = await parseCsvDocument(store, source, ref);
  await store.put(cacheKey, JSON.stringify(parsed), { contentType: 'application/json' });
  return parsed;
}

/**
 * A GP file's parse without its sex x age cells and practices (counted in `sex_age_cells` and `practices_held`):
 * read from its summary cache, else from its full parse (cached or parsed now), writing the summary for next time.
 */
async function gpSummaryCached(store: LakeStore, source: SourceEntry, ref: ParsedRef): Promise<Parsed> {
  const summaryKey = summaryCacheKey(source.id, ref.sha256, ref.archiveEntry);
  const cached = await getJson(store, summaryKey);
  if (cached !== undefined) return cached as ParsedCsv;
  const full = await parseCsvCached(store, source, ref);
  if (full.kind !== 'gp')
    throw new Error(`${source.id}: expected a GP parse of ${ref.url}, found ${full.kind}`);
  const summary: Parsed = {
    kind: 'gp',
    value: {
      ...full.value,
      by_sex_age: [],
      sex_age_cells: full.value.by_sex_age.length,
      practices: [],
      practices_held: full.value.practices.length,
    },
  };
  await store.put(summaryKey, JSON.stringify(summary), { contentType: 'application/json' });
  return summary;
}

/**
 * A GP file's practices: from their binary column cache (practice-columns.ts), else (missing or damaged: it is
 * derived) from the file's full parse, writing the columns for next time.
 */
async function practicesCached(
  store: LakeStore,
  source: SourceEntry,
  ref: ParsedRef,
): Promise<PracticeTable> {
  const key = practicesCacheKey(source.id, ref.sha256, ref.archiveEntry);
  const cached = await store.get(key);
  const decoded = cached === undefined ? undefined : decodePracticeColumns(cached);
  if (decoded !== undefined && !('problem' in decoded)) return decoded;
  const full = await parseCsvCached(store, source, ref);
  if (full.kind !== 'gp') throw new Error(`${ref.url}: expected a GP parse, found ${full.kind}`);
  const practices = Practices.parse(full.value.practices);
  await store.put(key, encodePracticeColumns(practices), { contentType: 'application/octet-stream' });
  return practiceTable(practices);
}

const Practices = z.array(GpPractice);

type GpValue = Extract<ParsedCsv, { kind: 'gp' }>['value'];

/**
 * Where each GP file whose detail was held out can be loaded from, found by what the normaliser knows of it (URL,
 * hash, extract date and the count held out); two parsed documents that match the same key are refused.
 */
function heldOutDetail(store: LakeStore): {
  note: (source: SourceEntry, ref: ParsedRef, value: GpValue) => void;
  loadSexAge: SexAgeLoader;
  loadPractices: PracticeLoader;
} {
  const refs = new Map<string, { source: SourceEntry; ref: ParsedRef } | 'ambiguous'>();
  const keyOf = (kind: string, url: string, sha256: string, extractDate: string, count: number) =>
    `${kind}|${url}|${sha256}|${extractDate}|${count}`;
  const remember = (key: string, found: { source: SourceEntry; ref: ParsedRef }) =>
    refs.set(key, refs.has(key) ? 'ambiguous' : found);
  const find = (kind: string, document: GpFileDocument, count: number) => {
    const { provenance, aggregate } = document;
    const found = refs.get(keyOf(kind, provenance.url, provenance.sha256, aggregate.extract_date, count));
    if (found === undefined || found === 'ambiguous')
      throw new Error(
        `GP file ${provenance.url} (${aggregate.extract_date}): expected one parsed document to load its ${kind} from, found ${found === undefined ? 'none' : 'several'}`,
      );
    return found;
  };
  return {
    note: (source, ref, value) => {
      const cells = value.sex_age_cells ?? 0;
      const practices = value.practices_held ?? 0;
      if (cells > 0)
        remember(keyOf('sex x age cells', ref.url, ref.sha256, value.extract_date, cells), { source, ref });
      if (practices > 0)
        remember(keyOf('practices', ref.url, ref.sha256, value.extract_date, practices), { source, ref });
    },
    loadSexAge: async (document) => {
      const found = find('sex x age cells', document, document.aggregate.sex_age_cells ?? 0);
      const parsed = await parseCsvCached(store, found.source, found.ref);
      if (parsed.kind !== 'gp')
        throw new Error(`${document.provenance.url}: expected a GP parse, found ${parsed.kind}`);
      return SexAgeCells.parse(parsed.value.by_sex_age);
    },
    loadPractices: async (document) => {
      const found = find('practices', document, document.aggregate.practices_held ?? 0);
      return practicesCached(store, found.source, found.ref);
    },
  };
}

const SexAgeCells = z.array(GpSexAgeCell);

type ParseResult = { ref: ParsedRef; value: Parsed };

/** One source's parse in progress: what it started from, the refs it will keep, what it parsed and its counts. */
interface SourceParse {
  deps: ParseDeps;
  source: SourceEntry;
  parseOne: (ref: ParsedRef) => Promise<Parsed>;
  previous: ParseState;
  candidates: ReadonlyMap<string, ParsedRef>;
  next: Record<string, ParsedRef>;
  results: Map<string, ParseResult>;
  counts: ParseSourceReport;
}

/**
 * Parse a source's current documents; a document that fails is quarantined and the last good document from the
 * same URL stands in for it. Retained documents (no longer discovered, or earlier listing versions) are parsed too.
 */
async function parseWithFallback(
  deps: ParseDeps,
  source: SourceEntry,
  parseOne: (ref: ParsedRef) => Promise<Parsed>,
): Promise<{ results: ParseResult[]; counts: ParseSourceReport }> {
  const { store } = deps;
  const previous = await readParseState(store, source.id);
  const docs = (await currentDocuments(store, source.id)).filter((doc) => doc.parse);
  const listing = source.kind === 'html-listing';
  const run: SourceParse = {
    deps,
    source,
    parseOne,
    previous,
    candidates: new Map(docs.map((doc) => [documentId(doc), refOf(doc)] as const)),
    next: listing ? listingHistory(previous.documents) : { ...previous.documents },
    results: new Map(),
    counts: { documents: docs.length, parsed: 0, reused: 0, quarantined: 0, retained: 0 },
  };
  await parseCandidates(run);
  if (listing) for (const id of run.candidates.keys()) dropArchivedCopy(run.next, id);
  await parseRetained(run);
  await writeParseState(store, source.id, previous, run.next);
  return {
    results: [...run.results].sort(([a], [b]) => compareText(a, b)).map(([, result]) => result),
    counts: run.counts,
  };
}

/**
 * Documents parsed (mostly: read from their caches) ahead of the one being taken, so the reads overlap; their
 * results are taken, and failures quarantined, strictly in order, as when parsed one at a time.
 */
const PARSE_AHEAD = 4;

/** The parse of the `index`th ref, the next few started meanwhile (see PARSE_AHEAD). */
function parsesAhead(
  run: SourceParse,
  refs: readonly (readonly [string, ParsedRef])[],
): (index: number) => Promise<Parsed> {
  const parses = prefetched(
    refs.map(
      ([, ref]) =>
        () =>
          run.parseOne(ref),
    ),
    PARSE_AHEAD,
  );
  return (index) => (parses[index] as () => Promise<Parsed>)();
}

/** Parse each current document; one that fails is quarantined and its URL's last good ref kept in its place. */
async function parseCandidates(run: SourceParse): Promise<void> {
  const { previous, next, counts } = run;
  const candidates = [...run.candidates].sort(([a], [b]) => compareText(a, b));
  const parses = parsesAhead(run, candidates);
  for (const [index, [id, candidate]] of candidates.entries()) {
    try {
      run.results.set(id, { ref: candidate, value: await parses(index) });
      next[id] = candidate;
      const unchanged =
        previous.parserVersion === PARSER_VERSION && previous.documents[id]?.sha256 === candidate.sha256;
      if (unchanged) counts.reused += 1;
      else counts.parsed += 1;
    } catch (error) {
      if (isLakeFailure(error)) throw error;
      counts.quarantined += 1;
      await quarantineDocument(run.deps, run.source, candidate, error);
      const lastGood = previous.documents[id];
      if (lastGood && lastGood.sha256 !== candidate.sha256) next[id] = lastGood;
      else delete next[id];
    }
  }
}

/** Parse every kept ref not parsed above: last good stand-ins, retained documents, earlier listing versions. */
async function parseRetained(run: SourceParse): Promise<void> {
  const retained = Object.entries(run.next)
    .sort(([a], [b]) => compareText(a, b))
    .filter(([id, ref]) => run.results.get(id)?.ref.sha256 !== ref.sha256);
  const parses = parsesAhead(run, retained);
  for (const [index, [id, ref]] of retained.entries()) {
    try {
      run.results.set(id, { ref, value: await parses(index) });
      if (!run.candidates.has(id)) run.counts.retained += 1;
    } catch (error) {
      if (isLakeFailure(error)) throw error;
      // A retained document that no longer parses (a parser change): report it and let it go.
      await quarantineDocument(run.deps, run.source, ref, error);
      run.counts.quarantined += 1;
      delete run.next[id];
    }
  }
}

/** The id an earlier version of a listing page is kept under: its URL (or entry) and its content hash. */
function archivedId(ref: ParsedRef): string {
  return `${documentId(ref)}@${ref.sha256}`;
}

/**
 * The listing page is one URL whose content changes, and each version's stated total is a claim of its own
 * (`published_claims` is append-only by source document). So every earlier good parse is kept, under its
 * archived id; the current version is added under its URL by the caller.
 */
function listingHistory(documents: Readonly<Record<string, ParsedRef>>): Record<string, ParsedRef> {
  return Object.fromEntries(Object.values(documents).map((ref) => [archivedId(ref), ref] as const));
}

/** Drop the archived copy of the version now current under `id`, so no version is kept twice. */
function dropArchivedCopy(documents: Record<string, ParsedRef>, id: string): void {
  const current = documents[id];
  if (current !== undefined) delete documents[archivedId(current)];
}

function refOf(doc: CurrentDocument): ParsedRef {
  return {
    url: doc.url,
    sha256: doc.sha256,
    key: doc.key,
    fetchedAt: doc.fetchedAt,
    archiveEntry: doc.archiveEntry,
  };
}

function provenanceOf(source: SourceEntry, ref: ParsedRef): Provenance {
  return {
    source_id: source.id,
    url: ref.url,
    sha256: ref.sha256,
    authority: source.authority,
    fetched_at: ref.fetchedAt,
  };
}

async function quarantineDocument(
  deps: ParseDeps,
  source: SourceEntry,
  ref: ParsedRef,
  error: unknown,
): Promise<void> {
  const code = error instanceof IcsLakeError ? error.code : 'parse_failed';
  const where = ref.archiveEntry === null ? ref.url : `${ref.url} (entry ${ref.archiveEntry})`;
  const message = describeError(error);
  // A designation page that failed its checks keeps the areas found, for whoever looks at the quarantine.
  const areas = isDesignationCheckError(error)
    ? error.areas.map(({ name_as_published, ics_code }) => ({ name_as_published, ics_code }))
    : undefined;
  await quarantineRecord(
    deps.store,
    {
      sourceId: source.id,
      stage: 'parse',
      url: ref.url,
      key: ref.key,
      sha256: ref.sha256,
      code,
      reason: message.includes(ref.url) ? message : `${source.id}: ${where}: ${message}`,
      firstSeenRunId: deps.runId,
      ...(areas && { areas }),
    },
    deps.quarantine,
  );
}

async function readParseState(store: LakeStore, sourceId: string): Promise<ParseState> {
  const raw = await getJson(store, parseStateKey(sourceId));
  const parsed = ParseState.safeParse(raw);
  if (!parsed.success) return { sourceId, parserVersion: PARSER_VERSION, documents: {} };
  // A new parser version keeps the refs: they point at immutable raw objects and every one is parsed again each
  // run (one that no longer parses is quarantined and let go), so retained documents and the listing's earlier
  // versions, whose claims are a record, survive a parser change.
  return parsed.data;
}

/** Write the parse state only when it changed, so a rerun with nothing new writes nothing. */
async function writeParseState(
  store: LakeStore,
  sourceId: string,
  previous: ParseState,
  documents: Record<string, ParsedRef>,
): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(documents).sort(([a], [b]) => compareText(a, b)));
  const next: ParseState = { sourceId, parserVersion: PARSER_VERSION, documents: sorted };
  if (JSON.stringify(next) === JSON.stringify(previous)) return;
  await putJson(store, parseStateKey(sourceId), next);
}
