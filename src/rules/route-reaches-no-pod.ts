import type { Rule } from "./rule.js";
import { entryName, exposureIdentity } from "./helpers.js";
import type { Service, Workload } from "../model/types.js";

export const rule: Rule = {
  id: "route-reaches-no-pod",
  severity: "medium",
  title: "Service or route reaches no pod",
  explanation:
    "A Service selects no pod, its named targetPort matches no container port, a route is not accepted or points at a missing backend, or a new entry point is blocked by NetworkPolicy from the start: requests to it fail.",
  fix: "Make the Service selector match the pod template labels and the targetPort name match a container port name; check the route's parentRefs and backendRefs.",
  messages: {
    broken: "{{ref}}: {{reason}}",
    blocked: "{{entry}} cannot reach {{workload}} on {{port}}: blocked by {{policy}}",
    orphaned: "{{service}} no longer selects any pod (selector {{selector}})",
  },
  check(ctx) {
    const before = new Set(ctx.base.broken.map((b) => `${b.ref}\u0000${b.reason}`));
    const broken = ctx.head.broken
      .filter((b) => !before.has(`${b.ref}\u0000${b.reason}`))
      .map((b) => ({
        messageId: "broken",
        data: { ref: b.ref, reason: b.reason },
        objects: [b.ref],
        key: [b.reason],
        file: b.file,
        line: b.line,
      }));
    // A new entry point that NetworkPolicy blocks from the start reaches no pod either.
    const blocked = ctx.exposures
      .filter((c) => c.change === "added" && c.head && c.head.blockedBy !== null)
      .map((c) => ({
        messageId: "blocked",
        data: {
          entry: entryName(c.head!),
          workload: c.head!.workload,
          port: `${c.head!.protocol} ${c.head!.port}`,
          policy: c.head!.blockedBy!,
        },
        objects: [c.head!.via.ref, c.head!.workload, c.head!.blockedBy!],
        key: exposureIdentity(c.head!),
        file: c.head!.file,
        line: c.head!.line,
      }));
    // A Service (of any type) whose selector matched pods in base and matches none in head.
    // Workloads by namespace, once per side: a Service only selects pods of its own namespace.
    const byNamespace = new Map<typeof ctx.head, Map<string, Workload[]>>();
    const workloadsIn = (side: typeof ctx.head, namespace: string) => {
      let index = byNamespace.get(side);
      if (!index) {
        byNamespace.set(side, (index = new Map()));
        for (const w of side.cluster.workloads) {
          const list = index.get(w.namespace);
          if (list) list.push(w);
          else index.set(w.namespace, [w]);
        }
      }
      return index.get(namespace) ?? [];
    };
    const selects = (side: typeof ctx.head, svc: Service) =>
      svc.selector !== null &&
      workloadsIn(side, svc.namespace).some((w) => Object.entries(svc.selector!).every(([k, v]) => w.labels[k] === v));
    const baseServices = new Map(ctx.base.cluster.services.map((s) => [s.id, s]));
    const reported = new Set(broken.map((b) => b.objects[0]));
    const orphaned = ctx.head.cluster.services
      .filter((svc) => !reported.has(svc.id) && svc.selector !== null && !selects(ctx.head, svc))
      .filter((svc) => {
        const before = baseServices.get(svc.id);
        return !!before && selects(ctx.base, before);
      })
      .map((svc) => ({
        messageId: "orphaned",
        data: {
          service: svc.id,
          selector: Object.entries(svc.selector!)
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
        },
        objects: [svc.id],
        file: svc.source.file,
        line: svc.source.lineOf(["spec", "selector"]),
      }));
    return [...broken, ...blocked, ...orphaned];
  },
};
