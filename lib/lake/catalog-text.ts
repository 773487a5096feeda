import { safeExternalHref } from './urls.ts';

/** Text helpers shared by the catalog's page and charts: every string from the lake passes through them. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML (and SVG) element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** A relative link into the lake, each path segment percent-encoded. */
export function lakeHref(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** One formatter for every number (toLocaleString builds a new one per call, 30x slower over a long series). */
const NUMBER_FORMAT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** A number in en-GB form (thousands separators, at most two decimals); null and undefined as a dash. */
export function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '—' : String(value);
  return NUMBER_FORMAT.format(value);
}

/** A link when `url` is http(s), else the label as plain text. */
export function linkOrText(url: unknown, label: unknown): string {
  const href = safeExternalHref(url);
  return href === undefined
    ? escapeHtml(label)
    : `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/** A link to a source-derived URL shown as itself; a URL that is not http(s) is withheld, not echoed. */
export function urlLink(url: unknown): string {
  return safeExternalHref(url) === undefined
    ? '<em>link withheld (not an http(s) URL)</em>'
    : linkOrText(url, url);
}
