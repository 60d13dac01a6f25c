// One `reachdiff diff --base <dir> --head <dir> --format json`, timed phase by phase, in a process of
// its own so that the peak RSS is this diff's alone. It makes the same calls as the CLI's diff
// command (src/cli/) and renders the pull-request comment as a review does; then, in the same
// process, times the floor: a plain `yaml` parse (parseAllDocuments + toJS, default options) of one
// side's files.
//
//   node --expose-gc bench/measure.ts --base DIR --head DIR [--out FILE]
//
// Prints one JSON line: phase times (ms), peak RSS (MB), classes, result counts.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { parseAllDocuments } from "yaml";
import type * as ReviewModule from "../src/review/review.ts";
import type * as ConfigModule from "../src/config/load-config.ts";
import type * as DiagnosticsModule from "../src/manifests/diagnostics.ts";
import type * as LoadModule from "../src/manifests/load.ts";
import type * as BuildModule from "../src/model/build.ts";
import type * as SnapshotModule from "../src/snapshot.ts";
import type * as DiffJsonModule from "../src/report/diff-json.ts";
import type * as MarkdownModule from "../src/report/markdown.ts";
import type * as SelectorModule from "../src/core/label-selector.ts";
import type { Cluster } from "../src/model/types.ts";

const ENGINE = new URL("../build/src/", import.meta.url);
const engine = async <T>(path: string): Promise<T> => (await import(new URL(path, ENGINE).href)) as T;
const { diffClusters } = await engine<typeof ReviewModule>("review/review.js");
const { defaultConfig } = await engine<typeof ConfigModule>("config/load-config.js");
const { Diagnostics } = await engine<typeof DiagnosticsModule>("manifests/diagnostics.js");
const { readManifestFiles, parseManifestFiles } = await engine<typeof LoadModule>("manifests/load.js");
const { buildCluster } = await engine<typeof BuildModule>("model/build.js");
const { loadSides } = await engine<typeof SnapshotModule>("snapshot.js");
const { diffJson } = await engine<typeof DiffJsonModule>("report/diff-json.js");
const { renderComment } = await engine<typeof MarkdownModule>("report/markdown.js");
const { matches } = await engine<typeof SelectorModule>("core/label-selector.js");

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    head: { type: "string" },
    out: { type: "string" },
    shape: { type: "boolean", default: false },
    "shape-only": { type: "boolean", default: false },
  },
});
if (!values.base || !values.head) throw new Error("give --base and --head");

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const ms = (a: number, b: number) => Math.round(b - a);
const marks: Record<string, number> = {};
const mark = (name: string) => (marks[name] = performance.now());

/** What the generated repository looks like, in the terms of the real-cluster profile. */
function shape(c: Cluster) {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
  };
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
  const byNs = new Map<string, Cluster["workloads"][number][]>();
  for (const w of c.workloads) byNs.set(w.namespace, [...(byNs.get(w.namespace) ?? []), w]);
  const pods = (ws: readonly Cluster["workloads"][number][]) => ws.reduce((n, w) => n + (w.replicas ?? 1), 0);
  const local: number[] = [];
  const cidrs: number[] = [];
  const ports: number[] = [];
  const podPeers: number[] = [];
  let empty = 0;
  let denyOnly = 0;
  for (const np of c.networkPolicies) {
    const selected = (byNs.get(np.namespace) ?? []).filter((w) => !w.hostNetwork && matches(np.podSelector, w.labels));
    const n = pods(selected);
    local.push(n);
    if (n === 0) empty++;
    const rules = [...np.ingress, ...np.egress];
    if (rules.length === 0) denyOnly++;
    const peers = rules.flatMap((r) => r.peers ?? []);
    cidrs.push(peers.filter((p) => p.type === "ipBlock").length);
    podPeers.push(peers.filter((p) => p.type === "pods").length);
    ports.push(rules.reduce((k, r) => k + (r.ports?.length ?? 0), 0));
  }
  const types: Record<string, number> = {};
  for (const s of c.services) {
    const t =
      s.type === "ClusterIP" && s.headless
        ? "ClusterIP (headless)"
        : s.type === "ClusterIP" && s.externalIPs.length
          ? "ClusterIP (externalIPs)"
          : s.type;
    types[t] = (types[t] ?? 0) + 1;
  }
  const others: Record<string, number> = {};
  const entries = [
    ...c.ingresses,
    ...c.ingressClasses,
    ...c.gatewayClasses,
    ...c.gateways,
    ...c.xroutes,
    ...c.referenceGrants,
    ...c.openshiftRoutes,
  ];
  for (const o of [...entries, ...c.others]) others[o.kind] = (others[o.kind] ?? 0) + 1;
  return {
    namespaces: c.namespaces.size,
    workloads: c.workloads.length,
    pods: pods(c.workloads),
    networkPolicies: c.networkPolicies.length,
    emptyPolicies: empty,
    denyOnlyPolicies: denyOnly,
    policyLocalPods: { median: median(local), mean: mean(local), max: Math.max(0, ...local) },
    policyCidrPeers: { median: median(cidrs), mean: mean(cidrs) },
    policyPorts: { median: median(ports), mean: mean(ports) },
    policyPodSelectorPeers: { median: median(podPeers), mean: mean(podPeers) },
    services: c.services.length,
    serviceTypes: types,
    routes: others,
  };
}

