import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DatasetDefinition } from '../core/dataset.ts';
import type { Row, RowChange } from './diff.ts';

/**
 * The change-event contract: CloudEvents 1.0 in JSON format (structured mode). Version 1 of this contract is
 * exported as JSON Schema to `feed/schema/v1.json`; tests/feed/contract.test.ts fails on a breaking change.
 */

/** The lake key of the exported JSON Schema. */
export const EVENT_SCHEMA_KEY = 'feed/schema/v1.json';

/** The default CloudEvents `source` when no public base URL is configured. */
export const DEFAULT_EVENT_SOURCE = 'urn:ics-lake';

export const ChangeOp = z.enum(['created', 'updated', 'deleted', 'published']);
export type ChangeOp = z.infer<typeof ChangeOp>;

/** Lifecycle and designation milestones of a body, read from row changes in the `ics` dataset. */
export const NamedChange = z.enum([
  'designated',
  'statutory',
  'renamed',
  'recoded',
  'established',
  'abolished',
  'boundary_changed',
]);
export type NamedChange = z.infer<typeof NamedChange>;

const JsonRow = z.record(z.string(), z.unknown());

/** What a `published` event says about its dataset version. */
export const PublishedSummary = z.object({
  /** Rows in the version. */
  rows: z.number().int().nonnegative(),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  /** One human-readable sentence, e.g. "3 ICSs designated: Devon, Kent and Medway, Lincolnshire". */
  text: z.string(),
  /** Lake key of the version's manifest. */
  manifest: z.string(),
  /** Lake keys of the version's files (CSV, JSON, Parquet, manifest...). */
  files: z.array(z.string()),
  /**
   * http(s) URLs of the source documents behind the changed rows (e.g. designation announcements), those behind
   * the most changed rows first, at most 20 (the version's manifest lists every document it was built from).
   */
  sources: z.array(z.string()).optional(),
});
export type PublishedSummary = z.infer<typeof PublishedSummary>;

export const ChangeEventData = z.object({
  dataset: z.string().min(1),
  version: z.number().int().positive(),
  /** The row's primary key (`rowKey`); the ICS code for `population.changed` events; empty for `published` ones. */
  key: z
    .string()
    .describe(
      "The row's primary key; the ICS code for uk.nhs.ics.population.changed; empty for uk.nhs.ics.dataset.published.",
    ),
  op: ChangeOp,
  before: JsonRow.nullable().describe(
    'The row in the previous version (null when created). For uk.nhs.ics.population.changed: { ics_code, totals: [{ measure, basis, reference_date, value }] }, the newest all-sexes, all-ages figure of each changed measure and basis.',
  ),
  after: JsonRow.nullable().describe(
    'The row in this version (null when deleted). For uk.nhs.ics.population.changed: the same totals in this version.',
  ),
  changed_fields: z.array(z.string()),
  /**
   * For `ics` changes: every milestone in this row change. One event is emitted per milestone, each typed by its
   * own; `named_change` says which one this event is.
   */
  named_changes: z.array(NamedChange).optional(),
  /** For named `ics` events: the milestone this event announces. */
  named_change: NamedChange.optional(),
  /**
   * For `established`, `abolished` and `boundary_changed` events: the ics_lineage edges of that date that touch the
   * body (predecessor, successor, kind, effective date, sub-ICB locations, practices, patient share).
   */
  lineage: z.array(JsonRow).optional(),
  /**
   * For `published` events: the version. For `uk.nhs.ics.population.changed` events: one ICS's share of it (its
   * rows, the rows created, updated and deleted, and the version's manifest and files).
   */
  summary: PublishedSummary.optional().describe(
    "For uk.nhs.ics.dataset.published: the version. For uk.nhs.ics.population.changed: the ICS's rows and row changes in the version, one sentence, and the version's manifest and files.",
  ),
});
export type ChangeEventData = z.infer<typeof ChangeEventData>;

/** CloudEvents extension attribute names: lowercase a-z and 0-9 only (CloudEvents 1.0 naming conventions). */
const extensionValue = z.string().min(1);

