// Test support: puts np-guard (netpol-analyzer) `list -o txt` goldens and our `reach --format json`
// output into one canonical form, so that the two can be compared line by line.
//
// Canonical form:
// - workload ids are ours (`ns/Kind/name`); np-guard's `ns/name[Kind]` is rewritten;
// - a connection set is written the np-guard way (`All Connections`, or `SCTP 1-9,TCP 80,UDP 53` with
//   protocols in SCTP, TCP, UDP order), rebuilt from parsed ranges so that both sides print it alike;
// - workload <-> outside-address edges become, per (workload, direction), a function from IPv4 address
//   to connection set: pieces cut at every boundary, empty pieces dropped, and neighbouring pieces with
//   equal connections merged. That does not depend on how either tool splits the address space.
//   IPv6 is dropped (np-guard ignores it);
// - self edges (a workload to itself) are dropped: np-guard never lists them;
// - `{ingress-controller}` lines (Ingress/Route exposure) are set aside and only counted.

export const PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export type Range = [number, number];
/** Sorted, disjoint, non-adjacent port ranges per protocol. */
export type Conn = Record<Protocol, Range[]>;

export type Direction = "egress" | "ingress";

export interface IpPiece {
  lo: number;
  hi: number;
  conn: string;
}

export interface Canonical {
  /** `from => to` -> connection string, workload to workload. */
  readonly pods: Map<string, string>;
  /** `workload egress|ingress` -> merged IPv4 pieces with a non-empty connection. */
  readonly ips: Map<string, IpPiece[]>;
  /** How many input lines/edges had the ingress controller as an endpoint (not compared). */
  ingressControllerLines: number;
}

const MAX_IP = 2 ** 32 - 1;

function normaliseRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .map(([a, b]) => [Math.max(1, a), Math.min(65535, b)] as Range)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function emptyConn(): Conn {
  return { SCTP: [], TCP: [], UDP: [] };
}

export function unionConn(a: Conn, b: Conn): Conn {
  return {
    SCTP: normaliseRanges([...a.SCTP, ...b.SCTP]),
    TCP: normaliseRanges([...a.TCP, ...b.TCP]),
    UDP: normaliseRanges([...a.UDP, ...b.UDP]),
  };
}

/** np-guard's text for a connection set; "" for the empty set. */
export function formatConn(conn: Conn): string {
  const all = PROTOCOLS.every((p) => conn[p].length === 1 && conn[p][0][0] === 1 && conn[p][0][1] === 65535);
  if (all) return "All Connections";
  return PROTOCOLS.filter((p) => conn[p].length > 0)
    .map((p) => `${p} ${conn[p].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",")}`)
    .join(",");
}

/** Parses `All Connections` or `SCTP 1-9002,TCP 80,8080,UDP 53`. */
export function parseNpGuardConn(text: string): Conn {
  const t = text.trim();
  if (t === "All Connections") return { SCTP: [[1, 65535]], TCP: [[1, 65535]], UDP: [[1, 65535]] };
  if (t === "No Connections" || t === "") return emptyConn();
  const conn = emptyConn();
  let current: Protocol | undefined;
  for (const token of t.split(",")) {
    const m = /^(?:(SCTP|TCP|UDP) )?(\d+)(?:-(\d+))?$/.exec(token.trim());
    if (!m) throw new Error(`cannot read np-guard connection ${JSON.stringify(text)} (at ${JSON.stringify(token)})`);
    if (m[1]) current = m[1] as Protocol;
    if (!current) throw new Error(`np-guard connection ${JSON.stringify(text)} starts without a protocol`);
    conn[current].push([Number(m[2]), Number(m[3] ?? m[2])]);
  }
  return { SCTP: normaliseRanges(conn.SCTP), TCP: normaliseRanges(conn.TCP), UDP: normaliseRanges(conn.UDP) };
}

export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** `10.0.0.0/8` -> [lo, hi]; null for IPv6. */
export function parseIpv4Cidr(text: string): [number, number] | null {
  if (text.includes(":")) return null;
  const [addr, prefixText] = text.split("/");
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`bad CIDR ${text}`);
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(parseIpv4(addr) / size) * size;
  return [lo, lo + size - 1];
}

