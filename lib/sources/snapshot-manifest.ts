import { z } from 'zod';

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
  /** For 3xx: where to send the client (absolute live URL). */
  location: z.url().optional(),
  /** Extra response headers (e.g. Retry-After). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Provenance of the body: real data, derived from real data (say how), or written for the snapshot. */
  origin: z.enum(['real', 'derived', 'written']).optional(),
  /** Free-text note, e.g. how a derived file was made. */
  note: z.string().optional(),
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
