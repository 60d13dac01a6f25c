// `reachdiff reach`: the connectivity of one snapshot.
import { computeConnectivity } from "../analysis/reach.js";
import { reachJson, reachText } from "../report/reach-report.js";
import {
  choice,
  COMMON,
  COMMON_HELP,
  CONFIG_HELP,
  CONFIG_OPTION,
  type Command,
  ENVIRONMENT_HELP,
  ENVIRONMENT_OPTION,
  needPaths,
  printDiagnostics,
  readConfig,
  snapshotExit,
  readSnapshot,
} from "./command.js";

export const reach: Command = {
  summary: "show which workloads can reach which, and what can reach them from outside",
  usage: "reachdiff reach <paths...> [--format text|json]",
  options: {
    ...COMMON,
    ...CONFIG_OPTION,
    ...ENVIRONMENT_OPTION,
    format: { type: "string", short: "f", default: "text" },
  },
  help: `Reads every .yaml/.yml/.json manifest under the paths and prints the connectivity that their
NetworkPolicies (and AdminNetworkPolicies) allow: workload to workload, and between workloads and
outside addresses. Workloads are namespace/Kind/name; outside addresses are ip:<CIDR>.

  -f, --format FORMAT    text (for people, default) or json (edges with ports per protocol)
${CONFIG_HELP}
${ENVIRONMENT_HELP}
${COMMON_HELP}`,
  examples: ["reachdiff reach manifests/", "reachdiff reach deploy/ policies.yaml --format json > reach.json"],
  run(values, positionals) {
    needPaths(positionals);
    const format = choice(values, "format", ["text", "json"]);
    const config = readConfig(values.config as string | undefined);
    const cluster = readSnapshot(positionals, values, config);
    const connectivity = computeConnectivity(cluster);
    process.stdout.write(
      format === "json"
        ? `${JSON.stringify(reachJson(connectivity, cluster), null, 2)}\n`
        : reachText(connectivity, cluster),
    );
    printDiagnostics(cluster.diagnostics);
    return snapshotExit(cluster, positionals, values.strict as boolean);
  },
};
