// IP address space as inclusive intervals of bigints, one space per family. CIDRs are parsed and
// validated by ipaddr.js; the interval arithmetic (split, merge, back to CIDRs) is ours because it is
// what the reachability engine partitions the outside world with.
import ipaddr from "ipaddr.js";

export type Family = 4 | 6;

export interface IpInterval {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export class CidrError extends Error {}

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses `10.0.0.0/8` or `fd00::/8` as the API server reads an ipBlock: host bits are allowed and
 * cleared, and an IPv4 part with leading zeros is decimal (Go's ParseCIDRSloppy). Shorthands that
 * some libraries accept but Go does not (`10.1/16`, `0xa.0.0.0/8`, a bare 32-bit number, a zone
 * `%eth0`, surrounding spaces) are refused.
 */
export function parseCidr(text: string): IpInterval {
  const invalid = () => new CidrError(`invalid CIDR ${JSON.stringify(text)}`);
  if (typeof text !== "string") throw invalid();
  const slash = text.indexOf("/");
  if (slash < 0) throw invalid();
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw invalid();
  const prefix = Number(prefixText);
  let family: Family;
  let value: bigint;
  const v4 = IPV4.exec(addrText);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) throw invalid();
    family = 4;
    value = toBigInt(parts);
  } else {
    // An IPv4-mapped IPv6 literal is its own family in Go, not IPv4: keep it as written.
    if (!addrText.includes(":") || /[^0-9A-Fa-f:.]/.test(addrText) || !ipaddr.IPv6.isValid(addrText)) throw invalid();
    family = 6;
    value = toBigInt(ipaddr.IPv6.parse(addrText).toByteArray());
  }
  const bits = BITS[family];
  if (prefix > bits) throw invalid();
  const size = 1n << BigInt(bits - prefix);
  const lo = (value / size) * size;
  return { family, lo, hi: lo + size - 1n };
}

export function universe(family: Family): IpInterval {
  return { family, lo: 0n, hi: (1n << BigInt(BITS[family])) - 1n };
}

export function containsInterval(outer: IpInterval, inner: IpInterval): boolean {
  return outer.family === inner.family && outer.lo <= inner.lo && inner.hi <= outer.hi;
}

export function overlaps(a: IpInterval, b: IpInterval): boolean {
  return a.family === b.family && a.lo <= b.hi && b.lo <= a.hi;
}

function formatAddress(family: Family, n: bigint): string {
  const bytes: number[] = [];
  for (let i = 0; i < BITS[family] / 8; i++) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return family === 4 ? bytes.join(".") : ipaddr.fromByteArray(bytes).toString();
}

/** The fewest CIDR blocks that cover exactly this interval, in address order. */
export function intervalToCidrs(iv: IpInterval): string[] {
  const bits = BigInt(BITS[iv.family]);
  const out: string[] = [];
  let lo = iv.lo;
  while (lo <= iv.hi) {
    let size = 1n;
    let prefixBits = 0n;
    // Grow the block while it stays aligned and inside the interval.
    while (prefixBits < bits && lo % (size * 2n) === 0n && lo + size * 2n - 1n <= iv.hi) {
      size *= 2n;
      prefixBits++;
    }
    out.push(`${formatAddress(iv.family, lo)}/${bits - prefixBits}`);
    lo += size;
  }
  return out;
}

export function formatInterval(iv: IpInterval): string {
  return `${formatAddress(iv.family, iv.lo)}-${formatAddress(iv.family, iv.hi)}`;
}

export function compareIntervals(a: IpInterval, b: IpInterval): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}

/**
 * Cuts the given families' address spaces at every boundary of the given intervals: the result is
 * disjoint intervals ("atoms") covering each whole space, so that every block is a union of atoms.
 */
export function atomize(families: readonly Family[], blocks: readonly IpInterval[]): IpInterval[] {
  const out: IpInterval[] = [];
  for (const family of families) {
    const u = universe(family);
    const cuts = new Set<bigint>([u.lo, u.hi + 1n]);
    for (const b of blocks) {
      if (b.family !== family) continue;
      cuts.add(b.lo);
      cuts.add(b.hi + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++) out.push({ family, lo: sorted[i], hi: sorted[i + 1] - 1n });
  }
  return out;
}

/** Subtracts `holes` from `block`, leaving disjoint sorted intervals. */
export function subtractIntervals(block: IpInterval, holes: readonly IpInterval[]): IpInterval[] {
  let parts: IpInterval[] = [block];
  for (const h of holes) {
    const next: IpInterval[] = [];
    for (const p of parts) {
      if (!overlaps(p, h)) {
        next.push(p);
        continue;
      }
      if (p.lo < h.lo) next.push({ family: p.family, lo: p.lo, hi: h.lo - 1n });
      if (h.hi < p.hi) next.push({ family: p.family, lo: h.hi + 1n, hi: p.hi });
    }
    parts = next;
  }
  return parts;
}
