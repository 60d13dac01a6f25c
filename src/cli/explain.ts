// `reachdiff explain`: which policies and rules decide one connection.
import { explain as explainConnection } from "../analysis/explain.js";
import { explanationText } from "../report/explain-text.js";
import { isProtocol } from "../core/port-set.js";
import { snapshotCommand, UsageError } from "./command.js";

export const explain = snapshotCommand({
  summary: "explain which policies and rules allow or deny one connection",
  usage: "reachdiff explain <paths...> --from ID --to ID [--port N] [--protocol TCP|UDP|SCTP]",
  options: {
    from: { type: "string" },
    to: { type: "string" },
    port: { type: "string", short: "p" },
    protocol: { type: "string", default: "TCP" },
  },
  help: `Shows, for each direction (egress of the source, ingress of the destination), the admin-tier
rules, NetworkPolicies and baseline rules that decide the traffic, with file:line.

      --from ID          source: namespace/Kind/name, or ip:<address or CIDR>
      --to ID            destination, likewise
  -p, --port N           only this destination port (default: every port)
      --protocol P       TCP (default), UDP or SCTP
  -f, --format FORMAT    text (default) or json`,
  examples: [
    "reachdiff explain manifests/ --from shop/Deployment/web --to shop/StatefulSet/db --port 5432",
    "reachdiff explain manifests/ --from ip:203.0.113.7 --to shop/Deployment/web --format json",
  ],
  parse(values) {
    if (!values.from || !values.to) throw new UsageError("give --from and --to");
    const protocol = String(values.protocol).toUpperCase();
    if (!isProtocol(protocol))
      throw new UsageError(`unknown protocol ${JSON.stringify(values.protocol)} (TCP, UDP or SCTP)`);
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
      throw new UsageError(`--port must be 1..65535`);
    const asked = port !== undefined || values.protocol !== "TCP" ? { protocol, port } : undefined;
    return { from: values.from as string, to: values.to as string, asked };
  },
  report({ cluster, format, own }) {
    // No workload to name: nothing to explain (the exit code says so).
    if (cluster.objects === 0) return undefined;
    const result = explainConnection(cluster, own.from, own.to, own.asked);
    return { text: format === "json" ? `${JSON.stringify(result, null, 2)}\n` : explanationText(result) };
  },
});
