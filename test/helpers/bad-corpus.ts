// The corpus of broken and hostile manifests that test/manifests/bad-input.test.ts reads and
// test/cli/bad-input.test.ts runs through the CLI: every file of fixtures/bad with what it must give,
// and the cases too big to commit, written into a temporary folder.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { intervalToCidrs, parseCidr, subtractIntervals } from "../../src/core/ip.js";
import { DEFAULT_MAX_FILE_BYTES } from "../../src/manifests/load.js";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_DOCUMENTS } from "../../src/manifests/parse.js";
import type { Cluster } from "../../src/model/types.js";
import { edges } from "./engine.js";

const ROOT = resolve(import.meta.dirname, "../..");
export const BAD = join(ROOT, "fixtures/bad");

export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  readonly line: number;
  /** A part of the message. */
  readonly message: string;
}

/** What a case must give: one problem, or a normal reading checked on the model. */
export type Case = ({ readonly problem: Problem } | { readonly normal: (c: Cluster) => void }) & {
  /** Workloads of the file that are still read (default: `<case>/Pod/ok`). */
  readonly survivors?: readonly string[];
};

const error = (line: number, message: string, survivors?: readonly string[]): Case => ({
  problem: { severity: "error", line, message },
  survivors,
});
const warning = (line: number, message: string, survivors?: readonly string[]): Case => ({
  problem: { severity: "warning", line, message },
  survivors,
});
const normal = (check: (c: Cluster) => void, survivors?: readonly string[]): Case => ({ normal: check, survivors });

const podOk = (c: Cluster, ns: string) => c.workloads.find((w) => w.id === `${ns}/Pod/ok`)!;

