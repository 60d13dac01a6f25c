// `reachdiff exposure`: what outside traffic reaches which pods, under the same settings as `diff`.
import { exposureOf } from "../analysis/exposure-of.js";
import { exposureJson, exposureText } from "../report/exposure-report.js";
import { snapshotCommand } from "./command.js";

export const exposure = snapshotCommand({
  summary: "show what outside traffic reaches which pods, through which entry points",
  usage: "reachdiff exposure <paths...> [--format text|json] [--ingress-namespace NS]",
  options: { "ingress-namespace": { type: "string" } },
  help: `Follows every entry point (LoadBalancer, NodePort, externalIPs, Ingress, Gateway API routes,
OpenShift Routes) to the Service port, the targetPort and the container port of the selected pods, and
checks whether those pods' NetworkPolicies let the traffic in. Also lists routes and Services that
reach no pod. The config's ingress-controller, gateway and sensitive-ports settings apply, as in diff.

  -f, --format FORMAT        text (for people, default) or json
      --ingress-namespace NS namespace of the ingress controller pods (default: the config's
                             ingress-controller.namespace, else ingress-nginx)`,
  examples: ["reachdiff exposure manifests/", "reachdiff exposure deploy/ --ingress-namespace traefik --format json"],
  report({ cluster, config: file, values, format }) {
    // --ingress-namespace decides only where the controller's pods are, not how the snapshot is read.
    const namespace = values["ingress-namespace"] as string | undefined;
    const config = namespace ? { ...file, "ingress-controller": { ...file["ingress-controller"], namespace } } : file;
    const result = exposureOf(cluster, config);
    return {
      text:
        format === "json"
          ? `${JSON.stringify(exposureJson(result, cluster.diagnostics), null, 2)}\n`
          : exposureText(result),
      diagnostics: result.diagnostics,
    };
  },
});
