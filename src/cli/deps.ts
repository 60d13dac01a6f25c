// `reachdiff deps`: the flows the manifests declare (Service addresses they call) and whether the
// policies allow them.
import { declaredFlowStates } from "../analysis/declared-flows.js";
import { exposureOf } from "../analysis/exposure-of.js";
import { depsJson, depsText } from "../report/deps-report.js";
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

export const deps: Command = {
  summary: "list the flows the configuration declares (Service addresses it calls) and whether policies allow them",
  usage: "reachdiff deps <paths...> [--format text|json]",
  options: {
    ...COMMON,
    ...CONFIG_OPTION,
    ...ENVIRONMENT_OPTION,
    format: { type: "string", short: "f", default: "text" },
  },
  help: `Lists the declared dependencies of the manifests under the paths: Services a workload names by DNS
name in its env, args or command or in a ConfigMap/Secret it reads, the targets of the ServiceMonitors
and PodMonitors a Prometheus selects and its Alertmanagers, and the webhooks and aggregated APIs the
API server calls; each with where it is declared, the pods and port it reaches, and whether the
policies allow it. Names that resolve to no Service of the manifests are not listed. Then the backends
of Ingress rules, Gateway routes and OpenShift Routes, which the controller or data plane must reach.

  -f, --format FORMAT    text (for people, default) or json
${CONFIG_HELP}
${ENVIRONMENT_HELP}
${COMMON_HELP}`,
  examples: ["reachdiff deps manifests/", "reachdiff deps deploy/ --format json"],
  run(values, positionals) {
    needPaths(positionals);
    const format = choice(values, "format", ["text", "json"]);
    const config = readConfig(values.config as string | undefined);
    const cluster = readSnapshot(positionals, values, config);
    const states = declaredFlowStates(cluster);
    const { exposures } = exposureOf(cluster, config);
    process.stdout.write(
      format === "json"
        ? `${JSON.stringify(depsJson(states, cluster, exposures), null, 2)}\n`
        : depsText(states, cluster, exposures),
    );
    printDiagnostics(cluster.diagnostics);
    return snapshotExit(cluster, positionals, values.strict as boolean);
  },
};
