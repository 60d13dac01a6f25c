// The schema of `.github/reachdiff.yml`: one place for its keys, defaults and validation, the same
// for the App, the Action and the CLI.
/** The manifest files read when no `paths` are configured. */
export const DEFAULT_PATHS = ["**/*.yaml", "**/*.yml", "**/*.json"];

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_SENSITIVE_PORTS = [
  22, 23, 1433, 1521, 2181, 2375, 2376, 2379, 2380, 3000, 3306, 3389, 4194, 5432, 5601, 5672, 5900, 6379, 6443, 8265,
  8500, 8888, 9090, 9092, 9100, 9200, 9300, 10250, 10255, 10256, 11211, 11434, 15000, 15014, 15672, 27017,
];

export const CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    paths: {
      description: "Globs of the manifest files to read, relative to the repository root.",
      type: "array",
      items: { type: "string", minLength: 1 },
      default: DEFAULT_PATHS,
    },
    "default-namespace": {
      description: "Namespace of objects that name none.",
      type: "string",
      minLength: 1,
      default: "default",
    },
    "fail-on": {
      description: "The check fails (and the CLI exits 1) when the risk reaches this severity; none never fails.",
      enum: [...SEVERITIES, "none"],
      default: "high",
    },
    "sensitive-ports": {
      description: "Ports that make an internet exposure critical.",
      type: "array",
      items: { type: "integer", minimum: 1, maximum: 65535 },
      default: DEFAULT_SENSITIVE_PORTS,
    },
    "trusted-cidrs": {
      description: "Address blocks that are not 'the internet' (office, VPN, peered networks).",
      type: "array",
      items: { type: "string" },
      default: [],
    },
    "ingress-controller": {
      type: "object",
      additionalProperties: false,
      properties: {
        namespace: { type: "string", minLength: 1, default: "ingress-nginx" },
        "pod-labels": { type: "object", additionalProperties: { type: "string" }, default: {} },
      },
      default: {},
    },
    gateway: {
      type: "object",
      additionalProperties: false,
      properties: {
        "internal-classes": {
          description: "GatewayClass names whose Gateways are not internet-facing.",
          type: "array",
          items: { type: "string" },
          default: [],
        },
      },
      default: {},
    },
    exposure: {
      description: "How exposure is judged: what counts as the internet, and whether nodes have public addresses.",
      type: "object",
      additionalProperties: false,
      properties: {
        "internet-min-prefix": {
          description:
            "Public IPv4 sources count as 'the internet' when they include a block this wide or wider (/N or shorter); narrower public ranges (an office /24) are reported as restricted ranges, at most high.",
          type: "integer",
          minimum: 0,
          maximum: 32,
          default: 16,
        },
        "internet-min-prefix-v6": {
          description: "The same for IPv6 sources.",
          type: "integer",
          minimum: 0,
          maximum: 128,
          default: 48,
        },
        nodes: {
          description:
            "Whether the nodes have public addresses, which decides how NodePort and hostPort exposure is judged: public (from the internet), private (not from the internet), unknown (said as a condition, at most high).",
          enum: ["public", "private", "unknown"],
          default: "unknown",
        },
      },
      default: {},
    },
    "enforces-network-policy": {
      description: "Whether the cluster's network plugin enforces NetworkPolicy. When false, policies change nothing.",
      type: "boolean",
      default: true,
    },
    network: {
      description:
        "The dataplane in use: the CNI whose own policies are evaluated (cilium, calico) and the mesh. Without cni, it is discovered: a repository with Cilium policies or a Cilium install runs cilium; else Calico policies or tiers, or a calico-node install, mean calico; else other. Without mesh, likewise: Istio policies, a namespace labelled for Istio or an istiod install mean istio, else none.",
      type: "object",
      additionalProperties: false,
      properties: {
        cni: { enum: ["cilium", "calico", "other"] },
        mesh: { enum: ["istio", "none"] },
      },
      default: {},
    },
    "fail-on-unanalysed": {
      description:
        "When a side read no Kubernetes object (a path or glob matching nothing, every render failed), the check fails; false makes it neutral (never a success). The CLI exits 3 either way.",
      type: "boolean",
      default: true,
    },
    "ignore-rules": {
      description: "Rule ids whose findings are not reported.",
      type: "array",
      items: { type: "string" },
      default: [],
    },
    "severity-overrides": {
      description: "Rule id -> severity.",
      type: "object",
      additionalProperties: { enum: [...SEVERITIES] },
      default: {},
    },
    comment: {
      type: "object",
      additionalProperties: false,
      properties: {
        mode: { enum: ["update", "recreate", "off"], default: "update" },
        when: {
          description:
            "changes (default): comment only when the pull request changes exposure or reachability, has a finding or a manifest that cannot be read (an existing comment is still updated); always: comment on every review.",
          enum: ["always", "changes"],
          default: "changes",
        },
      },
      default: {},
    },
    render: {
      description:
        "Folders rendered by a command of their own: glob of folders -> program and arguments ({dir} is the folder); stdout is YAML. Run only with allow-render-commands.",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["glob", "command"],
        properties: {
          glob: { type: "string", minLength: 1 },
          command: {
            anyOf: [
              { type: "string", minLength: 1 },
              { type: "array", minItems: 1, items: { type: "string" } },
            ],
          },
        },
      },
      default: [],
    },
    helm: {
      description: "Helm charts: values files (applied in order), release name and namespace per chart folder.",
      type: "object",
      additionalProperties: false,
      properties: {
        charts: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["path"],
            properties: {
              path: { type: "string", minLength: 1 },
              values: { type: "array", items: { type: "string", minLength: 1 }, default: [] },
              release: { type: "string", minLength: 1 },
              namespace: { type: "string", minLength: 1 },
            },
          },
          default: [],
        },
      },
      default: {},
    },
    environments: {
      description:
        "The environments the repository deploys, each analysed as its own cluster (default: found from Argo CD, Flux, or each top-level Kustomize root and chart).",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "paths"],
        properties: {
          name: { type: "string", minLength: 1 },
          paths: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
          namespace: { type: "string", minLength: 1 },
          cluster: { type: "string", minLength: 1 },
          helm: {
            type: "object",
            additionalProperties: false,
            properties: {
              release: { type: "string", minLength: 1 },
              values: { type: "array", items: { type: "string", minLength: 1 } },
            },
          },
        },
      },
      default: [],
    },
    "allow-remote-bases": {
      description: "Let kustomizations name remote bases and URLs (read from the base branch's config only).",
      type: "boolean",
      default: false,
    },
    "allow-remote-dependencies": {
      description:
        "Let helm fetch chart dependencies that are neither vendored in charts/ nor file:// paths (OCI, HTTP repositories; read from the base branch's config only).",
      type: "boolean",
      default: false,
    },
    "allow-render-commands": {
      description: "Run the render commands (read from the base branch's config only).",
      type: "boolean",
      default: false,
    },
  },
} as const;

export interface Config {
  paths: string[];
  "default-namespace": string;
  "fail-on": Severity | "none";
  "sensitive-ports": number[];
  "trusted-cidrs": string[];
  "ingress-controller": { namespace: string; "pod-labels": Record<string, string> };
  gateway: { "internal-classes": string[] };
  exposure: {
    "internet-min-prefix": number;
    "internet-min-prefix-v6": number;
    nodes: "public" | "private" | "unknown";
  };
  "enforces-network-policy": boolean;
  network: { cni?: "cilium" | "calico" | "other"; mesh?: "istio" | "none" };
  "fail-on-unanalysed": boolean;
  "ignore-rules": string[];
  "severity-overrides": Record<string, Severity>;
  comment: { mode: "update" | "recreate" | "off"; when: "always" | "changes" };
  render: { glob: string; command: string | string[] }[];
  helm: { charts: { path: string; values: string[]; release?: string; namespace?: string }[] };
  environments: {
    name: string;
    paths: string[];
    namespace?: string;
    cluster?: string;
    helm?: { release?: string; values?: string[] };
  }[];
  "allow-remote-bases": boolean;
  "allow-remote-dependencies": boolean;
  "allow-render-commands": boolean;
}
