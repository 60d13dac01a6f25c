// Port sets: sorted, disjoint, non-adjacent inclusive ranges over 1..65535, and a connection set
// (one port set per protocol). Every other module uses these instead of re-deriving ranges.

export type PortRange = readonly [number, number];
const MIN_PORT = 1;
const MAX_PORT = 65535;

export class PortSet {
  private constructor(readonly ranges: readonly PortRange[]) {}

  static readonly EMPTY = new PortSet([]);
  static readonly ALL = new PortSet([[MIN_PORT, MAX_PORT]]);

  static range(from: number, to: number = from): PortSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    return lo > hi ? PortSet.EMPTY : new PortSet([[lo, hi]]);
  }

  static of(ranges: Iterable<PortRange>): PortSet {
    const sorted = [...ranges]
      .map(([a, b]) => [Math.max(MIN_PORT, a), Math.min(MAX_PORT, b)] as const)
      .filter(([a, b]) => a <= b)
      .sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [a, b] of sorted) {
      const last = out[out.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return new PortSet(out);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  isAll(): boolean {
    return this.ranges.length === 1 && this.ranges[0][0] === MIN_PORT && this.ranges[0][1] === MAX_PORT;
  }

  has(port: number): boolean {
    return this.ranges.some(([a, b]) => a <= port && port <= b);
  }

  union(other: PortSet): PortSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return PortSet.of([...this.ranges, ...other.ranges]);
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return PortSet.EMPTY;
    if (other.isAll()) return this;
    if (this.isAll()) return other;
    const out: [number, number][] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const [a1, b1] = this.ranges[i];
      const [a2, b2] = other.ranges[j];
      const lo = Math.max(a1, a2);
      const hi = Math.min(b1, b2);
      if (lo <= hi) out.push([lo, hi]);
      if (b1 < b2) i++;
      else j++;
    }
    return new PortSet(out);
  }

  subtract(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    const out: [number, number][] = [];
    for (const [a, b] of this.ranges) {
      let lo = a;
      for (const [c, d] of other.ranges) {
        if (d < lo || c > b) continue;
        if (c > lo) out.push([lo, c - 1]);
        lo = d + 1;
        if (lo > b) break;
      }
      if (lo <= b) out.push([lo, b]);
    }
    return new PortSet(out);
  }

  equals(other: PortSet): boolean {
    return (
      this.ranges.length === other.ranges.length &&
      this.ranges.every(([a, b], i) => a === other.ranges[i][0] && b === other.ranges[i][1])
    );
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([a, b]) => [a, b]);
  }

  toString(): string {
    return this.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",");
  }
}

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === "string" && (PROTOCOLS as readonly string[]).includes(value);
}

/** Which ports of which protocols a connection may use. */
export class ConnSet {
  private constructor(readonly byProtocol: Readonly<Record<Protocol, PortSet>>) {}

  static readonly NONE = new ConnSet({ TCP: PortSet.EMPTY, UDP: PortSet.EMPTY, SCTP: PortSet.EMPTY });
  static readonly ALL = new ConnSet({ TCP: PortSet.ALL, UDP: PortSet.ALL, SCTP: PortSet.ALL });

  static of(parts: Partial<Record<Protocol, PortSet>>): ConnSet {
    return new ConnSet({
      TCP: parts.TCP ?? PortSet.EMPTY,
      UDP: parts.UDP ?? PortSet.EMPTY,
      SCTP: parts.SCTP ?? PortSet.EMPTY,
    });
  }

  static ports(protocol: Protocol, ports: PortSet): ConnSet {
    return ConnSet.of({ [protocol]: ports });
  }

  get(protocol: Protocol): PortSet {
    return this.byProtocol[protocol];
  }

  private zip(other: ConnSet, op: (a: PortSet, b: PortSet) => PortSet): ConnSet {
    return new ConnSet({
      TCP: op(this.byProtocol.TCP, other.byProtocol.TCP),
      UDP: op(this.byProtocol.UDP, other.byProtocol.UDP),
      SCTP: op(this.byProtocol.SCTP, other.byProtocol.SCTP),
    });
  }

  union(other: ConnSet): ConnSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return this.zip(other, (a, b) => a.union(b));
  }

  intersect(other: ConnSet): ConnSet {
    if (this.isEmpty() || other.isEmpty()) return ConnSet.NONE;
    return this.zip(other, (a, b) => a.intersect(b));
  }

  subtract(other: ConnSet): ConnSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    return this.zip(other, (a, b) => a.subtract(b));
  }

  isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.byProtocol[p].isEmpty());
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => this.byProtocol[p].isAll());
  }

  equals(other: ConnSet): boolean {
    return PROTOCOLS.every((p) => this.byProtocol[p].equals(other.byProtocol[p]));
  }

  /** The machine-output shape: `{"TCP":[[80,80]],"UDP":[],"SCTP":[]}`. */
  toJSON(): Record<Protocol, [number, number][]> {
    return {
      TCP: this.byProtocol.TCP.toJSON(),
      UDP: this.byProtocol.UDP.toJSON(),
      SCTP: this.byProtocol.SCTP.toJSON(),
    };
  }

  static fromJSON(json: Partial<Record<Protocol, [number, number][]>>): ConnSet {
    return ConnSet.of({
      TCP: PortSet.of(json.TCP ?? []),
      UDP: PortSet.of(json.UDP ?? []),
      SCTP: PortSet.of(json.SCTP ?? []),
    });
  }

  /** For people: `all ports`, `TCP 80,443; UDP 53`. */
  toString(): string {
    if (this.isAll()) return "all ports";
    if (this.isEmpty()) return "no ports";
    return PROTOCOLS.filter((p) => !this.byProtocol[p].isEmpty())
      .map((p) => `${p} ${this.byProtocol[p].isAll() ? "all" : this.byProtocol[p].toString()}`)
      .join("; ");
  }
}
