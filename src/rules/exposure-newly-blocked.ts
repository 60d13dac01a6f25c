import type { Rule } from "./rule.js";
import { entryName, exposureIdentity } from "./helpers.js";

export const rule: Rule = {
  id: "exposure-newly-blocked",
  severity: "high",
  title: "Published entry point newly blocked by NetworkPolicy",
  explanation:
    "Traffic through a load balancer, ingress or gateway used to reach the pods and a policy now drops it: the service goes down for its users while every object still looks healthy.",
  fix: "Allow the ingress controller's or gateway's pods (or the node/client ranges for LoadBalancer and NodePort) in the destination's NetworkPolicy.",
  messages: { blocked: "{{entry}} no longer reaches {{workload}} on {{port}}: blocked by {{policy}}" },
  check(ctx) {
    return ctx.exposures
      .filter(
        (c) => c.change === "changed" && c.head && c.base && c.base.blockedBy === null && c.head.blockedBy !== null,
      )
      .map((c) => {
        const policy = ctx.locate(c.head!.blockedBy!);
        return {
          messageId: "blocked",
          data: {
            entry: entryName(c.head!),
            workload: c.head!.workload,
            port: `${c.head!.protocol} ${c.head!.port}`,
            policy: c.head!.blockedBy!,
          },
          objects: [c.head!.workload, c.head!.blockedBy!],
          key: exposureIdentity(c.head!),
          file: policy?.file ?? c.head!.file,
          line: policy?.line ?? c.head!.line,
        };
      });
  },
};
