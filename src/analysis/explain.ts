// Why a connection is allowed or denied: the policies and rules that decided each direction.
import { parseCidr, CidrError } from "../core/ip.js";
import { ConnSet, PortSet, type Protocol } from "../core/port-set.js";
import type { Cluster, Dependency } from "../model/types.js";
import { PolicyEvaluator, type Endpoint, type Step } from "./policy-eval.js";
import { podClasses } from "./reach.js";

export interface Explanation {
  readonly from: string;
  readonly to: string;
  /** The traffic asked about (every port when no port was given). */
  readonly asked: ConnSet;
  readonly allowed: ConnSet;
  readonly egress: { readonly conns: ConnSet; readonly steps: readonly ExplainStep[] } | null;
  readonly ingress: { readonly conns: ConnSet; readonly steps: readonly ExplainStep[] } | null;
  /** Where the configuration declares this flow (model/dependencies.ts): the reason it should work. */
  readonly declared: readonly Dependency[];
}

/** A step of the decision, limited to the traffic asked about; `ruleConns` is all the step's rule allowed. */
export type ExplainStep = Step & { readonly ruleConns: ConnSet };

export class UnknownEndpoint extends Error {}

function endpoint(cluster: Cluster, classes: ReturnType<typeof podClasses>, id: string): Endpoint {
  if (id.startsWith("ip:")) {
    const text = id.slice(3);
    try {
      return {
        type: "ip",
        interval: parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`),
      };
    } catch (e) {
      if (e instanceof CidrError) throw new UnknownEndpoint(`${id}: ${e.message}`);
      throw e;
    }
  }
  const cls = classes.find((c) => c.members.some((w) => w.id === id));
  if (!cls) {
    const near = cluster.workloads.filter((w) => w.id.endsWith(`/${id.split("/").pop()}`)).map((w) => w.id);
    throw new UnknownEndpoint(
      `no workload ${id}${near.length ? `; did you mean ${near.join(" or ")}?` : ""} (ids are namespace/Kind/name, or ip:<address or CIDR>)`,
    );
  }
  return { type: "pods", pods: cls };
}

export function explain(
  cluster: Cluster,
  from: string,
  to: string,
  port?: { protocol: Protocol; port?: number },
): Explanation {
  const classes = podClasses(cluster);
  const src = endpoint(cluster, classes, from);
  const dst = endpoint(cluster, classes, to);
  const evaluator = new PolicyEvaluator(cluster);
  const asked = port ? ConnSet.ports(port.protocol, port.port ? PortSet.range(port.port) : PortSet.ALL) : ConnSet.ALL;
  const side = (direction: "egress" | "ingress") => {
    const subject = direction === "egress" ? src : dst;
    const other = direction === "egress" ? dst : src;
    if (subject.type !== "pods") return null; // outside addresses have no policies of ours
    const steps: Step[] = [];
    const conns = evaluator.evaluate(direction, subject.pods, other, steps).intersect(asked);
    // Keep a NetworkPolicy rule that matched the peer on other ports: it is why the asked port is denied.
    const shown = steps
      .map((s) => ({ ...s, conns: s.conns.intersect(asked), ruleConns: s.conns }))
      .filter(
        (s) =>
          s.verdict === "isolate" ||
          !s.conns.isEmpty() ||
          ((s.tier === "networkpolicy" || s.tier === "cilium" || s.tier === "istio") && !s.ruleConns.isEmpty()),
      );
    return { conns, steps: shown };
  };
  const egress = side("egress");
  const ingress = side("ingress");
  let allowed = asked;
  if (egress) allowed = allowed.intersect(egress.conns);
  if (ingress) allowed = allowed.intersect(ingress.conns);
  const declared = cluster.dependencies.filter(
    (d) =>
      d.from === from &&
      d.targets.some(
        (t) => t.workload === to && !asked.intersect(ConnSet.ports(t.protocol, PortSet.range(t.port))).isEmpty(),
      ),
  );
  return { from, to, asked, allowed, egress, ingress, declared };
}
