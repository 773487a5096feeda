import { z } from 'zod';

/**
 * Test-only misbehaviour a fixture can ask the snapshot server for, to exercise the fetcher's transport guards.
 * Real snapshots never set it.
 */
export const SnapshotSimulation = z.object({
  /** Answer the first `count` requests for this URL with `status` (and `headers`), then behave normally. */
  failFirst: z
    .object({
      count: z.number().int().positive(),
      status: z.number().int().min(400).max(599).default(503),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** Send the body slowly: `chunkBytes` every `intervalMs`. */
  drip: z
    .object({ chunkBytes: z.number().int().positive(), intervalMs: z.number().int().nonnegative() })
    .optional(),
  /** Send this Content-Length whatever the body's real length (the response is written on the raw socket). */
  declaredLength: z.number().int().nonnegative().optional(),
  /** Send no Content-Length (chunked transfer), so the client cannot know the size in advance. */
  omitLength: z.boolean().optional(),
  /** Reset the connection after this many body bytes. */
  resetAfterBytes: z.number().int().nonnegative().optional(),
  /** Serve this many filler bytes as the body (for a run-away response without committing a huge file). */
  fillerBytes: z.number().int().nonnegative().optional(),
});
export type SnapshotSimulation = z.infer<typeof SnapshotSimulation>;

/** One URL a snapshot can answer: a file to serve, a redirect, or an error status. */
export const SnapshotResource = z.object({
  /** The live URL this entry answers for (exact match, including the query string). */
  url: z.url(),
  /** Path of the body, relative to the snapshot folder. Absent for redirects and bodiless errors. */
  file: z.string().optional(),
  /** HTTP status to answer with (200, 301/302/307/308, 403, 404, 500, 503...). */
  status: z.number().int().min(100).max(599).default(200),
  contentType: z.string().optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** For 3xx: where to send the client (an absolute live URL, or a reference relative to `url`, as servers send). */
  location: z.string().min(1).optional(),
  /** Extra response headers (e.g. Retry-After). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Provenance of the body: real data, derived from real data (say how), or written for the snapshot. */
  origin: z.enum(['real', 'derived', 'written']).optional(),
  /** Free-text note, e.g. how a derived file was made. */
  note: z.string().optional(),
  /** Test-only transport misbehaviour (see SnapshotSimulation). */
  simulate: SnapshotSimulation.optional(),
});
export type SnapshotResource = z.infer<typeof SnapshotResource>;

/** `snapshots/<date>/manifest.json`: what the live sources looked like on one date. */
export const SnapshotManifest = z.object({
  /** The date the snapshot represents (ISO date); replays set the clock to it. */
  date: z.iso.date(),
  description: z.string(),
  resources: z.array(SnapshotResource),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;
