#!/usr/bin/env node
// The `reachdiff` command: a thin front door over the shared core.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { computeConnectivity } from "./analysis/reach.js";
import { computeExposure } from "./analysis/exposure/index.js";
import { exposureJson, exposureText } from "./report/exposure-report.js";
import { explain, explanationText, UnknownEndpoint } from "./analysis/explain.js";
import { isProtocol } from "./core/port-set.js";
import { formatDiagnostic } from "./manifests/diagnostics.js";
import { reachJson, reachText } from "./report/reach-report.js";
import { declaredFlowStates } from "./analysis/declared-flows.js";
import { depsJson, depsText } from "./report/deps-report.js";
import { loadSnapshot, SideError, type SnapshotOptions } from "./snapshot.js";
import type { Cluster } from "./model/types.js";
import { analyzeEnvironments } from "./analysis/environments.js";
import { environmentPairs, loadEnvironmentSides } from "./environments.js";
import { exposureOf } from "./analysis/exposure-of.js";
import { diffJson } from "./report/diff-json.js";
import { diffText } from "./report/diff-text.js";
import { MermaidBundleMissing, renderHtml } from "./report/html.js";
import { renderComment } from "./report/markdown.js";
import { renderMermaid } from "./report/mermaid.js";
import { renderSarif } from "./report/sarif.js";
import { reaches } from "./rules/index.js";
import { rulesMarkdown, rulesText } from "./rules/catalogue.js";
import { SEVERITIES, type Config, type Severity } from "./config/schema.js";
import { ConfigError, defaultConfig, parseConfig } from "./config/load-config.js";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { renderOptionsFromConfig } from "./render/options.js";
import { isGitRef, readGitFile } from "./sources/git.js";

const DIFF_FORMATS = ["text", "json", "markdown", "mermaid", "sarif", "html"];
/** Where `diff --format html` writes when no --output is given. */
const DEFAULT_HTML_REPORT = "reachdiff-report.html";

/**
 * The settings: --config, else `.github/reachdiff.yml` of the base when the base is a git ref (a pull
 * request must not choose its own review policy or render commands), else the working tree's.
 */
function readConfig(path: string | undefined, base?: string): Config {
  if (!path && base && !existsSync(base) && isGitRef(base)) {
    const text = readGitFile(base, ".github/reachdiff.yml");
    return text === null ? defaultConfig() : parseConfig(text, `${base}:.github/reachdiff.yml`);
  }
  const file = path ?? (existsSync(".github/reachdiff.yml") ? ".github/reachdiff.yml" : undefined);
  if (!file) return defaultConfig();
  if (!existsSync(file)) throw new UsageError(`no config file ${file}`);
  return parseConfig(readFileSync(file, "utf8"), file);
}

type Options = NonNullable<ParseArgsConfig["options"]>;

const COMMON: Options = {
  namespace: { type: "string", short: "n", default: "default" },
  strict: { type: "boolean", default: false },
  "max-file-size": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
};

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly help: string;
  run(values: Record<string, unknown>, positionals: string[]): number;
}

const COMMON_HELP = `  -n, --namespace NS     namespace of objects that name none (default: default)
      --strict           exit 2 when any manifest could not be read
      --max-file-size N  skip files over N bytes (default 16777216)
  -h, --help             show this help`;

function snapshotOptions(values: Record<string, unknown>): SnapshotOptions {
  const max = values["max-file-size"] as string | undefined;
  return { defaultNamespace: values.namespace as string, maxFileBytes: max ? Number(max) : undefined };
}

function reportDiagnostics(cluster: Cluster, strict: boolean): number {
  for (const d of cluster.diagnostics) if (d.severity !== "info") process.stderr.write(`${formatDiagnostic(d)}\n`);
  return strict && cluster.diagnostics.some((d) => d.severity === "error") ? 2 : 0;
}

/** The report to stdout ("-") or to a file (its folder created), saying on stderr where it went. */
function writeOutput(output: string, text: string): void {
  if (output === "-") {
    process.stdout.write(text);
    return;
  }
  try {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text);
  } catch (e) {
    throw new UsageError(`cannot write ${output}: ${(e as Error).message}`);
  }
  process.stderr.write(`reachdiff: wrote ${output}\n`);
}

function needPaths(positionals: string[]): void {
  if (positionals.length === 0) throw new UsageError("give at least one file or folder of manifests");
}

class UsageError extends Error {}

