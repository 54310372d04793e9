import { internalAddressReason, isAllowedHost, type OutboundPolicy } from '../../outbound/address-policy';
import { urlRefusal } from '../../outbound/target-check';

const production: OutboundPolicy = { allowedHosts: [], allowHttp: false };
const development: OutboundPolicy = { allowedHosts: ['127.0.0.1', 'hooks.internal:8443'], allowHttp: true };

describe('outbound address policy', () => {
  test.each([
    '127.0.0.1', '127.255.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.251', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'ff02::1', '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '::7f00:1',
  ])('%s is internal', (address) => {
    expect(internalAddressReason(address)).toMatch(/internal/);
  });

  test.each(['93.184.216.34', '8.8.8.8', '203.0.114.9', '2606:4700:4700::1111', '::ffff:5db8:d822'])('%s is public', (address) => {
    expect(internalAddressReason(address)).toBeNull();
  });

  test('decimal, octal and hex spellings of 127.0.0.1 are the same address to the URL parser, and refused', () => {
    for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://127.1/']) {
      expect(urlRefusal(production, new URL(url.replace('http:', 'https:')))).toMatch(/internal/);
    }
  });

  test('https only in production; http where the operator allows it', () => {
    expect(urlRefusal(production, new URL('http://example.com/'))).toBe('must be an https URL');
    expect(urlRefusal(production, new URL('https://example.com/'))).toBeNull();
    expect(urlRefusal(development, new URL('http://example.com/'))).toBeNull();
    expect(urlRefusal(development, new URL('ftp://example.com/'))).toBe('must be an http or https URL');
  });

  test('WEBHOOK_ALLOWED_HOSTS lets a host, or a host on one port, through', () => {
    expect(urlRefusal(development, new URL('http://127.0.0.1:4000/hooks'))).toBeNull();
    expect(urlRefusal(production, new URL('https://127.0.0.1:4000/hooks'))).toMatch(/internal/);
    expect(isAllowedHost(development, new URL('https://hooks.internal:8443/'))).toBe(true);
    expect(isAllowedHost(development, new URL('https://hooks.internal/'))).toBe(false);
    // The name is not the address: allowing 127.0.0.1 does not allow localhost.
    expect(isAllowedHost(development, new URL('http://localhost/'))).toBe(false);
  });
});