/** `ns/name[Kind]` -> `ns/Kind/name`. */
export function npGuardWorkloadId(text: string): string {
  const m = /^([^/]+)\/(.+)\[([A-Za-z]+)\]$/.exec(text);
  if (!m) throw new Error(`cannot read np-guard peer ${JSON.stringify(text)}`);
  return `${m[1]}/${m[3]}/${m[2]}`;
}

type IpSide = { lo: number; hi: number };

interface Builder {
  pods: Map<string, Conn>;
  ips: Map<string, { lo: number; hi: number; conn: Conn }[]>;
  ingressControllerLines: number;
}

function newBuilder(): Builder {
  return { pods: new Map(), ips: new Map(), ingressControllerLines: 0 };
}

function addPod(b: Builder, from: string, to: string, conn: Conn): void {
  if (from === to) return;
  const key = `${from} => ${to}`;
  b.pods.set(key, unionConn(b.pods.get(key) ?? emptyConn(), conn));
}

function addIp(b: Builder, workload: string, direction: Direction, ip: IpSide, conn: Conn): void {
  const key = `${workload} ${direction}`;
  const list = b.ips.get(key) ?? [];
  list.push({ ...ip, conn });
  b.ips.set(key, list);
}

/** Cuts pieces (possibly overlapping) at every boundary, unions conns per cut, drops empties, merges equal neighbours. */
export function canonicalPieces(pieces: readonly { lo: number; hi: number; conn: Conn }[]): IpPiece[] {
  const cuts = [...new Set(pieces.flatMap((p) => [p.lo, p.hi + 1]))].sort((a, b) => a - b);
  const out: IpPiece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const lo = cuts[i];
    const hi = cuts[i + 1] - 1;
    let conn = emptyConn();
    for (const p of pieces) if (p.lo <= lo && hi <= p.hi) conn = unionConn(conn, p.conn);
    const text = formatConn(conn);
    if (!text) continue;
    const last = out[out.length - 1];
    if (last && last.hi + 1 === lo && last.conn === text) last.hi = hi;
    else out.push({ lo, hi, conn: text });
  }
  return out;
}

function finish(b: Builder): Canonical {
  const pods = new Map<string, string>();
  for (const [k, c] of [...b.pods].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const text = formatConn(c);
    if (text) pods.set(k, text);
  }
  const ips = new Map<string, IpPiece[]>();
  for (const [k, list] of [...b.ips].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const pieces = canonicalPieces(list);
    if (pieces.length) ips.set(k, pieces);
  }
  return { pods, ips, ingressControllerLines: b.ingressControllerLines };
}

const EXTERNAL = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)\[External\]$/;

/** Reads an np-guard `list -o txt` golden (lines `src => dst : conn`). */
export function canonicalFromNpGuardTxt(text: string): Canonical {
  const b = newBuilder();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\S+) => (\S+) : (.+)$/.exec(line);
    if (!m) throw new Error(`unexpected np-guard line ${JSON.stringify(line)}`);
    const [, src, dst, connText] = m;
    if (src === "{ingress-controller}" || dst === "{ingress-controller}") {
      b.ingressControllerLines++;
      continue;
    }
    const conn = parseNpGuardConn(connText);
    const srcIp = EXTERNAL.exec(src);
    const dstIp = EXTERNAL.exec(dst);
    if (srcIp && dstIp) throw new Error(`np-guard line between two external peers: ${line}`);
    if (srcIp) addIp(b, npGuardWorkloadId(dst), "ingress", { lo: parseIpv4(srcIp[1]), hi: parseIpv4(srcIp[2]) }, conn);
    else if (dstIp) addIp(b, npGuardWorkloadId(src), "egress", { lo: parseIpv4(dstIp[1]), hi: parseIpv4(dstIp[2]) }, conn);
    else addPod(b, npGuardWorkloadId(src), npGuardWorkloadId(dst), conn);
  }
  return finish(b);
}

export interface ReachJsonEdge {
  from: string;
  to: string;
  ports: Partial<Record<Protocol, Range[]>>;
}

