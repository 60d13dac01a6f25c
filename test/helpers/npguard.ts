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
//
// The same for np-guard `diff -o txt` goldens and our `diff --format json` (canonicalFromNpGuardDiffTxt,
// canonicalFromDiffJson): every value becomes a `base -> head` pair of connection strings, and only what
// differs is kept (absent = unchanged). Workload pairs are keyed by our ids; IP peers are again, per
// (workload, direction), a function of the IPv4 address, now to the pair, so np-guard's re-split and
// merged blocks compare with our CIDRs; `{ingress-controller} => workload` pairs are the TCP ports that
// the Ingress/Route path reaches; `workloads-diff-info` is kept as workload -> added | removed.

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

function emptyConn(): Conn {
  return { SCTP: [], TCP: [], UDP: [] };
}

function unionConn(a: Conn, b: Conn): Conn {
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

function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255))
    throw new Error(`not an IPv4 address: ${text}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** `10.0.0.0/8` -> [lo, hi]; null for IPv6. */
function parseIpv4Cidr(text: string): [number, number] | null {
  if (text.includes(":")) return null;
  const [addr, prefixText] = text.split("/");
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`bad CIDR ${text}`);
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(parseIpv4(addr) / size) * size;
  return [lo, lo + size - 1];
}

/** `ns/name[Kind]` -> `ns/Kind/name`. */
function npGuardWorkloadId(text: string): string {
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
function canonicalPieces(pieces: readonly { lo: number; hi: number; conn: Conn }[]): IpPiece[] {
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
    else if (dstIp)
      addIp(b, npGuardWorkloadId(src), "egress", { lo: parseIpv4(dstIp[1]), hi: parseIpv4(dstIp[2]) }, conn);
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
      lines.push(
        direction === "egress"
          ? `${workload} => ${formatRange(p.lo, p.hi)} : ${p.conn}`
          : `${formatRange(p.lo, p.hi)} => ${workload} : ${p.conn}`,
      );
  }
  return lines.sort();
}

/** Map entries that differ, one line each: missing (np-guard only), extra (ours only), differs. */
function compareMaps(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>, out: string[]): void {
  for (const k of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const e = expected.get(k);
    const a = actual.get(k);
    if (e === a) continue;
    if (a === undefined) out.push(`missing: ${k} : ${e}`);
    else if (e === undefined) out.push(`extra:   ${k} : ${a}`);
    else out.push(`differs: ${k} : np-guard ${e} | ours ${a}`);
  }
}

/**
 * Address functions (`workload egress|ingress` -> pieces) compared piece by piece over the union of
 * both sides' boundaries; neighbouring pieces with the same disagreement are reported together.
 */
function compareAddressFunctions(
  expected: ReadonlyMap<string, IpPiece[]>,
  actual: ReadonlyMap<string, IpPiece[]>,
  out: string[],
): void {
  const ipKeys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  for (const k of ipKeys) {
    const e = expected.get(k) ?? [];
    const a = actual.get(k) ?? [];
    const cuts = [...new Set([0, MAX_IP + 1, ...[...e, ...a].flatMap((p) => [p.lo, p.hi + 1])])].sort((x, y) => x - y);
    const at = (pieces: IpPiece[], lo: number) => pieces.find((p) => p.lo <= lo && lo <= p.hi)?.conn ?? "";
    let run: { lo: number; hi: number; e: string; a: string } | undefined;
    const flush = () => {
      if (!run) return;
      const [workload, direction] = k.split(" ");
      const edge =
        direction === "egress"
          ? `${workload} => ${formatRange(run.lo, run.hi)}`
          : `${formatRange(run.lo, run.hi)} => ${workload}`;
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
}

/**
 * Differences between the expected (np-guard) and actual (ours) canonical forms, one readable line
 * each; empty when they agree. Address functions are compared piece by piece over the union of
 * both sides' boundaries, and neighbouring pieces with the same disagreement are reported together.
 */
export function compareCanonical(expected: Canonical, actual: Canonical): string[] {
  const out: string[] = [];
  compareMaps(expected.pods, actual.pods, out);
  compareAddressFunctions(expected.ips, actual.ips, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Diffs.

export type WorkloadDiff = "added" | "removed";

export interface DiffCanonical {
  /** `from => to` -> `base -> head`, workload to workload, only where the two differ. */
  readonly pods: Map<string, string>;
  /** `workload egress|ingress` -> IPv4 pieces whose `conn` is `base -> head`; unchanged addresses are left out. */
  readonly ips: Map<string, IpPiece[]>;
  /** `{ingress-controller} => workload` -> `base -> head`: the ports the Ingress/Route path reaches. */
  readonly ingress: Map<string, string>;
  /** Endpoints of the listed changes that exist on one side only (np-guard's workloads-diff-info). */
  readonly workloads: Map<string, WorkloadDiff>;
}

const INGRESS_CONTROLLER = "{ingress-controller}";
const NONE = "No Connections";

/** `TCP 80 -> TCP 80,443`, with `No Connections` for the empty set; "" when the two are equal. */
function pairText(base: Conn, head: Conn): string {
  const b = formatConn(base) || NONE;
  const h = formatConn(head) || NONE;
  return b === h ? "" : `${b} -> ${h}`;
}

/**
 * Pieces that must not overlap with different values (each tool gives one value per address) cut at
 * every boundary, equal neighbours merged.
 */
function pieceFunction(pieces: readonly IpPiece[], what: string): IpPiece[] {
  const cuts = [...new Set(pieces.flatMap((p) => [p.lo, p.hi + 1]))].sort((a, b) => a - b);
  const out: IpPiece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const lo = cuts[i];
    const hi = cuts[i + 1] - 1;
    const values = new Set(pieces.filter((p) => p.lo <= lo && hi <= p.hi).map((p) => p.conn));
    if (values.size > 1) throw new Error(`${what}: ${formatRange(lo, hi)} has two values: ${[...values].join(" / ")}`);
    const [value] = values;
    if (!value) continue;
    const last = out[out.length - 1];
    if (last && last.hi + 1 === lo && last.conn === value) last.hi = hi;
    else out.push({ lo, hi, conn: value });
  }
  return out;
}

class DiffBuilder {
  readonly pods = new Map<string, string>();
  readonly ips = new Map<string, IpPiece[]>();
  readonly ingress = new Map<string, string>();
  readonly workloads = new Map<string, WorkloadDiff>();

  private set(map: Map<string, string>, key: string, value: string): void {
    if (!value) return;
    const previous = map.get(key);
    if (previous !== undefined && previous !== value) throw new Error(`${key} listed twice: ${previous} / ${value}`);
    map.set(key, value);
  }

  pod(from: string, to: string, value: string): void {
    if (from !== to) this.set(this.pods, `${from} => ${to}`, value);
  }

  ingressTo(workload: string, value: string): void {
    this.set(this.ingress, `${INGRESS_CONTROLLER} => ${workload}`, value);
  }

  ip(workload: string, direction: Direction, lo: number, hi: number, value: string): void {
    if (!value) return;
    const key = `${workload} ${direction}`;
    const list = this.ips.get(key) ?? [];
    list.push({ lo, hi, conn: value });
    this.ips.set(key, list);
  }

  workload(id: string, status: WorkloadDiff): void {
    const previous = this.workloads.get(id);
    if (previous && previous !== status) throw new Error(`workload ${id} both added and removed`);
    this.workloads.set(id, status);
  }

  finish(): DiffCanonical {
    const sorted = <T>(m: Map<string, T>) => new Map([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    const ips = new Map<string, IpPiece[]>();
    for (const [k, list] of sorted(this.ips)) {
      const pieces = pieceFunction(list, k);
      if (pieces.length) ips.set(k, pieces);
    }
    return { pods: sorted(this.pods), ips, ingress: sorted(this.ingress), workloads: sorted(this.workloads) };
  }
}

const DIFF_LINE =
  /^diff-type: (changed|added|removed), source: (\S+), destination: (\S+), (\w+): (.+?), (\w+): (.+?)(?:, workloads-diff-info: (.+))?$/;

/** Reads an np-guard `diff -o txt` golden (an empty file: no differences). */
export function canonicalFromNpGuardDiffTxt(text: string): DiffCanonical {
  const b = new DiffBuilder();
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return b.finish(); // np-guard writes nothing at all when nothing differs
  if (lines[0] !== "Connectivity diff:")
    throw new Error(`np-guard diff without its header: ${JSON.stringify(lines[0])}`);
  for (const line of lines.slice(1)) {
    const m = DIFF_LINE.exec(line);
    if (!m) throw new Error(`unexpected np-guard diff line ${JSON.stringify(line)}`);
    const [, type, src, dst, , c1, , c2, info] = m;
    const base = parseNpGuardConn(c1);
    const head = parseNpGuardConn(c2);
    const value = pairText(base, head);
    const expectedType = formatConn(base) === "" ? "added" : formatConn(head) === "" ? "removed" : "changed";
    if (!value || type !== expectedType)
      throw new Error(
        `np-guard diff line is ${type} but its connections say ${value ? expectedType : "unchanged"}: ${line}`,
      );
    if (info) {
      const w = /^workloads? (.+?) (added|removed)$/.exec(info);
      if (!w) throw new Error(`cannot read workloads-diff-info ${JSON.stringify(info)}`);
      for (const name of w[1].split(" and ")) b.workload(npGuardWorkloadId(name), w[2] as WorkloadDiff);
    }
    const srcIp = EXTERNAL.exec(src);
    const dstIp = EXTERNAL.exec(dst);
    if (src === INGRESS_CONTROLLER) b.ingressTo(npGuardWorkloadId(dst), value);
    else if (dst === INGRESS_CONTROLLER) throw new Error(`np-guard diff line towards the ingress controller: ${line}`);
    else if (srcIp && dstIp) throw new Error(`np-guard diff line between two external peers: ${line}`);
    else if (srcIp) b.ip(npGuardWorkloadId(dst), "ingress", parseIpv4(srcIp[1]), parseIpv4(srcIp[2]), value);
    else if (dstIp) b.ip(npGuardWorkloadId(src), "egress", parseIpv4(dstIp[1]), parseIpv4(dstIp[2]), value);
    else b.pod(npGuardWorkloadId(src), npGuardWorkloadId(dst), value);
  }
  return b.finish();
}

/** The fields of an exposure (ours) that the comparison reads. */
export interface ExposureJson {
  readonly workload: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly via: { readonly kind: string };
  readonly blockedBy: string | null;
}

/** The fields of our `diff --format json` that the comparison reads. */
export interface DiffJson {
  readonly exposure: {
    readonly changes: readonly { readonly base: ExposureJson | null; readonly head: ExposureJson | null }[];
  };
  readonly reachability: {
    readonly changes: readonly {
      readonly from: string | readonly string[];
      readonly to: string | readonly string[];
      readonly base: ReachJsonEdge["ports"];
      readonly head: ReachJsonEdge["ports"];
    }[];
    readonly workloads: { readonly added: readonly string[]; readonly removed: readonly string[] };
  };
}

function connOf(ports: ReachJsonEdge["ports"]): Conn {
  return {
    SCTP: normaliseRanges(ports.SCTP ?? []),
    TCP: normaliseRanges(ports.TCP ?? []),
    UDP: normaliseRanges(ports.UDP ?? []),
  };
}

/** Per workload, the ports that unblocked Ingress/Route exposures reach (the `{ingress-controller}` path). */
function ingressPorts(exposures: readonly (ExposureJson | null)[]): Map<string, Conn> {
  const out = new Map<string, Conn>();
  for (const e of exposures) {
    if (!e || e.blockedBy !== null || (e.via.kind !== "Ingress" && e.via.kind !== "Route")) continue;
    const conn = emptyConn();
    conn[e.protocol].push([e.port, e.port]);
    out.set(e.workload, unionConn(out.get(e.workload) ?? emptyConn(), conn));
  }
  return out;
}

/**
 * Reads our `diff --format json`. The `{ingress-controller}` pairs come from each side's exposures
 * when given (`sides`: the snapshots' whole exposure lists, exact); else from the exposure changes
 * alone, which is the same unless an unchanged entry reaches the same pod port as a changed one.
 */
export function canonicalFromDiffJson(
  json: DiffJson,
  sides?: { readonly base: readonly ExposureJson[]; readonly head: readonly ExposureJson[] },
): DiffCanonical {
  const b = new DiffBuilder();
  const endpoints = new Set<string>();
  for (const c of json.reachability.changes) {
    const value = pairText(connOf(c.base), connOf(c.head));
    if (!value) throw new Error(`a listed change that changes nothing: ${JSON.stringify(c)}`);
    const isIp = (id: string | readonly string[]) => Array.isArray(id) || (id as string).startsWith("ip:");
    const fromIp = isIp(c.from);
    const toIp = isIp(c.to);
    if (fromIp && toIp) throw new Error(`change between two address lists: ${JSON.stringify(c)}`);
    if (!fromIp && !toIp) {
      b.pod(c.from as string, c.to as string, value);
      if (c.from !== c.to) endpoints.add(c.from as string).add(c.to as string);
      continue;
    }
    const workload = (fromIp ? c.to : c.from) as string;
    const direction: Direction = fromIp ? "ingress" : "egress";
    let any = false;
    const peer = fromIp ? c.from : c.to;
    for (const cidr of typeof peer === "string" ? [peer] : peer) {
      if (!cidr.startsWith("ip:")) throw new Error(`not an address: ${cidr}`);
      const range = parseIpv4Cidr(cidr.slice(3));
      if (!range) continue; // IPv6: np-guard does not model it
      b.ip(workload, direction, range[0], range[1], value);
      any = true;
    }
    if (any) endpoints.add(workload);
  }
  const base = ingressPorts(sides ? sides.base : json.exposure.changes.map((c) => c.base));
  const head = ingressPorts(sides ? sides.head : json.exposure.changes.map((c) => c.head));
  for (const w of new Set([...base.keys(), ...head.keys()])) {
    const value = pairText(base.get(w) ?? emptyConn(), head.get(w) ?? emptyConn());
    if (!value) continue;
    b.ingressTo(w, value);
    endpoints.add(w);
  }
  const { added, removed } = json.reachability.workloads;
  for (const w of added) if (endpoints.has(w)) b.workload(w, "added");
  for (const w of removed) if (endpoints.has(w)) b.workload(w, "removed");
  return b.finish();
}

/** Differences between np-guard's diff (expected) and ours, one readable line each; empty when they agree. */
export function compareDiffCanonical(expected: DiffCanonical, actual: DiffCanonical): string[] {
  const out: string[] = [];
  compareMaps(expected.pods, actual.pods, out);
  compareAddressFunctions(expected.ips, actual.ips, out);
  compareMaps(expected.ingress, actual.ingress, out);
  const info = (m: ReadonlyMap<string, WorkloadDiff>) => new Map([...m].map(([w, s]) => [`workload ${w}`, s]));
  compareMaps(info(expected.workloads), info(actual.workloads), out);
  return out;
}

/** The canonical diff as sorted text lines (for display). */
export function diffCanonicalLines(c: DiffCanonical): string[] {
  const lines: string[] = [];
  for (const [k, v] of [...c.pods, ...c.ingress]) lines.push(`${k} : ${v}`);
  for (const [k, pieces] of c.ips) {
    const [workload, direction] = k.split(" ");
    for (const p of pieces)
      lines.push(
        direction === "egress"
          ? `${workload} => ${formatRange(p.lo, p.hi)} : ${p.conn}`
          : `${formatRange(p.lo, p.hi)} => ${workload} : ${p.conn}`,
      );
  }
  for (const [w, s] of c.workloads) lines.push(`workload ${w} ${s}`);
  return lines.sort();
}
