// How a set of outside addresses is written for people.
import { intervalToCidrs, subtractIntervals, universe, type IpInterval } from "../core/ip.js";

/** `0.0.0.0/0`, `10.0.0.0/8, 192.168.0.0/16` or `0.0.0.0/0 except 10.0.0.0/8`, whichever is shorter. */
export function describeAddresses(intervals: readonly IpInterval[]): string {
  const parts: string[] = [];
  for (const family of [4, 6] as const) {
    const mine = intervals.filter((i) => i.family === family);
    if (!mine.length) continue;
    const direct = mine.flatMap(intervalToCidrs);
    const holes = subtractIntervals(universe(family), mine).flatMap(intervalToCidrs);
    const all = family === 4 ? "0.0.0.0/0" : "::/0";
    parts.push(
      holes.length === 0 ? all : holes.length < direct.length ? `${all} except ${holes.join(", ")}` : direct.join(", "),
    );
  }
  return parts.join(", ");
}
