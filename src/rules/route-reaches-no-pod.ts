import type { Rule } from "./rule.js";
import { entryName } from "./helpers.js";

export const rule: Rule = {
  id: "route-reaches-no-pod",
  severity: "medium",
  title: "Service or route reaches no pod",
  explanation:
    "A Service selects no pod, its named targetPort matches no container port, a route is not accepted or points at a missing backend, or a new entry point is blocked by NetworkPolicy from the start: requests to it fail.",
  fix: "Make the Service selector match the pod template labels and the targetPort name match a container port name; check the route's parentRefs and backendRefs.",
  check(ctx) {
    const before = new Set(ctx.base.broken.map((b) => `${b.ref}\u0000${b.reason}`));
    const broken = ctx.head.broken
      .filter((b) => !before.has(`${b.ref}\u0000${b.reason}`))
      .map((b) => ({ message: `${b.ref}: ${b.reason}`, objects: [b.ref], file: b.file, line: b.line }));
    // A new entry point that NetworkPolicy blocks from the start reaches no pod either.
    const blocked = ctx.exposures
      .filter((c) => c.change === "added" && c.head && c.head.blockedBy !== null)
      .map((c) => ({
        message: `${entryName(c.head!)} cannot reach ${c.head!.workload} on ${c.head!.protocol} ${c.head!.port}: blocked by ${c.head!.blockedBy}`,
        objects: [c.head!.via.ref, c.head!.workload, c.head!.blockedBy!],
        file: c.head!.file,
        line: c.head!.line,
      }));
    return [...broken, ...blocked];
  },
};
