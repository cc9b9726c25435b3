import { isIP } from 'node:net';
import type { PeerOptions } from './actingweb-options.interface.js';

/** An IP range: `10.0.0.0/8`, or one address with the full prefix. */
export interface IpNetwork {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** The exceptions to the outgoing-request policy (docs/security.md), validated. @publicApi */
export interface ResolvedOutgoingRequestOptions {
  /** Lowercase host names, exact or `*.suffix`, that peer calls may reach whatever they resolve to. */
  readonly allowedHosts: readonly string[];
  /** Ranges peer calls may reach: `peers.allowedCidrs` plus the IP addresses listed in `peers.allowedHosts`. */
  readonly allowedCidrs: readonly IpNetwork[];
  /** Whether peers on the class of address `baseUrl` is on (loopback, private, …) are allowed. */
  readonly allowBaseUrlClass: boolean;
}

const HOST_NAME = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** Validates `peers.allowedHosts`, `peers.allowedCidrs` and `peers.allowBaseUrlClass`; problems are appended to `problems`, naming the option. */
export function resolveOutgoingRequestOptions(
  peers: PeerOptions | undefined,
  problems: string[],
): ResolvedOutgoingRequestOptions {
  const allowedHosts: string[] = [];
  const allowedCidrs: IpNetwork[] = [];
  for (const [i, entry] of listOption(peers?.allowedHosts, 'peers.allowedHosts', problems)) {
    const text = typeof entry === 'string' ? entry.trim().toLowerCase().replace(/\.$/, '') : '';
    const ip = text.replace(/^\[(.*)\]$/, '$1');
    if (isIP(ip)) {
      allowedCidrs.push(singleAddress(ip));
    } else if (text.length > 0 && text.length <= 253 && HOST_NAME.test(text)) {
      allowedHosts.push(text);
    } else {
      problems.push(
        `peers.allowedHosts[${i}] must be a host name such as "peer.example.org" or "*.example.org", or an IP address (got ${JSON.stringify(entry)})`,
      );
    }
  }
  for (const [i, entry] of listOption(peers?.allowedCidrs, 'peers.allowedCidrs', problems)) {
    const network = typeof entry === 'string' ? parseCidr(entry.trim()) : null;
    if (network) allowedCidrs.push(network);
    else
      problems.push(
        `peers.allowedCidrs[${i}] must be an IP address or a CIDR range such as "10.0.0.0/8" or "fd00::/8" (got ${JSON.stringify(entry)})`,
      );
  }
  const allowBaseUrlClass = peers?.allowBaseUrlClass ?? true;
  if (typeof allowBaseUrlClass !== 'boolean') problems.push('peers.allowBaseUrlClass must be true or false');
  return Object.freeze({
    allowedHosts: Object.freeze(allowedHosts),
    allowedCidrs: Object.freeze(allowedCidrs),
    allowBaseUrlClass: allowBaseUrlClass !== false,
  });
}

/** `10.0.0.0/8`, `fd00::/8` or a bare address; null when it is none of these. */
export function parseCidr(text: string): IpNetwork | null {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text);
  if (!match) return null;
  const family = isIP(match[1]);
  if (family === 0) return null;
  if (match[2] === undefined) return singleAddress(match[1]);
  const prefix = Number(match[2]);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  return { address: match[1], prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

function singleAddress(address: string): IpNetwork {
  return isIP(address) === 4
    ? { address, prefix: 32, family: 'ipv4' }
    : { address, prefix: 128, family: 'ipv6' };
}

function listOption(value: unknown, name: string, problems: string[]): Array<[number, unknown]> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${name} must be a list of strings`);
    return [];
  }
  return value.map((entry, i) => [i, entry]);
}
