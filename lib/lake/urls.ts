/**
 * An href for an untrusted URL, or `undefined` when it must not be a link: only absolute http(s) URLs pass, so
 * `javascript:`, `data:` and other schemes (however cased, padded or encoded) are dropped.
 */
export function safeExternalHref(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href;
}
