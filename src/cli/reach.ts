// `reachdiff reach`: the connectivity of one snapshot.
import { computeConnectivity } from "../analysis/reach.js";
import { reachJson, reachText } from "../report/reach-report.js";
import { snapshotCommand } from "./command.js";

export const reach = snapshotCommand({
  summary: "show which workloads can reach which, and what can reach them from outside",
  usage: "reachdiff reach <paths...> [--format text|json]",
  help: `Reads every .yaml/.yml/.json manifest under the paths and prints the connectivity that their
NetworkPolicies (and AdminNetworkPolicies) allow: workload to workload, and between workloads and
outside addresses. Workloads are namespace/Kind/name; outside addresses are ip:<CIDR>.

  -f, --format FORMAT    text (for people, default) or json (edges with ports per protocol)`,
  examples: ["reachdiff reach manifests/", "reachdiff reach deploy/ policies.yaml --format json > reach.json"],
  report({ cluster, format }) {
    const connectivity = computeConnectivity(cluster);
    return {
      text:
        format === "json"
          ? `${JSON.stringify(reachJson(connectivity, cluster), null, 2)}\n`
          : reachText(connectivity, cluster),
    };
  },
});
