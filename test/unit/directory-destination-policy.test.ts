import { describe, expect, it } from 'vitest';
import { DirectoryDestinationError, refusalOf, resolveDirectoryHost } from '../../shared/directory/destination-policy.ts';

describe('directory destination policy', () => {
  it('refuses link-local, unspecified, multicast and broadcast addresses everywhere', () => {
    for (const address of ['169.254.169.254', '169.254.170.2', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', 'fe80::1', 'fd00:ec2::254', '::', 'ff02::1', '::ffff:169.254.169.254']) {
      expect(refusalOf(address, true), address).toMatch(/link-local|unspecified|multicast|broadcast/);
    }
  });

  it('refuses loopback unless the runtime allows it', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(refusalOf(address, false), address).toMatch(/loopback/);
      expect(refusalOf(address, true), address).toBeUndefined();
    }
  });

  it('allows private and public ranges: on-premises directories sit behind a VPC at private addresses', () => {
    for (const address of ['10.0.0.5', '172.16.4.4', '192.168.1.10', '8.8.8.8', 'fd12:3456::1', '2001:db8::10', '169.253.255.255', '169.255.0.1']) {
      expect(refusalOf(address, false), address).toBeUndefined();
    }
  });

  it('resolves names and checks every address they resolve to', async () => {
    await expect(resolveDirectoryHost('localhost', false)).rejects.toBeInstanceOf(DirectoryDestinationError);
    expect(await resolveDirectoryHost('localhost', true)).toMatch(/^(127\.|::1$)/);
    expect(await resolveDirectoryHost('[::1]', true)).toBe('::1');
    await expect(resolveDirectoryHost('169.254.169.254', true)).rejects.toThrow(/does not connect to 169\.254\.169\.254/);
  });
});
