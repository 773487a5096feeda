/**
 * The lake's top-level layout as the deployment sees it: which prefixes expire old versions, which are
 * public through CloudFront, and which each stage may touch. Keys mirror the core's `LakeStore` keys
 * (the S3 adapter uses the bucket root as the lake root).
 */

/** Prefixes whose noncurrent object versions expire after `rawRetentionDays`. */
export const expiringPrefixes = ['raw/', 'runs/'] as const;

/** Published prefixes: never expired, served publicly. */
export const publicPrefixes = ['datasets/', 'feed/'] as const;

/** Single public objects at the lake root. */
export const publicRootObjects = ['datapackage.json', 'index.html'] as const;

export type LakeAccess = 'read' | 'readwrite';

/** One grant of a stage on the lake: a key prefix (or a single root object) and the access it needs. */
export interface LakeGrant {
  prefix: string;
  access: LakeAccess;
}

/**
 * Least-privilege lake access per stage, derived from the data flow:
 * acquire writes the raw zone, its HTTP validators (`state/`) and run reports; process reads raw, caches parse
 * results and publishes datasets, quarantine and the root catalog; feed reads published versions and writes
 * the feed and its section of the run report.
 */
export const stageLakeGrants = {
  acquire: [
    { prefix: 'raw/', access: 'readwrite' },
    { prefix: 'state/', access: 'readwrite' },
    { prefix: 'runs/', access: 'readwrite' },
  ],
  process: [
    { prefix: 'raw/', access: 'read' },
    // state/sources/ is read for source health; state/parsed/ and parsed/ cache parse results per document.
    { prefix: 'state/', access: 'readwrite' },
    { prefix: 'parsed/', access: 'readwrite' },
    { prefix: 'runs/', access: 'readwrite' },
    { prefix: 'quarantine/', access: 'readwrite' },
    { prefix: 'datasets/', access: 'readwrite' },
    { prefix: 'datapackage.json', access: 'readwrite' },
    { prefix: 'index.html', access: 'readwrite' },
  ],
  feed: [
    { prefix: 'datasets/', access: 'read' },
    { prefix: 'feed/', access: 'readwrite' },
    // The feed task adds its section to the run report the process task assembled.
    { prefix: 'runs/', access: 'readwrite' },
  ],
} as const satisfies Record<string, readonly LakeGrant[]>;