/** Every file of fixtures/bad, and what it must give. */
export const CASES: Readonly<Record<string, Case>> = {
  // YAML and JSON that cannot be read.
  "invalid-yaml.yaml": error(
    6,
    "invalid YAML: Nested mappings are not allowed in compact mappings; this document is skipped",
  ),
  "tab-indent.yaml": error(4, "invalid YAML: Tabs are not allowed as indentation"),
  "duplicate-keys.yaml": error(6, "invalid YAML: Map keys must be unique"),
  "duplicate-keys-json.json": error(5, "invalid JSON: Map keys must be unique", []),
  "unterminated-quote.yaml": error(4, 'Missing closing "quote (it begins here and is never closed)'),
  "unclosed-flow.yaml": error(
    3,
    "Flow map in block collection must be sufficiently indented and end with a } (it begins here and is never closed)",
  ),
  "invalid-json.json": error(5, "invalid JSON: Expected double-quoted property name; this file is skipped", []),
  "alias-bomb.yaml": error(2, 'too many alias expansions (over 10000; a "billion laughs" document?)'),
  "alias-cycle.yaml": error(
    7,
    "the alias *spec is inside the value of its own anchor &spec (a value that contains itself)",
  ),
  "undefined-alias.yaml": error(1, "alias *nowhere names no anchor defined before it"),
  "complex-key.yaml": error(7, "a mapping key is itself a mapping or list, which Kubernetes cannot read"),
  "deep-nesting-lists.yaml": error(6, `nested more than ${DEFAULT_MAX_DEPTH} levels deep`),
  "deep-nesting-block.yaml": error(7, `nested more than ${DEFAULT_MAX_DEPTH} levels deep`),
  "non-mapping-scalar.yaml": error(
    1,
    "a manifest must be a mapping with apiVersion, kind and metadata, found a string",
  ),
  "non-mapping-list.yaml": error(1, "a manifest must be a mapping with apiVersion, kind and metadata, found a list"),
  "non-mapping-json.json": error(
    1,
    "a manifest must be a mapping with apiVersion, kind and metadata, found a list",
    [],
  ),
  "list-items-mapping.yaml": error(3, "items of a List must be a list, found a mapping"),
  "list-item-scalar.yaml": error(4, "item 0 of List is not a mapping; it is skipped"),
  "non-utf8.yaml": error(
    9,
    "file is not valid UTF-8 (the first bytes that are not are on this line); it is not read",
    [],
  ),

  // Valid but unusual: read as Kubernetes reads it.
  "yaml11-booleans.yaml": normal(
    (c) => {
      // yes/on are true, off/no false; `hostNetwork: yes` makes a host-network pod.
      expect(c.workloads.find((w) => w.id === "yaml11-booleans/Pod/host")?.hostNetwork).toBe(true);
      expect(podOk(c, "yaml11-booleans").hostNetwork).toBe(false);
    },
    ["yaml11-booleans/Pod/host", "yaml11-booleans/Pod/ok"],
  ),
  "yaml11-octal-port.yaml": normal((c) => {
    const [policy] = c.networkPolicies;
    expect(policy.ingress[0].ports).toEqual([
      { protocol: "TCP", port: 0o755, endPort: undefined },
      { protocol: "TCP", port: 8080, endPort: undefined },
      { protocol: "TCP", port: 8443, endPort: undefined },
    ]);
    expect(0o755).toBe(493);
    expect(edges(c)).toEqual([
      "ip:0.0.0.0/0 -> yaml11-octal-port/Pod/ok: TCP 493,8080,8443",
      "yaml11-octal-port/Pod/ok -> ip:0.0.0.0/0: all ports",
      "yaml11-octal-port/Pod/ok -> yaml11-octal-port/Pod/ok: TCP 493,8080,8443",
    ]);
  }),
  "crlf.yaml": normal(
    (c) => {
      expect(readFileSync(join(BAD, "crlf.yaml"), "latin1")).toMatch(/\r\n/); // kept by fixtures/bad/.gitattributes
      expect(c.workloads.map((w) => `${w.id} ${w.source.line}`)).toEqual([
        "crlf/Pod/db 10",
        "crlf/Pod/web 15",
        "crlf/Pod/ok 20",
      ]);
      expect(c.networkPolicies[0].ingress[0].line).toBe(7);
      // The policy works: only web reaches db, on 5432.
      expect(edges(c).filter((e) => e.includes("-> crlf/Pod/db"))).toEqual(["crlf/Pod/web -> crlf/Pod/db: TCP 5432"]);
    },
    ["crlf/Pod/db", "crlf/Pod/web", "crlf/Pod/ok"],
  ),
  "bom.yaml": normal((c) => expect(podOk(c, "bom").source.line).toBe(1)),
  "bom-json.json": normal((c) => expect(podOk(c, "bom-json").labels).toEqual({ app: "ok" })),
  "utf16.yaml": normal((c) =>
    expect(podOk(c, "utf16").ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP", hostPort: undefined },
    ]),
  ),
  "merge-keys.yaml": normal(
    (c) => {
      expect(c.workloads.find((w) => w.id === "merge-keys/Pod/merged")?.labels).toEqual({
        app: "merged",
        tier: "front",
      });
    },
    ["merge-keys/Pod/merged", "merge-keys/Pod/ok"],
  ),
  "ipv6-block.yaml": normal((c) => {
    // In: fd00::/8 except fd00:1::/32 on 8080, nothing of IPv4; out: 2001:db8::/32 only.
    const allowed = subtractIntervals(parseCidr("fd00::/8"), [parseCidr("fd00:1::/32")]).flatMap(intervalToCidrs);
    expect(allowed).toHaveLength(24);
    expect(
      edges(c)
        .filter((e) => e.includes("ip:"))
        .sort(),
    ).toEqual(
      [
        ...allowed.map((b) => `ip:${b} -> ipv6-block/Pod/ok: TCP 8080`),
        "ipv6-block/Pod/ok -> ip:2001:db8::/32: all ports",
      ].sort(),
    );
  }),
  "binary-tag.yaml": normal(
    (c) => expect(c.workloads.find((w) => w.id === "binary-tag/Pod/web")?.labels).toEqual({ app: "web" }),
    ["binary-tag/Pod/web", "binary-tag/Pod/ok"],
  ),
  "only-comments.yaml": normal((c) => expect(c.workloads.map((w) => w.id)).toEqual(["only-comments/Pod/ok"])),
  "unknown-group.yaml": normal((c) => expect(c.others).toEqual([])),
  "kind-constructor.yaml": normal((c) => expect(c.workloads.map((w) => w.id)).toEqual(["kind-constructor/Pod/ok"])),

  // Fields of the wrong type.
  "protocol-on.yaml": error(7, "spec.ingress[0].ports[0].protocol: must be a string, found boolean true"),
  "norway-label.yaml": error(8, "spec.template.metadata.labels.country: must be a string, found boolean false"),
  "ports-as-string.yaml": error(7, 'spec.ingress[0].ports: must be a list, found string "80"'),
  "port-quoted-number.yaml": error(
    7,
    "spec.ingress[0].ports[0].port: must be a port number or a port name (at most 15 lowercase letters, digits and '-'), found \"80\"",
  ),
  "container-port-string.yaml": error(
    12,
    'spec.template.spec.containers[0].ports[0].containerPort: must be a whole number, found string "8080"',
  ),
  "selector-as-list.yaml": error(5, "spec.podSelector: a label selector must be a mapping"),
  "service-selector-list.yaml": error(5, "spec.selector: must be a mapping, found a list"),
  "null-spec.yaml": error(4, "spec.template: is missing (no pod template)"),
  "null-metadata.yaml": error(3, "metadata: is missing"),
  "labels-as-list.yaml": error(6, "metadata.labels: must be a mapping, found a list"),
  "containers-as-mapping.yaml": error(5, "spec.containers: must be a list, found a mapping"),
  "host-network-string.yaml": error(5, 'spec.hostNetwork: must be true or false, found string "true"'),
  "replicas-string.yaml": error(5, 'spec.replicas: must be a whole number, found string "3"'),
  "policy-types-lowercase.yaml": error(6, 'spec.policyTypes[0]: must be Ingress or Egress, found "ingress"'),
  "rule-as-string.yaml": error(6, 'spec.ingress[0]: must be a mapping, found string "allow-all"'),
  "protocol-lowercase.yaml": error(7, 'spec.ingress[0].ports[0].protocol: must be TCP, UDP or SCTP, found "tcp"'),
  "fractional-port.yaml": error(6, "spec.ports[0].port: must be a whole number, found number 80.5"),
  "anp-priority-string.yaml": error(
    5,
    'AdminNetworkPolicy deny-all is invalid and skipped: spec.priority: must be a whole number, found string "10"',
  ),
  "source-ranges-string.yaml": error(8, 'spec.loadBalancerSourceRanges: must be a list, found string "10.0.0.0/8"'),
  "anp-action-constructor.yaml": error(
    7,
    'spec.ingress[0].action: must be one of Allow, Deny, Pass, found "constructor"',
  ),
  "operator-spec-list.yaml": error(4, "Prometheus k8s is invalid and skipped: spec: must be a mapping, found a list"),

  // Labels, names and namespaces.
  "invalid-label-value.yaml": error(6, 'metadata.labels.app: label value "web server!" is invalid'),
  "invalid-label-key.yaml": error(6, 'label key "-app/" has an invalid prefix'),
  "proto-label-key.yaml": error(8, "metadata.labels.__proto__: must be a string, found a mapping"),
  "name-with-slash.yaml": error(4, `metadata.name: may not contain '/' or '%', found "x/Pod/ok"`),
  "namespace-with-slash.yaml": error(
    4,
    `metadata.namespace: may not contain '/' or '%', found "namespace-with-slash/Pod"`,
  ),
  // Names Kubernetes refuses but test corpora use (np-guard's): read, with a warning.
  "invalid-namespace.yaml": warning(
    3,
    "Prod_Team/Pod/web: metadata.namespace must be a DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), found \"Prod_Team\"; Kubernetes would refuse the object",
    ["Prod_Team/Pod/web", "invalid-namespace/Pod/ok"],
  ),
  "invalid-name.yaml": warning(
    4,
    "invalid-name/Service/Web_Server: metadata.name must be an RFC 1035 label (at most 63 lowercase letters, digits and '-', starting with a letter), found \"Web_Server\"; Kubernetes would refuse the object",
  ),
  "duplicate-object.yaml": warning(
    6,
    "duplicate-object/Pod/ok is defined again (first at duplicate-object.yaml:1); the later definition is used",
  ),

  // apiVersions.
  "unknown-api-version.yaml": error(
    1,
    'NetworkPolicy: apiVersion "networking.k8s.io/v2" is not served by Kubernetes (networking.k8s.io/v1, networking.k8s.io/v1beta1); this object is skipped',
  ),
  "malformed-api-version.yaml": error(
    1,
    'Deployment: apiVersion "apps/v1/extra" is not a version or a group/version; this object is skipped',
  ),

  // Addresses and ports.
  "cidr-prefix-33.yaml": error(7, 'spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR "10.0.0.0/33"'),
  "cidr-ipv6-129.yaml": error(7, 'spec.egress[0].to[0].ipBlock.cidr: invalid CIDR "::/129"'),
  "except-outside-cidr.yaml": error(
    7,
    "spec.ingress[0].from[0].ipBlock.except[0]: must be a strict subset of cidr 10.0.0.0/8",
  ),
  "port-zero.yaml": error(7, "spec.ingress[0].ports[0].port: must be between 1 and 65535, found 0"),
  "port-70000.yaml": error(6, "spec.ports[0].port: must be between 1 and 65535, found 70000"),
  "end-port-below-port.yaml": error(
    7,
    "spec.ingress[0].ports[0].endPort: must be greater than or equal to port (9000)",
  ),
  "named-port-missing.yaml": warning(
    7,
    'named-port-missing/NetworkPolicy/metrics: no pod it selects (named-port-missing/Pod/ok) has a TCP port named "metrics"; spec.ingress[0].ports[0] opens nothing',
  ),
};