export const ChangeEvent = z.looseObject({
  specversion: z.literal('1.0'),
  /** sha256 of `dataset|version|key|op`: a replay produces the same id, so consumers deduplicate. */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.string().min(1),
  type: z
    .string()
    .regex(/^uk\.nhs\.ics\.[a-z_]+\.[a-z_]+$/)
    .describe(
      'uk.nhs.ics.<noun>.created|updated|deleted for a row change; uk.nhs.ics.ics.<milestone> for a lifecycle milestone of a body; uk.nhs.ics.population.changed once per ICS per ics_population version (row-level detail: ics-lake diff); uk.nhs.ics.dataset.published once per version.',
    ),
  subject: z.string().min(1),
  /** The version's `as_of` (RFC 3339). */
  time: z.iso.datetime({ offset: true }),
  dataschema: z.string().min(1),
  datacontenttype: z.literal('application/json'),
  data: ChangeEventData,
  /** Extension: the ICS code the event is about, for routing. */
  icscode: extensionValue.optional(),
  /** Extension: the NHS region code of that ICS, for routing. */
  regioncode: extensionValue.optional(),
  /**
   * CloudEvents `dataref` extension: set on SNS messages whose full event exceeded the message size limit.
   * Then `data.before`/`after` are null and the full event is the line with this `id` in the referenced page.
   */
  dataref: z.string().min(1).optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/** The event contract as JSON Schema (draft 2020-12), as published at `feed/schema/v1.json`. */
export function changeEventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ChangeEvent, { target: 'draft-2020-12' }),
    title: 'ics-lake change event (CloudEvents 1.0), contract v1',
  };
}

/** The deterministic event id: sha256 hex of `dataset|version|key|op`. */
export function eventId(dataset: string, version: number, key: string, op: ChangeOp): string {
  return createHash('sha256').update(`${dataset}|${version}|${key}|${op}`).digest('hex');
}

/** The noun each dataset's events are typed with (`uk.nhs.ics.<noun>.<op>`). */
const TYPE_NOUNS: Readonly<Record<string, string>> = {
  ics: 'ics',
  ics_lineage: 'lineage',
  ics_lifecycle_claims: 'lifecycle_claim',
  ics_designations: 'designation',
  ics_population: 'population',
  ics_coverage: 'coverage',
  published_claims: 'claim',
};

/** The type noun for a dataset; unknown datasets use their own name. */
export function typeNoun(dataset: string): string {
  return TYPE_NOUNS[dataset] ?? dataset.toLowerCase().replace(/[^a-z_]/g, '_');
}

/** The event type for a generic row operation, e.g. `uk.nhs.ics.population.updated`. */
export function rowEventType(dataset: string, op: Exclude<ChangeOp, 'published'>): string {
  return `uk.nhs.ics.${typeNoun(dataset)}.${op}`;
}

export const PUBLISHED_EVENT_TYPE = 'uk.nhs.ics.dataset.published';

/**
 * The one event per ICS per `ics_population` version (lib/feed/population-events.ts) that replaced the per-row
 * `uk.nhs.ics.population.{created,updated,deleted}` events; feeds written before keep those.
 */
export const POPULATION_CHANGED_TYPE = 'uk.nhs.ics.population.changed';