if (values["shape-only"]) {
  const d = new Diagnostics();
  process.stdout.write(
    `${JSON.stringify(shape(buildCluster(parseManifestFiles(readManifestFiles([values.base], d, { displayRoot: values.base }), d), {}, d)))}\n`,
  );
  process.exit(0);
}

// --- the diff, as `reachdiff diff` runs it (src/cli/diff.ts: loadSides, the review path, the JSON report) ----
const config = defaultConfig();
const options = { defaultNamespace: config["default-namespace"], globs: config.paths };
// Phase marks: loadSides calls onPhase("parsed") after a side's files are parsed and
// onPhase("modelled") after its model is built; everything between is read + parse, or model.
let readParse = 0;
let model = 0;
let last = 0;
const onPhase = (phase: "parsed" | "modelled") => {
  const now = performance.now();
  if (phase === "parsed") readParse += now - last;
  else model += now - last;
  last = now;
};
mark("start");
last = marks.start;
const [base, head] = loadSides(values.base, values.head, { ...options, onPhase });
mark("modelled");
const result = diffClusters(base, head, config);
mark("analysed");
// The report: the JSON report and the pull-request comment (risk table, Mermaid diagram, tables), as a review posts them.
const json = `${JSON.stringify(diffJson(result), null, 2)}\n`;
const comment = renderComment(result, { maxBytes: 60_000 });
if (values.out) writeFileSync(values.out, json);
mark("reported");
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

// --- the floor: a plain yaml parse of one side's files, in this same process ---------------------
const headFiles = readManifestFiles([values.head], new Diagnostics(), { displayRoot: values.head });
const texts = headFiles.map((f) => f.text);
const documents = texts.reduce((n, t) => n + t.split(/^---$/m).length, 0);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
gc();
const floorStart = performance.now();
let parsedDocs = 0;
for (const text of texts) for (const doc of parseAllDocuments(text)) if (doc.toJS() !== undefined) parsedDocs++;
const floorMs = ms(floorStart, performance.now());

const total = ms(marks.start, marks.reported);

process.stdout.write(
  `${JSON.stringify({
    phases: {
      readParse: Math.round(readParse),
      model: Math.round(model),
      analyze: ms(marks.modelled, marks.analysed),
      report: ms(marks.analysed, marks.reported),
    },
    loadParseMs: Math.round(readParse),
    analysisMs: Math.round(model) + ms(marks.modelled, marks.analysed),
    reportMs: ms(marks.analysed, marks.reported),
    totalMs: total,
    peakRssMb,
    floorMs,
    ratio: Math.round((total / floorMs) * 100) / 100,
    classes: { base: result.stats.base.classes, head: result.stats.head.classes },
    stats: result.stats,
    counts: {
      connections: result.connections.length,
      exposures: result.exposures.length,
      objects: result.objects.length,
      findings: result.findings.length,
      risk: result.risk,
    },
    side: { files: headFiles.length, bytes, documents, parsedDocs },
    commentBytes: Buffer.byteLength(comment),
    ...(values.shape ? { shape: shape(base) } : {}),
  })}\n`,
);