const caseName = (file: string) => file.replace(/\.(ya?ml|json)$/, "");
export const survivorsOf = (file: string) => CASES[file].survivors ?? [`${caseName(file)}/Pod/ok`];

// The cases written by the test: too big to commit, or links that only make sense on this machine.
const temps: string[] = [];
/** A temporary folder, removed by `removeTempDirs` (each test file's afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const HUNDRED_MB = 100 * 1024 * 1024;
const MANY_DOCUMENTS = 50_000;
export const pod = (ns: string, name = "ok") =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {app: ok}}\nspec: {containers: [{name: c, image: nginx}]}\n`;

/** Writes the generated cases into `dir`; returns what each must give (file names relative to dir). */
export function writeGenerated(
  dir: string,
  outside: string,
): Record<string, { severity: Severity; line: number; message: string; survivors: string[] }> {
  // 100 MB of real YAML (pods), written in 1 MB blocks.
  const block = `---\n${pod("huge", "x")}`.repeat(Math.ceil((1024 * 1024) / 120)).slice(0, 1024 * 1024);
  const fd = openSync(join(dir, "huge-100mb.yaml"), "w");
  for (let i = 0; i < 100; i++) writeSync(fd, block);
  closeSync(fd);
  // 50,000 documents (a few MB): a generated dump.
  const many: string[] = [];
  for (let i = 0; i < MANY_DOCUMENTS; i++)
    many.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: many}\ndata: {i: "${i}"}\n`);
  writeFileSync(join(dir, "many-documents.yaml"), many.join("---\n"));
  // 10,000 mappings inside each other, and a million lists: 2 MB that would take the yaml package
  // over a gigabyte to tokenise.
  writeFileSync(
    join(dir, "deep-nesting-maps.yaml"),
    `${pod("deep-nesting-maps")}---\nx: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`,
  );
  writeFileSync(
    join(dir, "deep-million.yaml"),
    `${pod("deep-million")}---\nx: ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}\n`,
  );
  // Links: to a file outside the folder, and to itself.
  writeFileSync(join(outside, "secret.yaml"), pod("outside", "secret"));
  symlinkSync(join(outside, "secret.yaml"), join(dir, "symlink-outside.yaml"));
  symlinkSync(join(dir, "symlink-loop.yaml"), join(dir, "symlink-loop.yaml"));
  return {
    "huge-100mb.yaml": {
      severity: "error",
      line: 0,
      message: `file is ${HUNDRED_MB} bytes, over the limit of ${DEFAULT_MAX_FILE_BYTES}; it is not read`,
      survivors: [],
    },
    "many-documents.yaml": {
      severity: "error",
      line: 0,
      message: `file holds ${MANY_DOCUMENTS} documents, over the limit of ${DEFAULT_MAX_DOCUMENTS}; it is not read`,
      survivors: [],
    },
    "deep-nesting-maps.yaml": {
      severity: "error",
      line: 6,
      message: `nested more than ${DEFAULT_MAX_DEPTH} levels deep`,
      survivors: ["deep-nesting-maps/Pod/ok"],
    },
    "deep-million.yaml": {
      severity: "error",
      line: 6,
      message: `nested more than ${DEFAULT_MAX_DEPTH} levels deep`,
      survivors: ["deep-million/Pod/ok"],
    },
    "symlink-outside.yaml": {
      severity: "warning",
      line: 0,
      message: "symbolic link points outside the folder being read; it is not followed",
      survivors: [],
    },
    "symlink-loop.yaml": {
      severity: "warning",
      line: 0,
      message: "broken symbolic link; it is not read",
      survivors: [],
    },
  };
}