/** Reads our `reach --format json` output. */
export function canonicalFromReachJson(json: { edges: readonly ReachJsonEdge[] }): Canonical {
  const b = newBuilder();
  for (const e of json.edges) {
    const conn: Conn = {
      SCTP: normaliseRanges(e.ports.SCTP ?? []),
      TCP: normaliseRanges(e.ports.TCP ?? []),
      UDP: normaliseRanges(e.ports.UDP ?? []),
    };
    const fromIp = e.from.startsWith("ip:");
    const toIp = e.to.startsWith("ip:");
    if (fromIp && toIp) throw new Error(`edge between two addresses: ${e.from} -> ${e.to}`);
    if (fromIp || toIp) {
      const range = parseIpv4Cidr((fromIp ? e.from : e.to).slice(3));
      if (!range) continue; // IPv6: np-guard does not model it
      addIp(b, fromIp ? e.to : e.from, fromIp ? "ingress" : "egress", { lo: range[0], hi: range[1] }, conn);
    } else addPod(b, e.from, e.to, conn);
  }
  return finish(b);
}

function formatRange(lo: number, hi: number): string {
  return `${formatIpv4(lo)}-${formatIpv4(hi)}`;
}

/** The canonical form as sorted text lines (for display). */
export function canonicalLines(c: Canonical): string[] {
  const lines: string[] = [];
  for (const [k, conn] of c.pods) lines.push(`${k} : ${conn}`);
  for (const [k, pieces] of c.ips) {
    const [workload, direction] = k.split(" ");
    for (const p of pieces)
      lines.push(direction === "egress" ? `${workload} => ${formatRange(p.lo, p.hi)} : ${p.conn}` : `${formatRange(p.lo, p.hi)} => ${workload} : ${p.conn}`);
  }
  return lines.sort();
}

/**
 * Differences between the expected (np-guard) and actual (ours) canonical forms, one readable line
 * each; empty when they agree. Address functions are compared piece by piece over the union of
 * both sides' boundaries, and neighbouring pieces with the same disagreement are reported together.
 */
export function compareCanonical(expected: Canonical, actual: Canonical): string[] {
  const out: string[] = [];
  const podKeys = [...new Set([...expected.pods.keys(), ...actual.pods.keys()])].sort();
  for (const k of podKeys) {
    const e = expected.pods.get(k);
    const a = actual.pods.get(k);
    if (e === a) continue;
    if (a === undefined) out.push(`missing: ${k} : ${e}`);
    else if (e === undefined) out.push(`extra:   ${k} : ${a}`);
    else out.push(`differs: ${k} : np-guard ${e} | ours ${a}`);
  }
  const ipKeys = [...new Set([...expected.ips.keys(), ...actual.ips.keys()])].sort();
  for (const k of ipKeys) {
    const e = expected.ips.get(k) ?? [];
    const a = actual.ips.get(k) ?? [];
    const cuts = [...new Set([0, MAX_IP + 1, ...[...e, ...a].flatMap((p) => [p.lo, p.hi + 1])])].sort((x, y) => x - y);
    const at = (pieces: IpPiece[], lo: number) => pieces.find((p) => p.lo <= lo && lo <= p.hi)?.conn ?? "";
    let run: { lo: number; hi: number; e: string; a: string } | undefined;
    const flush = () => {
      if (!run) return;
      const [workload, direction] = k.split(" ");
      const edge = direction === "egress" ? `${workload} => ${formatRange(run.lo, run.hi)}` : `${formatRange(run.lo, run.hi)} => ${workload}`;
      if (!run.a) out.push(`missing: ${edge} : ${run.e}`);
      else if (!run.e) out.push(`extra:   ${edge} : ${run.a}`);
      else out.push(`differs: ${edge} : np-guard ${run.e} | ours ${run.a}`);
      run = undefined;
    };
    for (let i = 0; i + 1 < cuts.length; i++) {
      const lo = cuts[i];
      const hi = cuts[i + 1] - 1;
      const ec = at(e, lo);
      const ac = at(a, lo);
      if (ec === ac) {
        flush();
        continue;
      }
      if (run && run.hi + 1 === lo && run.e === ec && run.a === ac) run.hi = hi;
      else {
        flush();
        run = { lo, hi, e: ec, a: ac };
      }
    }
    flush();
  }
  return out;
}
