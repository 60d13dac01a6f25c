// `reachdiff exposure`: what outside traffic reaches which pods, under the same settings as `diff`.
import { exposureOf } from "../analysis/exposure-of.js";
import { exposureJson, exposureText } from "../report/exposure-report.js";
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

export const exposure: Command = {
  summary: "show what outside traffic reaches which pods, through which entry points",
  usage: "reachdiff exposure <paths...> [--format text|json] [--ingress-namespace NS]",
  options: {
    ...COMMON,
    ...CONFIG_OPTION,
    ...ENVIRONMENT_OPTION,
    format: { type: "string", short: "f", default: "text" },
    "ingress-namespace": { type: "string" },
  },
  help: `Follows every entry point (LoadBalancer, NodePort, externalIPs, Ingress, Gateway API routes,
OpenShift Routes) to the Service port, the targetPort and the container port of the selected pods, and
checks whether those pods' NetworkPolicies let the traffic in. Also lists routes and Services that
reach no pod. The config's ingress-controller, gateway and sensitive-ports settings apply, as in diff.

  -f, --format FORMAT        text (for people, default) or json
      --ingress-namespace NS namespace of the ingress controller pods (default: the config's
                             ingress-controller.namespace, else ingress-nginx)
${CONFIG_HELP}
${ENVIRONMENT_HELP}
${COMMON_HELP}`,
  examples: ["reachdiff exposure manifests/", "reachdiff exposure deploy/ --ingress-namespace traefik --format json"],
  run(values, positionals) {
    needPaths(positionals);
    const format = choice(values, "format", ["text", "json"]);
    const file = readConfig(values.config as string | undefined);
    const namespace = values["ingress-namespace"] as string | undefined;
    const config = namespace ? { ...file, "ingress-controller": { ...file["ingress-controller"], namespace } } : file;
    const cluster = readSnapshot(positionals, values, config);
    const result = exposureOf(cluster, config);
    const diagnostics = [...cluster.diagnostics, ...result.diagnostics];
    process.stdout.write(
      format === "json"
        ? `${JSON.stringify(exposureJson(result, cluster.diagnostics), null, 2)}\n`
        : exposureText(result),
    );
    printDiagnostics(diagnostics);
    return snapshotExit({ ...cluster, diagnostics }, positionals, values.strict as boolean);
  },
};
