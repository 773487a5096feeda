import { BlockList, isIP } from 'node:net';
import { FetchRefusedError } from '../core/errors.ts';

/** `live` reaches the real hosts over HTTPS; `snapshot` maps every allowlisted host to the loopback server. */
export type FetchMode = 'live' | 'snapshot';

/** What a URL is checked against before any connection is made, and again at each redirect. */
export interface UrlPolicy {
  mode: FetchMode;
  /** Exact lower-case host names this source may contact. */
  allowedHosts: readonly string[];
  /** For error messages. */
  sourceId?: string;
}

const RAW_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * Check a URL against the egress policy and return it parsed. Throws FetchRefusedError naming the reason.
 * The checks run on the raw text as well as the parsed URL, because the WHATWG parser silently rewrites
 * look-alike hosts (full-width dots, percent-escapes, decimal/octal/hex IPv4) into ones that might pass.
 */
export function checkUrl(raw: string, policy: UrlPolicy): URL {
  const refuse = (reason: string): never => {
    throw new FetchRefusedError(
      `Refused to fetch ${redactUrl(raw)} for source ${policy.sourceId ?? '(none)'}: ${reason}`,
      policy.sourceId,
      redactUrl(raw),
    );
  };
  if (hasControlOrSpace(raw)) refuse('the URL contains whitespace or control characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('not a valid absolute URL');
  }
  const schemes = policy.mode === 'live' ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) {
    refuse(`scheme ${url.protocol} is not allowed (expected ${schemes.join(' or ')})`);
  }
  if (url.username !== '' || url.password !== '') refuse('credentials in the URL are not allowed');
  const authority = RAW_AUTHORITY.exec(raw)?.[1] ?? '';
  if (authority.includes('@')) refuse('credentials in the URL are not allowed');
  if (/[^\x21-\x7e]/.test(authority)) refuse('the host contains non-ASCII characters (possible look-alike)');
  if (authority.includes('%')) refuse('the host contains percent-escapes');
  if (authority.includes('\\')) refuse('the host contains a backslash');
  const host = url.hostname;
  if (host.endsWith('.')) refuse(`the host "${host}" ends with a dot`);
  if (host.startsWith('[') || isIP(host) !== 0) refuse(`IP literal hosts are not allowed ("${host}")`);
  if (host.startsWith('xn--') || host.includes('.xn--'))
    refuse(`the host "${host}" is an internationalised name`);
  if (url.port !== '') refuse(`explicit ports are not allowed (":${url.port}")`);
  if (!policy.allowedHosts.includes(host)) {
    refuse(`host "${host}" is not allowlisted (allowed: ${policy.allowedHosts.join(', ')})`);
  }
  return url;
}

// Two lists: Node's BlockList matches IPv4 rules against IPv4-mapped IPv6 and the reverse, which would make the
// ::ffff:0:0/96 rule swallow every IPv4 address.
const forbiddenV4 = new BlockList();
const forbiddenV6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbiddenV4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  forbiddenV6.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local, reserved or otherwise not a public unicast address. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? forbiddenV4.check(address, 'ipv4') : forbiddenV6.check(address, 'ipv6');
}

const SIGNATURE_PARAMETERS =
  /^(x-amz-.*|x-goog-.*|sig|signature|token|access_token|auth|authorization|key|api_?key|code|password|secret|se|sp|sv|sr|skoid|sktid|expires|policy|key-pair-id|credential)$/i;

/** A URL safe to log: credentials removed, signature-like query values replaced, fragment dropped. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//REDACTED@').replace(/\?.*$/, '?REDACTED');
  }
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
  }
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) {
    if (SIGNATURE_PARAMETERS.test(name)) url.searchParams.set(name, 'REDACTED');
  }
  return url.href;
}

function hasControlOrSpace(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f || /\s/.test(char)) return true;
  }
  return false;
}