const COMMANDS: Record<string, Command> = {
  reach: {
    summary: "show which workloads can reach which, and what can reach them from outside",
    usage: "reachdiff reach <paths...> [--format text|json]",
    options: { ...COMMON, format: { type: "string", short: "f", default: "text" } },
    help: `Reads every .yaml/.yml/.json manifest under the paths and prints the connectivity that their
NetworkPolicies (and AdminNetworkPolicies) allow: workload to workload, and between workloads and
outside addresses. Workloads are namespace/Kind/name; outside addresses are ip:<CIDR>.

  -f, --format FORMAT    text (for people, default) or json (edges with ports per protocol)
${COMMON_HELP}`,
    run(values, positionals) {
      needPaths(positionals);
      const format = values.format as string;
      if (format !== "text" && format !== "json")
        throw new UsageError(`unknown format ${JSON.stringify(format)} (text or json)`);
      const cluster = loadSnapshot(positionals, snapshotOptions(values));
      const connectivity = computeConnectivity(cluster);
      process.stdout.write(
        format === "json"
          ? `${JSON.stringify(reachJson(connectivity, cluster), null, 2)}\n`
          : reachText(connectivity, cluster),
      );
      return reportDiagnostics(cluster, values.strict as boolean);
    },
  },
  deps: {
    summary: "list the flows the configuration declares (Service addresses it calls) and whether policies allow them",
    usage: "reachdiff deps <paths...> [--format text|json] [--config FILE]",
    options: {
      ...COMMON,
      format: { type: "string", short: "f", default: "text" },
      config: { type: "string", short: "c" },
    },
    help: `Lists the declared dependencies of the manifests under the paths: Services a workload names by DNS
name in its env, args or command or in a ConfigMap/Secret it reads, the targets of the ServiceMonitors
and PodMonitors a Prometheus selects and its Alertmanagers, and the webhooks and aggregated APIs the
API server calls; each with where it is declared, the pods and port it reaches, and whether the
policies allow it. Names that resolve to no Service of the manifests are not listed. Then the backends
of Ingress rules, Gateway routes and OpenShift Routes, which the controller or data plane must reach.

  -f, --format FORMAT    text (for people, default) or json
  -c, --config FILE      settings (ingress controller, ...; default .github/reachdiff.yml)
${COMMON_HELP}`,
    run(values, positionals) {
      needPaths(positionals);
      const format = values.format as string;
      if (format !== "text" && format !== "json")
        throw new UsageError(`unknown format ${JSON.stringify(format)} (text or json)`);
      const cluster = loadSnapshot(positionals, snapshotOptions(values));
      const states = declaredFlowStates(cluster);
      const { exposures } = exposureOf(cluster, readConfig(values.config as string | undefined));
      process.stdout.write(
        format === "json"
          ? `${JSON.stringify(depsJson(states, cluster, exposures), null, 2)}\n`
          : depsText(states, cluster, exposures),
      );
      return reportDiagnostics(cluster, values.strict as boolean);
    },
  },
  diff: {
    summary: "compare two snapshots: exposure and reachability changes, and their risk",
    usage:
      "reachdiff diff --base <path|git-ref> --head <path|git-ref> [--format text|json|markdown|mermaid|sarif|html] [--output FILE] [--fail-on SEVERITY]",
    options: {
      ...COMMON,
      base: { type: "string" },
      head: { type: "string" },
      paths: { type: "string", multiple: true },
      config: { type: "string", short: "c" },
      "fail-on": { type: "string" },
      format: { type: "string", short: "f", default: "text" },
      output: { type: "string", short: "o" },
    },
    help: `Compares the manifests of a base and a head (folders, or git refs of the repository in the
current directory: --base origin/main --head HEAD) and reports what changes in external exposure and
in pod-to-pod reachability, which objects caused it, and risk findings (see docs/rules.md).

      --base PATH|REF    the snapshot before the change
      --head PATH|REF    the snapshot after the change
      --paths GLOB       with git refs: which files to read (repeatable; default **/*.yaml, **/*.yml, **/*.json)
  -c, --config FILE      settings (default: .github/reachdiff.yml when present)
      --fail-on SEV      exit 1 when the risk is at least SEV (critical, high, medium, low, info, none)
  -f, --format FORMAT    text (default), json, markdown (the pull-request comment), mermaid (its
                         diagram), sarif (findings for code scanning) or html (the whole report with
                         the diagram drawn: one self-contained page that fetches nothing)
  -o, --output FILE      write the report to FILE instead of stdout ("-": stdout); html goes to
                         ${DEFAULT_HTML_REPORT} unless --output says otherwise
${COMMON_HELP}`,
    run(values) {
      if (!values.base || !values.head) throw new UsageError("give --base and --head");
      const format = values.format as string;
      if (!DIFF_FORMATS.includes(format))
        throw new UsageError(`unknown format ${JSON.stringify(format)} (${DIFF_FORMATS.join(", ")})`);
      const output = (values.output as string | undefined) ?? (format === "html" ? DEFAULT_HTML_REPORT : "-");
      if (output === "") throw new UsageError("--output needs a file name (or - for stdout)");
      const config = readConfig(values.config as string | undefined, values.base as string);
      const failOn = (values["fail-on"] as string | undefined) ?? config["fail-on"];
      if (failOn !== "none" && !(SEVERITIES as readonly string[]).includes(failOn))
        throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(", ")}, none`);
      const options = {
        ...snapshotOptions(values),
        defaultNamespace: values.namespace === "default" ? config["default-namespace"] : (values.namespace as string),
        globs: (values.paths as string[] | undefined) ?? config.paths,
        render: renderOptionsFromConfig(config),
      };
      const [baseEnvs, headEnvs] = loadEnvironmentSides(values.base as string, values.head as string, {
        ...options,
        environments: config.environments,
      });
      const result = analyzeEnvironments(environmentPairs(baseEnvs, headEnvs), config, exposureOf);
      const base = { diagnostics: baseEnvs.flatMap((e) => e.cluster.diagnostics) };
      const head = { diagnostics: headEnvs.flatMap((e) => e.cluster.diagnostics) };
      const writers: Record<string, () => string> = {
        text: () => diffText(result),
        json: () => `${JSON.stringify(diffJson(result), null, 2)}\n`,
        markdown: () => renderComment(result),
        mermaid: () => `${renderMermaid(result)}\n`,
        sarif: () => `${JSON.stringify(renderSarif(result), null, 2)}\n`,
        html: () => {
          try {
            return renderHtml(result, { base: values.base as string, head: values.head as string });
          } catch (e) {
            throw e instanceof MermaidBundleMissing ? new UsageError(e.message) : e;
          }
        },
      };
      writeOutput(output, writers[format]());
      const strict =
        values.strict && [...base.diagnostics, ...head.diagnostics].some((d) => d.severity === "error") ? 2 : 0;
      return strict || (reaches(result.risk, failOn as Severity | "none") ? 1 : 0);
    },
  },
  rules: {
    summary: "list the risk rules (the catalogue behind every finding)",
    usage: "reachdiff rules [--format text|markdown]",
    options: { help: COMMON.help, format: { type: "string", short: "f", default: "text" } },
    help: `Lists every rule with its id, default severity and title; --format markdown prints docs/rules.md.

  -f, --format FORMAT    text (default) or markdown
  -h, --help             show this help`,
    run(values) {
      process.stdout.write(values.format === "markdown" ? rulesMarkdown() : rulesText());
      return 0;
    },
  },
  explain: {
    summary: "explain which policies and rules allow or deny one connection",
    usage: "reachdiff explain <paths...> --from ID --to ID [--port N] [--protocol TCP|UDP|SCTP]",
    options: {
      ...COMMON,
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
${COMMON_HELP}`,
    run(values, positionals) {
      needPaths(positionals);
      if (!values.from || !values.to) throw new UsageError("give --from and --to");
      const protocol = String(values.protocol).toUpperCase();
      if (!isProtocol(protocol))
        throw new UsageError(`unknown protocol ${JSON.stringify(values.protocol)} (TCP, UDP or SCTP)`);
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
        throw new UsageError(`--port must be 1..65535`);
      const cluster = loadSnapshot(positionals, snapshotOptions(values));
      const asked = port !== undefined || values.protocol !== "TCP" ? { protocol, port } : undefined;
      const result = explain(cluster, values.from as string, values.to as string, asked);
      process.stdout.write(values.format === "json" ? `${JSON.stringify(result, null, 2)}\n` : explanationText(result));
      return reportDiagnostics(cluster, values.strict as boolean);
    },
  },
  exposure: {
    summary: "show what outside traffic reaches which pods, through which entry points",
    usage: "reachdiff exposure <paths...> [--format text|json] [--ingress-namespace NS]",
    options: {
      ...COMMON,
      format: { type: "string", short: "f", default: "text" },
      "ingress-namespace": { type: "string", default: "ingress-nginx" },
    },
    help: `Follows every entry point (LoadBalancer, NodePort, externalIPs, Ingress, Gateway API routes,
OpenShift Routes) to the Service port, the targetPort and the container port of the selected pods, and
checks whether those pods' NetworkPolicies let the traffic in. Also lists routes and Services that
reach no pod.

  -f, --format FORMAT        text (for people, default) or json
      --ingress-namespace NS namespace of the ingress controller pods (default: ingress-nginx)
${COMMON_HELP}`,
    run(values, positionals) {
      needPaths(positionals);
      const format = values.format as string;
      if (format !== "text" && format !== "json")
        throw new UsageError(`unknown format ${JSON.stringify(format)} (text or json)`);
      const cluster = loadSnapshot(positionals, snapshotOptions(values));
      const result = computeExposure(cluster, {
        ingressController: { namespace: values["ingress-namespace"] as string },
      });
      process.stdout.write(
        format === "json"
          ? `${JSON.stringify(exposureJson(result, cluster.diagnostics), null, 2)}\n`
          : exposureText(result, cluster.diagnostics),
      );
      return reportDiagnostics(
        { ...cluster, diagnostics: [...cluster.diagnostics, ...result.diagnostics] },
        values.strict as boolean,
      );
    },
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `reachdiff: what a change to Kubernetes manifests does to exposure and reachability

Usage: reachdiff <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join("\n")}

Run 'reachdiff <command> --help' for a command's options.
`;
}

export function main(argv: string[]): number {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`reachdiff: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`);
    return 64;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`Usage: ${command.usage}\n\n${command.help}\n`);
      return 0;
    }
    return command.run(values as Record<string, unknown>, positionals);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof UnknownEndpoint ||
      e instanceof ConfigError ||
      e instanceof SideError ||
      (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      process.stderr.write(`reachdiff ${name}: ${(e as Error).message}\nUsage: ${command.usage}\n`);
      return 64;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
