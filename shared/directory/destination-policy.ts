/**
 * Where a directory connection may point. An operator's connection settings make the platform
 * open a socket (the connection test and every sync run), so a host name is not trusted as given:
 * it is resolved once, every address it resolves to is checked, and the socket is then opened to
 * the checked address (never to the name again, which a rebinding DNS server could answer
 * differently the second time).
 *
 * Refused everywhere: link-local addresses (169.254.0.0/16, fe80::/10 — the Lambda and EC2
 * instance metadata and credential endpoints live there, including fd00:ec2::254), the
 * "this network" block 0.0.0.0/8 and ::, multicast and the broadcast address. Refused unless the
 * runtime allows it (`DIRECTORY_ALLOW_LOOPBACK=true`, set only by the local runtime, whose tests
 * run directories on 127.0.0.1): loopback (127.0.0.0/8, ::1) — in AWS it is the function's own
 * runtime API, never a customer's directory. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7)
 * stay allowed: on-premises directories are reached through a VPC at such addresses.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Thrown when a connection's host resolves to an address the platform never connects to. */
export class DirectoryDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryDestinationError';
  }
}

const NEVER = new BlockList();
NEVER.addSubnet('169.254.0.0', 16, 'ipv4');
NEVER.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER.addSubnet('224.0.0.0', 4, 'ipv4');
NEVER.addAddress('255.255.255.255', 'ipv4');
NEVER.addSubnet('fe80::', 10, 'ipv6');
NEVER.addAddress('fd00:ec2::254', 'ipv6');
NEVER.addAddress('::', 'ipv6');
NEVER.addSubnet('ff00::', 8, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is checked as the IPv4 address it carries. */
function normalised(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/**
 * Why `address` (an IP literal) may not be dialled, or undefined when it may.
 * @param allowLoopback whether loopback addresses are allowed (the local runtime).
 */
export function refusalOf(address: string, allowLoopback: boolean): string | undefined {
  const { address: ip, family } = normalised(address);
  if (NEVER.check(ip, family)) return `${address} is a link-local, unspecified, multicast or broadcast address`;
  if (!allowLoopback && LOOPBACK.check(ip, family)) return `${address} is a loopback address`;
  return undefined;
}

/** Does this runtime allow loopback directories? Only the local runtime sets the variable. */
export function loopbackAllowed(): boolean {
  return process.env.DIRECTORY_ALLOW_LOOPBACK === 'true';
}

/**
 * Resolves `host` (a name or an IP literal) and returns the address to dial: the first one the
 * resolver gives, after checking every address it gave.
 * @throws DirectoryDestinationError when any address is refused (see the module comment);
 *   resolver errors (ENOTFOUND, EAI_AGAIN) propagate as thrown by node:dns.
 */
export async function resolveDirectoryHost(host: string, allowLoopback = loopbackAllowed()): Promise<string> {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const addresses = isIP(literal) ? [literal] : (await lookup(literal, { all: true, verbatim: true })).map((entry) => entry.address);
  for (const address of addresses) {
    const refusal = refusalOf(address, allowLoopback);
    if (refusal) throw new DirectoryDestinationError(`The platform does not connect to ${host}: ${refusal}.`);
  }
  const first = addresses[0];
  if (first === undefined) throw new DirectoryDestinationError(`${host} resolved to no address.`);
  return first;
}