/** The event type of each milestone. */
export const NAMED_TYPES: Readonly<Record<NamedChange, string>> = {
  established: 'uk.nhs.ics.ics.established',
  abolished: 'uk.nhs.ics.ics.abolished',
  statutory: 'uk.nhs.ics.ics.statutory',
  designated: 'uk.nhs.ics.ics.designated',
  boundary_changed: 'uk.nhs.ics.ics.boundary_changed',
  recoded: 'uk.nhs.ics.ics.recoded',
  renamed: 'uk.nhs.ics.ics.renamed',
};

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function dates(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The milestones of an `ics` row change, most significant first (a created row with a start date: established). */
export function namedChangesOf(change: Pick<RowChange, 'op' | 'before' | 'after'>): NamedChange[] {
  if (change.op === 'created' && change.after !== null)
    return isBlank(change.after.valid_from) ? [] : ['established'];
  if (change.op === 'updated' && change.before !== null && change.after !== null)
    return namedChanges(change.before, change.after);
  return [];
}

/** The milestones in an `ics` row update, most significant first. */
export function namedChanges(before: Row, after: Row): NamedChange[] {
  const named: NamedChange[] = [];
  const becameAbolished =
    (before.status !== 'abolished' && after.status === 'abolished') ||
    (isBlank(before.valid_to) && !isBlank(after.valid_to));
  if (becameAbolished) named.push('abolished');
  const becameStatutory =
    (before.status !== 'icb' && after.status === 'icb') ||
    (isBlank(before.statutory_from) && !isBlank(after.statutory_from));
  const becameDesignated =
    (before.status === 'stp' && (after.status === 'ics' || after.status === 'icb')) ||
    (isBlank(before.designated_from) && !isBlank(after.designated_from));
  if (becameStatutory) named.push('statutory');
  if (becameDesignated) named.push('designated');
  const earlierChanges = new Set(dates(before.boundary_changed_on));
  if (dates(after.boundary_changed_on).some((date) => !earlierChanges.has(date)))
    named.push('boundary_changed');
  if (before.ons_code !== after.ons_code && !(isBlank(before.ons_code) && isBlank(after.ons_code)))
    named.push('recoded');
  if (before.name !== after.name) named.push('renamed');
  return named;
}

/** The event type for a row change: the first milestone's named type for `ics`, else the generic one. */
export function eventTypeFor(dataset: string, change: Pick<RowChange, 'op' | 'before' | 'after'>): string {
  if (dataset === 'ics') {
    const first = namedChangesOf(change)[0];
    if (first !== undefined) return NAMED_TYPES[first];
  }
  return rowEventType(dataset, change.op);
}

/** Where events come from and where their schema lives. */
export interface EventOptions {
  /** CloudEvents `source`; defaults to the public base URL when given, else `urn:ics-lake`. */
  source?: string;
  /** The lake's public base URL (e.g. `https://example.org/lake/`); makes `dataschema` and links absolute. */
  baseUrl?: string;
}

/** The `dataschema` URI: absolute under the base URL, else a URN naming the lake key. */
export function dataSchemaUri(options: EventOptions): string {
  return options.baseUrl === undefined
    ? `urn:ics-lake:${EVENT_SCHEMA_KEY}`
    : new URL(EVENT_SCHEMA_KEY, options.baseUrl).href;
}

/** The CloudEvents `source`: the configured one, else the public base URL, else `urn:ics-lake`. */
export function eventSource(options: EventOptions): string {
  return options.source ?? options.baseUrl ?? DEFAULT_EVENT_SOURCE;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Look up an ICS's region when the row itself does not carry one (e.g. population rows). */
export type RegionLookup = (icsCode: string) => string | undefined;

/** The ics_lineage edges that touch a body (as predecessor or successor). */
export type LineageLookup = (icsCode: string) => readonly Row[];

/** The milestones whose events carry lineage edges, and which date of the row the edges must have. */
const LINEAGE_DATES: Partial<Record<NamedChange, (before: Row | null, after: Row) => string[]>> = {
  established: (_before, after) => dates([after.valid_from]),
  abolished: (_before, after) => dates([after.valid_to]),
  boundary_changed: (before, after) => {
    const earlier = new Set(dates(before?.boundary_changed_on));
    return dates(after.boundary_changed_on).filter((date) => !earlier.has(date));
  },
};

/** Options for row events: routing lookups and the lineage edges that lifecycle events carry. */
export type RowEventOptions = EventOptions & { regionOf?: RegionLookup; lineageOf?: LineageLookup };

/** Build the CloudEvent for one row change of a committed dataset version (its first milestone, if any). */
export function rowChangeEvent(
  definition: DatasetDefinition,
  version: number,
  asOf: string,
  change: RowChange,
  options: RowEventOptions = {},
): ChangeEvent {
  return rowChangeEvents(definition, version, asOf, change, options)[0] as ChangeEvent;
}

/**
 * The CloudEvents for one row change: one per milestone for `ics` rows (a change that is statutory, renamed and
 * recoded at once gives three events, each typed by its milestone), else one generic event. The first event keeps
 * the id `dataset|version|key|op`; each further one adds its milestone to the hashed text, so ids stay stable.
 */
export function rowChangeEvents(
  definition: DatasetDefinition,
  version: number,
  asOf: string,
  change: RowChange,
  options: RowEventOptions = {},
): ChangeEvent[] {
  const row = change.after ?? change.before ?? {};
  const icsCode = text(row.ics_code);
  const regionCode =
    text(row.region_code) ?? (icsCode === undefined ? undefined : options.regionOf?.(icsCode));
  const named = definition.name === 'ics' ? namedChangesOf(change) : [];
  const base: ChangeEventData = {
    dataset: definition.name,
    version,
    key: change.key,
    op: change.op,
    before: change.before,
    after: change.after,
    changed_fields: change.changedFields,
    ...(named.length > 0 ? { named_changes: named } : {}),
  };
  const envelope = (id: string, type: string, data: ChangeEventData): ChangeEvent => ({
    specversion: '1.0',
    id,
    source: eventSource(options),
    type,
    subject: icsCode ?? definition.name,
    time: new Date(asOf).toISOString(),
    dataschema: dataSchemaUri(options),
    datacontenttype: 'application/json',
    data,
    ...(icsCode === undefined ? {} : { icscode: icsCode }),
    ...(regionCode === undefined ? {} : { regioncode: regionCode }),
  });
  const primaryId = eventId(definition.name, version, change.key, change.op);
  if (named.length === 0) return [envelope(primaryId, rowEventType(definition.name, change.op), base)];
  return named.map((milestone, index) => {
    const lineage = lineageFor(milestone, change, icsCode, options.lineageOf);
    const data: ChangeEventData = {
      ...base,
      named_change: milestone,
      ...(lineage === undefined ? {} : { lineage }),
    };
    const id =
      index === 0
        ? primaryId
        : createHash('sha256')
            .update(`${definition.name}|${version}|${change.key}|${change.op}|${milestone}`)
            .digest('hex');
    return envelope(id, NAMED_TYPES[milestone], data);
  });
}

function lineageFor(
  milestone: NamedChange,
  change: Pick<RowChange, 'before' | 'after'>,
  icsCode: string | undefined,
  lineageOf: LineageLookup | undefined,
): Row[] | undefined {
  const datesOf = LINEAGE_DATES[milestone];
  if (datesOf === undefined || icsCode === undefined || lineageOf === undefined || change.after === null)
    return undefined;
  const wanted = new Set(datesOf(change.before, change.after));
  return lineageOf(icsCode).filter((edge) => wanted.has(String(edge.effective_date)));
}

/** Build the one `published` event of a committed dataset version. */
export function publishedEvent(
  dataset: string,
  version: number,
  asOf: string,
  summary: PublishedSummary,
  options: EventOptions = {},
): ChangeEvent {
  return {
    specversion: '1.0',
    id: eventId(dataset, version, '', 'published'),
    source: eventSource(options),
    type: PUBLISHED_EVENT_TYPE,
    subject: dataset,
    time: new Date(asOf).toISOString(),
    dataschema: dataSchemaUri(options),
    datacontenttype: 'application/json',
    data: {
      dataset,
      version,
      key: '',
      op: 'published',
      before: null,
      after: null,
      changed_fields: [],
      summary,
    },
  };
}

/** Every event type the feed can carry for these datasets (for validating `--type`). */
export function knownEventTypes(datasets: readonly string[]): string[] {
  const ops: Exclude<ChangeOp, 'published'>[] = ['created', 'updated', 'deleted'];
  const types = new Set<string>([
    PUBLISHED_EVENT_TYPE,
    POPULATION_CHANGED_TYPE,
    ...Object.values(NAMED_TYPES),
  ]);
  for (const dataset of datasets) for (const op of ops) types.add(rowEventType(dataset, op));
  return [...types].sort();
}
