import type { Manifest } from './manifest.ts';

/** How to cite the lake and each dataset version; CITATION.cff at the repository root says the same. */
export const CITATION = {
  title: "ics-lake: England's Integrated Care Systems, open data",
  authors: 'ics-lake contributors',
  licence: 'Open Government Licence v3.0',
} as const;

/** A suggested citation of one dataset version, with its relative path in the lake (prefix it with the lake's URL). */
export function versionCitation(
  title: string,
  manifest: Pick<Manifest, 'dataset' | 'version' | 'release' | 'as_of' | 'content_hash'>,
): string {
  const year = manifest.as_of.slice(0, 4);
  return `${CITATION.authors} (${year}). ${title} [Data set], ${manifest.dataset} version ${manifest.version} (release ${manifest.release}, as of ${manifest.as_of.slice(0, 10)}). In ${CITATION.title}. datasets/${manifest.dataset}/v${manifest.version}/ (content hash ${manifest.content_hash.slice(0, 12)}). ${CITATION.licence}.`;
}
