// `reachdiff explain`: which policies and rules decide one connection.
import { explain as explainConnection } from "../analysis/explain.js";
import { explanationText } from "../report/explain-text.js";
import { isProtocol } from "../core/port-set.js";
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
  UsageError,
} from "./command.js";

export const explain: Command = {
  summary: "explain which policies and rules allow or deny one connection",
  usage: "reachdiff explain <paths...> --from ID --to ID [--port N] [--protocol TCP|UDP|SCTP]",
  options: {
    ...COMMON,
    ...CONFIG_OPTION,
    ...ENVIRONMENT_OPTION,
    from: { type: "string" },
    to: { type: "string" },
    port: { type: "string", short: "p" },
    protocol: { type: "string", default: "TCP" },
    format: { type: "string", short: "f", default: "text" },
  },
  help: `Shows, for each direction (egress of the source, ingress of the destination), the admin-tier
rules, NetworkPolicies and baseline rules that decide the traffic, with file:line.

      --from ID          source: namespace/Kind/name, or ip:<address or CIDR>
      --to ID            destination, likewise
  -p, --port N           only this destination port (default: every port)
      --protocol P       TCP (default), UDP or SCTP
  -f, --format FORMAT    text (default) or json
${CONFIG_HELP}
${ENVIRONMENT_HELP}
${COMMON_HELP}`,
  examples: [
    "reachdiff explain manifests/ --from shop/Deployment/web --to shop/StatefulSet/db --port 5432",
    "reachdiff explain manifests/ --from ip:203.0.113.7 --to shop/Deployment/web --format json",
  ],
  run(values, positionals) {
    needPaths(positionals);
    if (!values.from || !values.to) throw new UsageError("give --from and --to");
    const format = choice(values, "format", ["text", "json"]);
    const protocol = String(values.protocol).toUpperCase();
    if (!isProtocol(protocol))
      throw new UsageError(`unknown protocol ${JSON.stringify(values.protocol)} (TCP, UDP or SCTP)`);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
      throw new UsageError(`--port must be 1..65535`);
    const config = readConfig(values.config as string | undefined);
    const cluster = readSnapshot(positionals, values, config);
    const nothing = snapshotExit(cluster, positionals, false);
    if (nothing) return nothing;
    const asked = port !== undefined || values.protocol !== "TCP" ? { protocol, port } : undefined;
    const result = explainConnection(cluster, values.from as string, values.to as string, asked);
    process.stdout.write(format === "json" ? `${JSON.stringify(result, null, 2)}\n` : explanationText(result));
    printDiagnostics(cluster.diagnostics);
    return snapshotExit(cluster, positionals, values.strict as boolean);
  },
};
