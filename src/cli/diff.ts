// `reachdiff diff`: two snapshots through the shared review path (review/review.ts), the report in
// the format asked for, and the verdict as the exit code.
import { existsSync } from "node:fs";
import { SEVERITIES, type Severity } from "../config/schema.js";
import { formatDiagnostic } from "../manifests/diagnostics.js";
import { diffJson } from "../report/diff-json.js";
import { diffText } from "../report/diff-text.js";
import { renderHtml } from "../report/html.js";
import { MermaidBundleMissing } from "../report/html-page.js";
import { renderComment } from "../report/markdown.js";
import { renderMermaid } from "../report/mermaid.js";
import { renderSarif } from "../report/sarif.js";
import { renderOptionsFromConfig } from "../render/options.js";
import { commentVerdict, review, type Verdict } from "../review/review.js";
import { environmentPairs, loadEnvironmentSides } from "../environments.js";
import {
  choice,
  COMMON,
  COMMON_HELP,
  CONFIG_HELP,
  CONFIG_OPTION,
  type Command,
  EXIT,
  InputError,
  readSettings,
  snapshotOptions,
  UsageError,
  writeOutput,
} from "./command.js";

const FORMATS = ["text", "json", "markdown", "mermaid", "sarif", "html"];
/** Where `diff --format html` writes when no --output is given. */
const DEFAULT_HTML_REPORT = "reachdiff-report.html";

/** The verdict as an exit code (see EXIT_HELP), said on stderr when it is not 0. */
function exitOf(verdict: Verdict, strict: boolean, anyError: boolean, failOnDefault: boolean): number {
  const say = (code: number, why: string) => {
    process.stderr.write(`reachdiff: exit ${code}: ${why}\n`);
    return code;
  };
  if (verdict.reason === "unanalysed")
    return say(EXIT.unanalysed, `nothing to analyse: ${verdict.unanalysed.join("; ")}`);
  if (verdict.reason === "unreadable" || (strict && anyError))
    return say(
      EXIT.input,
      verdict.unreadable.length
        ? `the head has ${verdict.unreadable.length} manifest problem(s) the base did not have (the first: ${formatDiagnostic(verdict.unreadable[0])})`
        : "some manifests could not be read (--strict)",
    );
  if (verdict.risky)
    return say(
      EXIT.risk,
      `the risk (${verdict.risk}) reaches fail-on ${verdict.failOn}${failOnDefault ? " (the default; set --fail-on or fail-on in the config)" : ""}`,
    );
  return EXIT.ok;
}

export const diff: Command = {
  summary: "compare two snapshots: exposure and reachability changes, and their risk",
  usage:
    "reachdiff diff --base <path|git-ref> --head <path|git-ref> [--format text|json|markdown|mermaid|sarif|html] [--output FILE] [--fail-on SEVERITY]",
  options: {
    ...COMMON,
    ...CONFIG_OPTION,
    base: { type: "string" },
    head: { type: "string" },
    paths: { type: "string", multiple: true },
    "fail-on": { type: "string" },
    format: { type: "string", short: "f", default: "text" },
    output: { type: "string", short: "o" },
  },
  help: `Compares the manifests of a base and a head (folders, or git refs of the repository in the
current directory: --base origin/main --head HEAD) and reports what changes in external exposure and
in pod-to-pod reachability, which objects caused it, and risk findings (see docs/rules.md). The
verdict is the one the GitHub App and Action give (same configuration, same rules).

      --base PATH|REF    the snapshot before the change
      --head PATH|REF    the snapshot after the change
      --paths GLOB       with git refs: which files to read (repeatable; default **/*.yaml, **/*.yml, **/*.json)
      --fail-on SEV      exit 1 when the risk is at least SEV (critical, high, medium, low, info, none;
                         default: the config's fail-on, else high)
  -f, --format FORMAT    text (default), json, markdown (the pull-request comment), mermaid (its
                         diagram), sarif (findings for code scanning) or html (the whole report with
                         the diagram drawn: one self-contained page that fetches nothing)
  -o, --output FILE      write the report to FILE instead of stdout ("-": stdout); html goes to
                         ${DEFAULT_HTML_REPORT} unless --output says otherwise
${CONFIG_HELP}
${COMMON_HELP}`,
  examples: [
    "reachdiff diff --base origin/main --head HEAD",
    "reachdiff diff --base before/ --head after/ --fail-on critical --format markdown -o comment.md",
    "reachdiff diff --base main --head HEAD --paths 'deploy/**/*.yaml' --format sarif -o reachdiff.sarif",
  ],
  run(values) {
    if (!values.base || !values.head) throw new UsageError("give --base and --head");
    const format = choice(values, "format", FORMATS);
    const output = (values.output as string | undefined) ?? (format === "html" ? DEFAULT_HTML_REPORT : "-");
    if (output === "") throw new UsageError("--output needs a file name (or - for stdout)");
    const failOnFlag = values["fail-on"] as string | undefined;
    if (failOnFlag !== undefined && failOnFlag !== "none" && !(SEVERITIES as readonly string[]).includes(failOnFlag))
      throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(", ")}, none`);
    const { config: file, keys } = readSettings(values.config as string | undefined, values.base as string);
    const config = failOnFlag ? { ...file, "fail-on": failOnFlag as Severity | "none" } : file;
    const paths = values.paths as string[] | undefined;
    const [base, head] = loadEnvironmentSides(values.base as string, values.head as string, {
      ...snapshotOptions(values, config),
      globs: paths ?? config.paths,
      render: renderOptionsFromConfig(config),
      environments: config.environments,
    });
    const globs = `the files matching ${(paths ?? config.paths).join(", ")}`;
    const what = (spec: string) => (existsSync(spec) ? spec : `${globs} at ${spec}`);
    const read = { base: what(values.base as string), head: what(values.head as string) };
    const { result, verdict } = review({ environments: environmentPairs(base, head), config, read });
    const writers: Record<string, () => string> = {
      text: () => diffText(result),
      json: () => `${JSON.stringify(diffJson(result), null, 2)}\n`,
      markdown: () => renderComment(result, { verdict: commentVerdict(verdict) }),
      mermaid: () => `${renderMermaid(result)}\n`,
      sarif: () => `${JSON.stringify(renderSarif(result), null, 2)}\n`,
      html: () => {
        try {
          return renderHtml(result, { base: values.base as string, head: values.head as string });
        } catch (e) {
          throw e instanceof MermaidBundleMissing ? new InputError(e.message) : e;
        }
      },
    };
    writeOutput(output, writers[format]());
    const anyError = [...result.diagnostics.base, ...result.diagnostics.head].some((d) => d.severity === "error");
    return exitOf(verdict, values.strict as boolean, anyError, !failOnFlag && !keys.has("fail-on"));
  },
};
