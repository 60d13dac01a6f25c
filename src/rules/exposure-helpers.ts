// Which exposures a pull request newly opens to the internet.
import type { Exposure } from "../analysis/exposure/index.js";
import { isExposed } from "../analysis/exposure-diff.js";
import { parseCidr } from "../core/ip.js";
import type { RuleContext } from "./rule.js";

export function internetFacing(ctx: RuleContext, e: Exposure): boolean {
  if (e.via.internal) return false;
  const sources = e.sources.flatMap((s) => {
    try {
      return [parseCidr(s.includes("/") ? s : `${s}/${s.includes(":") ? 128 : 32}`)];
    } catch {
      return [];
    }
  });
  return ctx.isInternet(sources);
}

/** Exposures open to the internet in head that were not (absent, blocked or internal) in base. */
export function newlyExposed(ctx: RuleContext): Exposure[] {
  return ctx.exposures
    .filter(
      (c) =>
        c.head &&
        isExposed(c.head) &&
        internetFacing(ctx, c.head) &&
        !(c.base && isExposed(c.base) && internetFacing(ctx, c.base)),
    )
    .map((c) => c.head!);
}
