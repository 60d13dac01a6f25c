// The manifest loader (src/manifests): YAML as Kubernetes reads it, and every problem a diagnostic
// with file and line while the rest of the input is still analysed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { loadManifests, readManifestFiles } from "../../src/manifests/load.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { splitYamlStream } from "../../src/manifests/yaml-stream.js";
import { loadSnapshot } from "../../src/snapshot.js";
import { diags, edges, fixture, FIXTURES, into, ROOT } from "../helpers/engine.js";

const F = "fixtures/engine/loader";

function parse(name: string, text: string) {
  const d = new Diagnostics();
  const objects = parseManifestText(name, text, d);
  return { objects, diagnostics: d.items.map((x) => `${x.file}:${x.line}: ${x.severity}: ${x.message}`) };
}

const POD = (name: string, ns = "tmp") =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {containers: [{name: c, image: c}]}\n`;

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-loader-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("YAML as Kubernetes reads it", () => {
  it("reads YAML 1.1 scalars: on/yes/y booleans, 0755 octal, 0x hex; 1:20 and dates stay strings", () => {
    const [obj] = loadManifests([join(FIXTURES, "loader/yaml11.yaml")]);
    const spec = (obj.data as any).spec.template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(true);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.containers[0].stdin).toBe(true);
    expect(spec.containers[0].tty).toBe(false);
    expect(spec.containers[0].ports[0].containerPort).toBe(8080);
    expect(spec.volumes[0].configMap.defaultMode).toBe(0o755);
    expect((obj.data as any).metadata.annotations).toEqual({ schedule: "1:20", since: "2024-01-01" });
    // And the model uses them: `hostNetwork: on` makes a host-network pod.
    const c = fixture("loader/yaml11.yaml");
    expect(c.workloads[0].hostNetwork).toBe(true);
    expect(c.workloads[0].ports[0].containerPort).toBe(8080);
  });

  // Each plain scalar as go-yaml v2 reads it (sigs.k8s.io/yaml's fork, which Kubernetes and kubectl use to turn
  // YAML into JSON): the resolve table first (null, booleans including y/n and on/off, .inf/.nan), then a
  // number only for a scalar starting with a digit, sign or dot: underscores dropped, Go's ParseInt with
  // base 0 (0x, 0o, 0b, leading-0 octal), then a float with digits before or after the dot. go-yaml v3
  // (kustomize's kyaml) reads these numbers alike and prints such strings unquoted.
  const GO_YAML_V2: [string, unknown, string][] = [
    ["e7973912", "e7973912", "no digit, sign or dot first: a string (a git SHA), never NaN"],
    ["E5", "E5", "likewise a string"],
    ["e2", "e2", "likewise a string"],
    [".e3", ".e3", "a dot first, but not a decimal float (Go's ParseFloat fails): a string"],
    ["1e3", 1000, "digits, then an exponent: a float"],
    ["1e+3", 1000, "an exponent may be signed"],
    ["12e", "12e", "an exponent needs digits: a string"],
    ["0x1F", 31, "hex int (ParseInt base 0)"],
    ["+0x1F", 31, "a sign before a prefix"],
    ["0o17", 15, "YAML 1.2 octal: Go's ParseInt base 0 reads 0o"],
    ["017", 15, "YAML 1.1 octal: a leading 0"],
    ["08", 8, "not octal, so a float 8 (the same JSON number)"],
    ["0b101", 5, "binary int"],
    ["-0b101", -5, "signed binary int"],
    [".5", 0.5, "a float without a leading digit"],
    ["1.", 1, "a float without digits after the dot"],
    ["._5", "._5", "after a dot, underscores are not dropped: a string"],
    [".", ".", "a lone dot: a string"],
    ["+1", 1, "a signed int"],
    ["1_000", 1000, "underscores are dropped"],
    ["1234abc", "1234abc", "a digit first but no number: a string"],
    ["1:20", "1:20", "no sexagesimal numbers: a string"],
    ["~", null, "null"],
    ["y", true, "YAML 1.1 boolean (go-yaml v2's table has y and n)"],
    ["n", false, "YAML 1.1 boolean"],
    ["on", true, "YAML 1.1 boolean"],
    ["off", false, "YAML 1.1 boolean"],
  ];
  it.each(GO_YAML_V2)("reads the plain scalar %s as go-yaml v2 does: %j (%s)", (text, value) => {
    const r = parse("scalar.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  v: ${text}\n`);
    expect(r.diagnostics).toEqual([]);
    expect((r.objects[0].data as any).data.v).toEqual(value);
  });

  it("keeps a Deployment whose pod label is a float-looking git SHA (e7973912)", () => {
    const text = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: web, namespace: shop}",
      "spec:",
      "  selector: {matchLabels: {app: web, version: e7973912}}",
      "  template:",
      "    metadata: {labels: {app: web, version: e7973912}}",
      "    spec: {containers: [{name: web, image: nginx}]}",
      "",
    ].join("\n");
    const dir = tempDir();
    writeFileSync(join(dir, "deploy.yaml"), text);
    const c = loadSnapshot([dir]);
    expect(c.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(c.workloads.map((w) => [w.id, w.labels.version])).toEqual([["shop/Deployment/web", "e7973912"]]);
  });

  it("reports duplicate keys with file and line, and keeps the other documents", () => {
    const c = fixture("loader/duplicate-keys.yaml");
    expect(diags(c)).toEqual([
      `${F}/duplicate-keys.yaml:7: error: invalid YAML: Map keys must be unique; this document is skipped`,
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["ld/Pod/after-dup"]);
  });

  it("an invalid document hides neither the documents after it nor the other files", () => {
    const c = fixture("loader/broken");
    expect(diags(c)).toEqual([
      `${F}/broken/a.yaml:9: error: invalid YAML: Missing closing "quote (it begins here and is never closed); this document is skipped`,
      `${F}/broken/a.yaml:16: error: invalid YAML: Tabs are not allowed as indentation; this document is skipped`,
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["lb/Pod/first", "lb/Pod/third", "lb/Pod/other-file"]);
    expect(c.workloads.map((w) => `${w.source.file}:${w.source.line}`)).toEqual([
      `${F}/broken/a.yaml:1`,
      `${F}/broken/a.yaml:19`,
      `${F}/broken/b.yaml:1`,
    ]);
  });

  it("splits a stream at document markers only, keeping directives with their document", () => {
    expect(splitYamlStream("a: 1\n---\nb: 2\n--- # c\nc: 3\n").map((c) => [c.line, c.text])).toEqual([
      [0, "a: 1\n"],
      [1, "---\nb: 2\n"],
      [3, "--- # c\nc: 3\n"],
    ]);
    expect(splitYamlStream("a: 1\n...\n%YAML 1.1\n---\nb: 2\n").map((c) => [c.line, c.text])).toEqual([
      [0, "a: 1\n...\n"],
      [2, "%YAML 1.1\n---\nb: 2\n"],
    ]);
    // `----` and `--- x` inside a block scalar are not markers; `---x` is not either.
    expect(splitYamlStream("a: |\n  ---\n----\n---x: 1\n")).toHaveLength(1);
    const r = parse("d.yaml", "%YAML 1.1\n---\nkind: A\n...\n%YAML 1.1\n---\nkind: B\nv: on\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.objects.map((o) => [o.data, o.source.line])).toEqual([
      [{ kind: "A" }, 3],
      [{ kind: "B", v: true }, 7],
    ]);
  });

  it("reports an unterminated quote or flow collection where it begins", () => {
    expect(parse("q.yaml", "kind: A\nmetadata:\n  name: 'x\n  namespace: y\n---\nkind: B\n").diagnostics).toEqual([
      "q.yaml:3: error: invalid YAML: Missing closing 'quote (it begins here and is never closed); this document is skipped",
    ]);
    const flow = parse("f.yaml", "kind: A\nlist: [1, 2,\n  3\n---\nkind: B\n");
    expect(flow.diagnostics).toEqual([
      "f.yaml:2: error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (it begins here and is never closed); this document is skipped",
    ]);
    expect(flow.objects.map((o) => o.data)).toEqual([{ kind: "B" }]);
    // An empty value (a null node) before the broken scalar does not trip the search.
    expect(parse("e.yaml", 'kind: A\nempty:\nname: "x\n---\nkind: B\n').diagnostics).toEqual([
      'e.yaml:3: error: invalid YAML: Missing closing "quote (it begins here and is never closed); this document is skipped',
    ]);
  });

  it("reports documents that are not mappings, and skips empty ones silently", () => {
    const c = fixture("loader/non-mapping.yaml");
    expect(diags(c)).toEqual([
      `${F}/non-mapping.yaml:1: error: a manifest must be a mapping with apiVersion, kind and metadata, found a string; this document is skipped`,
      `${F}/non-mapping.yaml:3: error: a manifest must be a mapping with apiVersion, kind and metadata, found a list; this document is skipped`,
      `${F}/non-mapping.yaml:6: error: a manifest must be a mapping with apiVersion, kind and metadata, found a number; this document is skipped`,
    ]);
    expect(c.workloads.map((w) => `${w.id} ${w.source.line}`)).toEqual(["nm/Pod/survivor 10"]);
  });

  it("reports a missing kind, apiVersion, metadata or metadata.name at the right line", () => {
    const c = fixture("loader/missing-fields.yaml");
    // The model words these; the loader's part is the file and line each one points at.
    expect(diags(c)).toEqual([
      expect.stringMatching(new RegExp(`^${F}/missing-fields.yaml:1: error: kind is missing`)),
      expect.stringMatching(new RegExp(`^${F}/missing-fields.yaml:5: error: apiVersion is missing`)),
      expect.stringMatching(new RegExp(`^${F}/missing-fields.yaml:11: error: .*metadata\\.name`)),
      expect.stringMatching(new RegExp(`^${F}/missing-fields.yaml:16: error: .*metadata`)),
      // A document that is no Kubernetes object is counted in one note, not reported as a problem.
      `${F}/missing-fields.yaml:0: info: 1 document(s) are not Kubernetes objects (no apiVersion and kind, or a tool's input that names no object) and were skipped: ${F}/missing-fields.yaml`,
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["mf/Pod/fine"]);
  });

  it("reports fields of the wrong type at their line (ports as a string, selector as a list, unknown operator), reads a null spec as Kubernetes does, and analyses the rest", () => {
    const c = fixture("loader/wrong-types.yaml");
    const at = (line: number, what: string) =>
      expect.stringMatching(new RegExp(`^${F}/wrong-types.yaml:${line}: error: ${what}`));
    expect(diags(c)).toEqual([
      at(7, "NetworkPolicy ports-as-string .*spec\\.ingress\\[0\\]\\.ports: must be a list"),
      at(13, "NetworkPolicy selector-as-list .*spec\\.podSelector: a label selector must be a mapping"),
      expect.stringMatching(
        new RegExp(
          `^${F}/wrong-types.yaml:19: warning: wt/NetworkPolicy/null-spec has no spec.podSelector: Kubernetes reads it as \\{\\}`,
        ),
      ),
      at(
        25,
        'NetworkPolicy unknown-operator .*spec\\.podSelector: matchExpressions\\[0\\]\\.operator "Equals" is not one of In, NotIn, Exists, DoesNotExist',
      ),
      at(43, "Deployment bad-port .*spec\\.template\\.spec\\.containers\\[0\\]\\.ports\\[0\\]\\.containerPort"),
    ]);
    expect(c.diagnostics.map((d) => d.object)).toEqual([
      "wt/NetworkPolicy/ports-as-string",
      "wt/NetworkPolicy/selector-as-list",
      "wt/NetworkPolicy/null-spec",
      "wt/NetworkPolicy/unknown-operator",
      "wt/Deployment/bad-port",
    ]);
    // `spec: null` is accepted by the API server as an empty spec: it selects every pod of wt.
    expect(c.networkPolicies.map((p) => p.id)).toEqual(["wt/NetworkPolicy/null-spec", "wt/NetworkPolicy/valid"]);
    expect(edges(c)).toEqual([
      "ip:0.0.0.0/0 -> wt/Deployment/web: TCP 443",
      "wt/Deployment/web -> ip:0.0.0.0/0: all ports",
      "wt/Deployment/web -> wt/Deployment/web: TCP 443",
    ]);
  });

  it("stops an alias bomb quickly with a diagnostic, and keeps the next document", () => {
    const start = performance.now();
    const c = fixture("loader/alias-bomb.yaml");
    expect(performance.now() - start).toBeLessThan(2000);
    expect(diags(c)).toEqual([
      `${F}/alias-bomb.yaml:1: error: cannot read document: too many alias expansions (over 10000; a "billion laughs" document?); this document is skipped`,
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["bomb/Pod/after-bomb"]);
  });

  it("reads a manifest that reuses anchors a few hundred times", () => {
    const c = fixture("loader/many-aliases.yaml");
    expect(diags(c)).toEqual([]);
    expect(c.workloads.map((w) => [w.id, w.labels])).toEqual([["aliases/Pod/many-aliases", { app: "many" }]]);
    const [obj] = loadManifests([join(FIXTURES, "loader/many-aliases.yaml")]);
    expect((obj.data as any).spec.tolerations).toHaveLength(150);
    expect((obj.data as any).spec.tolerations[149].effect).toBe("NoSchedule");
  });

  it("reads JSON manifests (tab-indented too) as JSON", () => {
    const c = loadSnapshot([join(FIXTURES, "loader/deployment.json"), join(FIXTURES, "loader/policy.json")], {
      displayRoot: ROOT,
    });
    expect(diags(c)).toEqual([]);
    expect(c.workloads.map((w) => `${w.id} ${w.source.file}:${w.source.line}`)).toEqual([
      `js/Deployment/from-json ${F}/deployment.json:1`,
    ]);
    expect(into(c, "js/Deployment/from-json")).toEqual(["ip:0.0.0.0/0: TCP 8080", "js/Deployment/from-json: TCP 8080"]);
    expect(parse("bad.json", '{"kind": "A",\n "kind": "B"}').diagnostics).toEqual([
      "bad.json:2: error: invalid JSON: Map keys must be unique; this document is skipped",
    ]);
  });

  it("flattens a List whose item is not a mapping, with a diagnostic", () => {
    const r = parse(
      "l.yaml",
      `apiVersion: v1\nkind: List\nitems:\n  - just-a-string\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n`,
    );
    expect(r.diagnostics).toEqual(["l.yaml:4: error: item 0 of List is not a mapping; it is skipped"]);
    expect(r.objects.map((o) => [o.data.kind, o.source.line])).toEqual([["Pod", 5]]);
  });
});

describe("files and folders", () => {
  it("reads a BOM and CRLF line ends normally, with the right lines", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bom.yaml"), `\uFEFF${POD("bom")}`);
    writeFileSync(join(dir, "crlf.yaml"), `${POD("crlf-a")}---\n${POD("crlf-b")}`.replace(/\n/g, "\r\n"));
    // Files concatenated with their marks (`cat a.yaml b.yaml`): each document may start with one.
    writeFileSync(
      join(dir, "concat.yaml"),
      `\uFEFF${POD("cat-a")}---\n\uFEFF${POD("cat-b")}\uFEFF---\n${POD("cat-c")}`,
    );
    const c = loadSnapshot([dir], { displayRoot: dir });
    expect(diags(c)).toEqual([]);
    expect(c.workloads.map((w) => `${w.id} ${w.source.file}:${w.source.line}`)).toEqual([
      "tmp/Pod/bom bom.yaml:1",
      "tmp/Pod/cat-a concat.yaml:1",
      "tmp/Pod/cat-b concat.yaml:6",
      "tmp/Pod/cat-c concat.yaml:11",
      "tmp/Pod/crlf-a crlf.yaml:1",
      "tmp/Pod/crlf-b crlf.yaml:6",
    ]);
  });

  it("refuses bytes that are not UTF-8 with a diagnostic, and reads the other files", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "latin1.yaml"),
      Buffer.concat([
        Buffer.from("apiVersion: v1\nkind: Pod\nmetadata: {name: caf"),
        Buffer.from([0xe9]),
        Buffer.from("}\n"),
      ]),
    );
    writeFileSync(join(dir, "ok.yaml"), POD("ok"));
    const c = loadSnapshot([dir], { displayRoot: dir });
    expect(diags(c)).toEqual([
      "latin1.yaml:3: error: file is not valid UTF-8 (the first bytes that are not are on this line); it is not read",
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["tmp/Pod/ok"]);
  });

  it("does not read a file over the size limit", () => {
    const dir = tempDir();
    const big = `${POD("big") + "#".repeat(2000)}\n`;
    writeFileSync(join(dir, "big.yaml"), big);
    writeFileSync(join(dir, "small.yaml"), POD("small"));
    const c = loadSnapshot([dir], { displayRoot: dir, maxFileBytes: 1000 });
    expect(diags(c)).toEqual([
      `big.yaml:0: error: file is ${big.length} bytes, over the limit of 1000; it is not read`,
    ]);
    expect(c.workloads.map((w) => w.id)).toEqual(["tmp/Pod/small"]);
  });

  it("does not follow a symbolic link that points outside the folder, but follows one inside it, reading each file once", () => {
    const outside = tempDir();
    writeFileSync(join(outside, "secret.yaml"), POD("outside"));
    const dir = tempDir();
    mkdirSync(join(dir, "base"));
    writeFileSync(join(dir, "base", "app.yaml"), POD("app"));
    symlinkSync(join(outside, "secret.yaml"), join(dir, "escape.yaml"));
    symlinkSync(outside, join(dir, "escape-dir"));
    symlinkSync(join(dir, "base"), join(dir, "alias"));
    symlinkSync(join(dir, "missing.yaml"), join(dir, "dangling.yaml"));
    const c = loadSnapshot([dir], { displayRoot: dir });
    expect(diags(c)).toEqual([
      "dangling.yaml:0: warning: broken symbolic link; it is not read",
      "escape-dir:0: warning: symbolic link points outside the folder being read; it is not followed",
      "escape.yaml:0: warning: symbolic link points outside the folder being read; it is not followed",
    ]);
    // base/app.yaml is reached twice (directly and through `alias`) and read once: no "defined again".
    expect(c.workloads.map((w) => w.id)).toEqual(["tmp/Pod/app"]);
    // The same through a folder given by a linked path: the file and a link to it are one file.
    const real = tempDir();
    writeFileSync(join(real, "a.yaml"), POD("a"));
    symlinkSync(join(real, "a.yaml"), join(real, "b.yaml"));
    const top = join(tempDir(), "top");
    symlinkSync(real, top);
    const viaLink = loadSnapshot([top], { displayRoot: top });
    expect(diags(viaLink)).toEqual([]);
    expect(viaLink.workloads.map((w) => `${w.id} ${w.source.file}`)).toEqual(["tmp/Pod/a a.yaml"]);
    // A link named on the command line is followed wherever it points.
    const named = loadSnapshot([join(dir, "escape.yaml")], { displayRoot: dir });
    expect(named.workloads.map((w) => w.id)).toEqual(["tmp/Pod/outside"]);
  });

  it("walks folders in name order for manifest extensions only, skips hidden entries, reads named files of any extension", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "b"));
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, "b", "z.yml"), POD("z"));
    writeFileSync(join(dir, "a.YAML"), POD("a"));
    writeFileSync(join(dir, "notes.txt"), POD("txt"));
    writeFileSync(join(dir, ".hidden.yaml"), POD("hidden"));
    writeFileSync(join(dir, ".git", "x.yaml"), POD("git"));
    const d = new Diagnostics();
    expect(readManifestFiles([dir], d, { displayRoot: dir }).map((f) => f.name)).toEqual(["a.YAML", "b/z.yml"]);
    expect(readManifestFiles([join(dir, "notes.txt")], d, { displayRoot: dir }).map((f) => f.name)).toEqual([
      "notes.txt",
    ]);
    expect(d.items).toEqual([]);
    readManifestFiles([join(dir, "nope")], d, { displayRoot: dir });
    expect(d.items.map((x) => `${x.file}:${x.line}: ${x.message}`)).toEqual([
      `${join(dir, "nope")}:0: no such file or folder`,
    ]);
  });

  it("reports a named pipe (not a regular file) instead of skipping it silently", () => {
    const dir = tempDir();
    execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
    writeFileSync(join(dir, "ok.yaml"), POD("ok"));
    const c = loadSnapshot([dir], { displayRoot: dir });
    expect(diags(c)).toEqual(["pipe.yaml:0: warning: not a regular file or folder; it is not read"]);
    expect(c.workloads.map((w) => w.id)).toEqual(["tmp/Pod/ok"]);
    expect(diags(loadSnapshot([join(dir, "pipe.yaml")], { displayRoot: dir }))).toEqual([
      "pipe.yaml:0: warning: not a regular file or folder; it is not read",
    ]);
  });
});
