// `reachdiff deps`: the flows the manifests declare (Service addresses they call) and whether the
// policies allow them.
import { declaredFlowStates } from "../analysis/declared-flows.js";
import { exposureOf } from "../analysis/exposure-of.js";
import { depsJson, depsText } from "../report/deps-report.js";
import { snapshotCommand } from "./command.js";

export const deps = snapshotCommand({
  summary: "list the flows the configuration declares (Service addresses it calls) and whether policies allow them",
  usage: "reachdiff deps <paths...> [--format text|json]",
  help: `Lists the declared dependencies of the manifests under the paths: Services a workload names by DNS
name in its env, args or command or in a ConfigMap/Secret it reads, the targets of the ServiceMonitors
and PodMonitors a Prometheus selects and its Alertmanagers, and the webhooks and aggregated APIs the
API server calls; each with where it is declared, the pods and port it reaches, and whether the
policies allow it. Names that resolve to no Service of the manifests are not listed. Then the backends
of Ingress rules, Gateway routes and OpenShift Routes, which the controller or data plane must reach.

  -f, --format FORMAT    text (for people, default) or json`,
  examples: ["reachdiff deps manifests/", "reachdiff deps deploy/ --format json"],
  report({ cluster, config, format }) {
    const states = declaredFlowStates(cluster);
    const { exposures } = exposureOf(cluster, config);
    return {
      text:
        format === "json"
          ? `${JSON.stringify(depsJson(states, cluster, exposures), null, 2)}\n`
          : depsText(states, cluster, exposures),
    };
  },
});
