import { describe, expect, it } from 'vitest';
import { FetchRefusedError } from '../../lib/core/errors.ts';
import { checkUrl, isForbiddenAddress, redactUrl } from '../../lib/sources/url-guard.ts';

const live = { mode: 'live' as const, allowedHosts: ['www.england.nhs.uk'], sourceId: 'nhse-news' };
const snapshot = { ...live, mode: 'snapshot' as const };

describe('checkUrl', () => {
  it('accepts an https URL on an allowlisted host, in both modes', () => {
    expect(checkUrl('https://www.england.nhs.uk/news/', live).hostname).toBe('www.england.nhs.uk');
    expect(checkUrl('https://www.england.nhs.uk/news/?page=2', snapshot).search).toBe('?page=2');
  });

  it('accepts plain http only in snapshot mode', () => {
    expect(checkUrl('http://www.england.nhs.uk/news/', snapshot).protocol).toBe('http:');
    expect(() => checkUrl('http://www.england.nhs.uk/news/', live)).toThrow(/scheme http: is not allowed/);
  });

  const bypasses: [string, string, RegExp][] = [
    ['file scheme', 'file:///etc/passwd', /scheme file:/],
    ['ftp scheme', 'ftp://www.england.nhs.uk/x', /scheme ftp:/],
    ['gopher scheme', 'gopher://www.england.nhs.uk:70/_x', /scheme gopher:/],
    ['data scheme', 'data:text/html,<script>alert(1)</script>', /scheme data:/],
    ['javascript scheme', 'javascript:alert(1)', /scheme javascript:/],
    ['user and password', 'https://user:secret@www.england.nhs.uk/', /credentials/],
    ['user only', 'https://admin@www.england.nhs.uk/', /credentials/],
    ['credentials pointing elsewhere', 'https://www.england.nhs.uk@evil.example/', /credentials/],
    ['decimal IPv4', 'https://2130706433/', /IP literal/],
    ['octal IPv4', 'https://0177.0.0.1/', /IP literal/],
    ['hex IPv4', 'https://0x7f000001/', /IP literal/],
    ['short dotted IPv4', 'https://127.1/', /IP literal/],
    ['dotted IPv4', 'https://10.0.0.1/', /IP literal/],
    ['cloud metadata address', 'https://169.254.169.254/latest/meta-data/', /IP literal/],
    ['IPv6 loopback', 'https://[::1]/', /IP literal/],
    ['IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/', /IP literal/],
    ['IPv4-mapped IPv6 in hex', 'https://[::ffff:a9fe:a9fe]/', /IP literal/],
    ['IPv6 link-local', 'https://[fe80::1]/', /IP literal/],
    ['localhost', 'https://localhost/', /not allowlisted/],
    ['localhost subdomain', 'https://www.england.nhs.uk.localhost/', /not allowlisted/],
    [
      'allowlisted name as an attacker subdomain',
      'https://www.england.nhs.uk.evil.example/',
      /not allowlisted/,
    ],
    ['attacker name ending in the allowlisted name', 'https://evilwww.england.nhs.uk/', /not allowlisted/],
    ['parent of the allowlisted name', 'https://england.nhs.uk/', /not allowlisted/],
    ['trailing dot', 'https://www.england.nhs.uk./news/', /ends with a dot/],
    ['full-width dots', 'https://www\u3002england\u3002nhs\u3002uk/', /non-ASCII/],
    ['Cyrillic look-alike', 'https://www.\u0435ngland.nhs.uk/', /non-ASCII/],
    ['punycode look-alike', 'https://www.xn--ngland-2of.nhs.uk/', /internationalised/],
    ['percent-escaped host', 'https://www.england%2Enhs.uk/', /percent-escapes/],
    ['explicit port', 'https://www.england.nhs.uk:8443/', /explicit ports/],
    [
      'backslash authority trick',
      'https://evil.example\\@www.england.nhs.uk/',
      /credentials|backslash|not allowlisted/,
    ],
    ['whitespace', 'https://www.england.nhs.uk/\nHost: evil', /whitespace or control/],
    ['not a URL', 'www.england.nhs.uk/news/', /not a valid absolute URL/],
  ];

  it.each(bypasses)('refuses %s', (_name, url, reason) => {
    let thrown: unknown;
    try {
      checkUrl(url, live);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FetchRefusedError);
    expect((thrown as FetchRefusedError).message).toMatch(reason);
    expect((thrown as FetchRefusedError).message).toContain('nhse-news');
    expect((thrown as FetchRefusedError).sourceId).toBe('nhse-news');
  });

  it('refuses IP literals and look-alikes in snapshot mode too', () => {
    for (const url of ['http://127.0.0.1/', 'https://0x7f000001/', 'https://www.england.nhs.uk./']) {
      expect(() => checkUrl(url, snapshot)).toThrow(FetchRefusedError);
    }
  });
});

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    'not-an-ip',
  ])('forbids %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['151.101.0.1', '8.8.8.8', '2a04:4e42::1'])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('redactUrl', () => {
  it('removes credentials and signature-like query values but keeps ordinary parameters', () => {
    const redacted = redactUrl(
      'https://user:pw@bucket.s3.amazonaws.com/a.csv?format=csv&X-Amz-Signature=abc123&X-Amz-Credential=AKIA&token=t0k#frag',
    );
    expect(redacted).not.toMatch(/user|pw|abc123|AKIA|t0k|frag/);
    expect(redacted).toContain('format=csv');
    expect(redacted).toContain('X-Amz-Signature=REDACTED');
  });

  it('leaves a URL without secrets byte-identical', () => {
    const url = 'https://hub.arcgis.com/api/v3/datasets/a1_0/downloads/data?format=csv&spatialRefId=4326';
    expect(redactUrl(url)).toBe(url);
  });
});
