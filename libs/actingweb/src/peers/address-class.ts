import { BlockList, SocketAddress, isIP } from 'node:net';

/**
 * What kind of address an IP is, after the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890) and the multicast registries. `public` is every
 * address not listed there: the only kind peer calls may reach by default
 * (see docs/security.md).
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

type Range = readonly [address: string, prefix: number];

/** Checked in this order, so the narrower of two overlapping ranges wins (broadcast before 240/4, …). */
const RANGES: ReadonlyArray<readonly [AddressClass, readonly Range[]]> = [
  // 0.0.0.0/8 "this network" (RFC 791) includes the unspecified 0.0.0.0.
  [
    'unspecified',
    [
      ['0.0.0.0', 8],
      ['::', 128],
    ],
  ],
  [
    'loopback',
    [
      ['127.0.0.0', 8],
      ['::1', 128],
    ],
  ],
  ['broadcast', [['255.255.255.255', 32]]],
  [
    'benchmarking',
    [
      ['198.18.0.0', 15],
      ['2001:2::', 48],
    ],
  ],
  [
    'documentation',
    [
      ['192.0.2.0', 24],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['2001:db8::', 32],
      ['3fff::', 20],
    ],
  ],
  // RFC 1918 and unique local addresses (RFC 4193).
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['fc00::', 7],
    ],
  ],
  // Shared address space for carrier-grade NAT (RFC 6598).
  ['shared', [['100.64.0.0', 10]]],
  [
    'link-local',
    [
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ],
  ],
  [
    'multicast',
    [
      ['224.0.0.0', 4],
      ['ff00::', 8],
    ],
  ],
  [
    'reserved',
    [
      ['192.0.0.0', 24], // IETF protocol assignments
      ['192.88.99.0', 24], // deprecated 6to4 relay anycast (RFC 7526)
      ['240.0.0.0', 4], // reserved for future use
      ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
      ['100::', 64], // discard-only (RFC 6666)
      ['100:0:0:1::', 64], // dummy prefix (RFC 9780)
      ['2001::', 23], // IETF protocol assignments, Teredo included
      ['5f00::', 16], // SRv6 SIDs (RFC 9602)
      ['fec0::', 10], // deprecated site-local (RFC 3879)
    ],
  ],
];

const CLASS_LISTS: ReadonlyArray<readonly [AddressClass, BlockList]> = RANGES.map(([cls, ranges]) => {
  const list = new BlockList();
  for (const [address, prefix] of ranges) list.addSubnet(address, prefix, familyOf(address));
  return [cls, list] as const;
});

/** Every range above in one list: most addresses are public, and need only this check. */
const ANY_SPECIAL = new BlockList();
for (const [, ranges] of RANGES)
  for (const [address, prefix] of ranges) ANY_SPECIAL.addSubnet(address, prefix, familyOf(address));

/** 2000::/3, the only IPv6 space IANA allocates as global unicast. */
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

/**
 * The class of an IP address (`net.isIP(address) !== 0`). IPv6 forms that
 * carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are classed by that IPv4 address; IPv6 outside 2000::/3
 * that no range names is `reserved`. Anything that is not an IP is `reserved`.
 */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const embedded = family === 6 ? embeddedIpv4(address) : null;
  const ip = new SocketAddress({
    address: embedded ?? address.replace(/%.*$/, ''),
    family: embedded || family === 4 ? 'ipv4' : 'ipv6',
  });
  if (ANY_SPECIAL.check(ip)) {
    for (const [cls, list] of CLASS_LISTS) if (list.check(ip)) return cls;
  }
  if (ip.family === 'ipv6' && !GLOBAL_UNICAST_V6.check(ip)) return 'reserved';
  return 'public';
}

/** `::ffff:7f00:1` → `127.0.0.1`; any other address unchanged. How IPv4-mapped addresses are compared. */
export function unmapIpv4(address: string): string {
  if (isIP(address) !== 6) return address;
  const bytes = ipv6Bytes(address);
  return isMapped(bytes) ? ipv4At(bytes, 12) : address;
}

/** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address, else null. */
function embeddedIpv4(address: string): string | null {
  const bytes = ipv6Bytes(address);
  if (isMapped(bytes)) return ipv4At(bytes, 12);
  // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052).
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return ipv4At(bytes, 12);
  // 2002::/16, 6to4 (RFC 3056): the IPv4 address follows the prefix.
  if (startsWith(bytes, [0x20, 0x02])) return ipv4At(bytes, 2);
  return null;
}

function isMapped(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function ipv4At(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

/** The 16 bytes of a valid IPv6 address; a zone (`%eth0`) is ignored. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const n = parseInt(group, 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 0xff;
  });
  return bytes;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}
