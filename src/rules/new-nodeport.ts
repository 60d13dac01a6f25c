import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "new-nodeport",
  severity: "medium",
  title: "New NodePort",
  explanation:
    "A NodePort listens on every node's address. Anyone who can reach a node can reach the Service, and loadBalancerSourceRanges do not filter it.",
  fix: "Prefer a ClusterIP Service behind an Ingress or Gateway; for a LoadBalancer that needs no node ports set allocateLoadBalancerNodePorts: false.",
  messages: {
    opens: "{{service}} opens a node port ({{ports}}) on every node",
    allocated: "{{service}} opens a node port on every node",
  },
  check(ctx) {
    const seen = new Map<string, { file: string; line: number; ports: Set<number> }>();
    for (const c of ctx.exposures) {
      if (c.change !== "added" || !c.head || c.head.via.kind !== "NodePort") continue;
      const entry = seen.get(c.head.via.ref) ?? { file: c.head.file, line: c.head.line, ports: new Set() };
      if (c.head.via.entryPort) entry.ports.add(c.head.via.entryPort);
      seen.set(c.head.via.ref, entry);
    }
    return [...seen].map(([ref, e]) => ({
      messageId: e.ports.size ? "opens" : "allocated",
      data: {
        service: ref,
        ports: [...e.ports].sort((a, b) => a - b).map((p) => `:${p}`),
      },
      objects: [ref],
      file: e.file,
      line: e.line,
    }));
  },
};
