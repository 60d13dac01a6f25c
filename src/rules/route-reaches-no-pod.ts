import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "route-reaches-no-pod",
  severity: "medium",
  title: "Service or route reaches no pod",
  explanation:
    "A Service selects no pod, its named targetPort matches no container port, or a route is not accepted or points at a missing backend: requests to it fail.",
  fix: "Make the Service selector match the pod template labels and the targetPort name match a container port name; check the route's parentRefs and backendRefs.",
  check(ctx) {
    const before = new Set(ctx.base.broken.map((b) => `${b.ref}\u0000${b.reason}`));
    return ctx.head.broken
      .filter((b) => !before.has(`${b.ref}\u0000${b.reason}`))
      .map((b) => ({ message: `${b.ref}: ${b.reason}`, objects: [b.ref], file: b.file, line: b.line }));
  },
};
