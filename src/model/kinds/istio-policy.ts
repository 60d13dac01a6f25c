// One file: Istio's AuthorizationPolicy, PeerAuthentication and mesh membership, because a kind is read in one module.
// security.istio.io AuthorizationPolicy and PeerAuthentication (v1 and v1beta1), read into typed rules the
// policy evaluator applies to pods in the mesh (analysis/istio-eval.ts), and which pods are in the mesh.
// Semantics: istio.io/latest/docs/reference/config/security/authorization-policy/ and
// .../peer_authentication/, istio.io/latest/docs/concepts/security/ (authorization, peer authentication),
// istio.io/latest/docs/ambient/usage/l4-policy/ (what ztunnel enforces).
import type { IpInterval } from "../../core/ip.js";
import type { LabelSelector, Labels } from "../../core/label-selector.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, optList, optObj, optString } from "../fields.js";
import type { Located } from "../types.js";
import type { Meta } from "./metadata.js";
import { cidrAt, selectorAt } from "./network-policy.js";

export const ISTIO_SECURITY_GROUP = "security.istio.io";
/** meshConfig.rootNamespace's default: a policy here applies to every namespace of the mesh. */
export const ISTIO_ROOT_NAMESPACE = "istio-system";
/** The default trust domain: principals are `cluster.local/ns/<namespace>/sa/<service account>`. */
const TRUST_DOMAIN = "cluster.local";

export type IstioAction = "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";

/** One of Istio's string matches: exact, `prefix*`, `*suffix`, or `*` (any non-empty value). */
export function istioStringMatches(pattern: string, value: string): boolean {
  if (pattern === "*") return value !== "";
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

export interface IstioBlock {
  readonly cidr: IpInterval;
  readonly text: string;
}

/** `from.source`: L4 fields as values to match, L7 fields (requestPrincipals) only named. */
export interface IstioSource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  /** ipBlocks and remoteIpBlocks alike: without a proxy in front, the remote address is the source address. */
  readonly ipBlocks?: readonly IstioBlock[];
  readonly notIpBlocks?: readonly IstioBlock[];
  /** Fields only a proxy reading requests can check (requestPrincipals), as `field: values`. */
  readonly l7: readonly string[];
}

/** `to.operation`: ports as numbers; hosts, methods and paths only named (L7). */
export interface IstioOperation {
  readonly ports?: readonly number[];
  readonly notPorts?: readonly number[];
  readonly l7: readonly string[];
}

export interface IstioRule {
  readonly index: number;
  readonly line: number;
  /** null: any source. */
  readonly from: readonly IstioSource[] | null;
  /** null: any operation. */
  readonly to: readonly IstioOperation[] | null;
  /** `when` conditions as `key in [values]`: reported, not evaluated. */
  readonly when: readonly string[];
  /** Whether some `when` key is read from the request (request.*, experimental.*): L7. */
  readonly whenL7: boolean;
}

export interface IstioTargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

export interface AuthorizationPolicy extends Located {
  readonly namespace: string;
  readonly action: IstioAction;
  /** CUSTOM: the extension provider's name. */
  readonly provider?: string;
  /** null: every workload of the namespace (of the mesh, in the root namespace), unless targetRefs say otherwise. */
  readonly selector: LabelSelector | null;
  readonly targetRefs: readonly IstioTargetRef[];
  readonly rules: readonly IstioRule[];
}

export interface PeerAuthentication extends Located {
  readonly namespace: string;
  readonly selector: LabelSelector | null;
  /** undefined: UNSET (inherits from the namespace's, then the mesh's). */
  readonly mode?: MtlsMode;
  /** portLevelMtls: the workload's (container) port -> mode; UNSET ports are left out. */
  readonly portLevel: readonly { readonly port: number; readonly mode: MtlsMode }[];
}

function strings(value: unknown, path: Path): string[] | undefined {
  const list = optList(value, path);
  return list?.map((v, i) => {
    if (typeof v !== "string" && typeof v !== "number") fail([...path, i], "must be a string");
    return String(v);
  });
}

function blocks(value: unknown, path: Path): IstioBlock[] | undefined {
  return strings(value, path)?.map((text, i) => ({
    // A single address is a /32 (or /128): Istio accepts both forms.
    cidr: cidrAt(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`, [...path, i]),
    text,
  }));
}

function ports(value: unknown, path: Path): number[] | undefined {
  return strings(value, path)?.map((text, i) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65535)
      fail([...path, i], `${JSON.stringify(text)} is not a port (1-65535)`);
    return n;
  });
}

const L7_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals"] as const;
const L7_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"] as const;

function named(obj: Record<string, unknown>, fields: readonly string[], path: Path): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const values = strings(obj[f], [...path, f]);
    if (values?.length) out.push(`${f}: ${values.join(", ")}`);
  }
  return out;
}

function readSource(value: unknown, path: Path): IstioSource {
  const entry = optObj(value, path);
  const source = optObj(entry?.source, [...path, "source"]) ?? {};
  const at = [...path, "source"];
  const ipBlocks = [...(blocks(source.ipBlocks, [...at, "ipBlocks"]) ?? [])];
  const remote = blocks(source.remoteIpBlocks, [...at, "remoteIpBlocks"]);
  const notIpBlocks = [
    ...(blocks(source.notIpBlocks, [...at, "notIpBlocks"]) ?? []),
    ...(blocks(source.notRemoteIpBlocks, [...at, "notRemoteIpBlocks"]) ?? []),
  ];
  return {
    ...optional("principals", strings(source.principals, [...at, "principals"])),
    ...optional("notPrincipals", strings(source.notPrincipals, [...at, "notPrincipals"])),
    ...optional("namespaces", strings(source.namespaces, [...at, "namespaces"])),
    ...optional("notNamespaces", strings(source.notNamespaces, [...at, "notNamespaces"])),
    ...(source.ipBlocks !== undefined || remote !== undefined ? { ipBlocks: [...ipBlocks, ...(remote ?? [])] } : {}),
    ...(notIpBlocks.length ? { notIpBlocks } : {}),
    l7: named(source, L7_SOURCE_FIELDS, at),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readOperation(value: unknown, path: Path): IstioOperation {
  const entry = optObj(value, path);
  const op = optObj(entry?.operation, [...path, "operation"]) ?? {};
  const at = [...path, "operation"];
  return {
    ...optional("ports", ports(op.ports, [...at, "ports"])),
    ...optional("notPorts", ports(op.notPorts, [...at, "notPorts"])),
    l7: named(op, L7_OPERATION_FIELDS, at),
  };
}

function readRule(value: unknown, path: Path, index: number, source: Source): IstioRule {
  const rule = optObj(value, path) ?? {};
  const from = optList(rule.from, [...path, "from"]);
  const to = optList(rule.to, [...path, "to"]);
  const when: string[] = [];
  let whenL7 = false;
  for (const [i, c] of (optList(rule.when, [...path, "when"]) ?? []).entries()) {
    const cond = optObj(c, [...path, "when", i]);
    const key = optString(cond?.key, [...path, "when", i, "key"]);
    if (!key) fail([...path, "when", i, "key"], "is missing");
    if (key.startsWith("request.") || key.startsWith("experimental.")) whenL7 = true;
    const values = strings(cond?.values, [...path, "when", i, "values"]);
    const notValues = strings(cond?.notValues, [...path, "when", i, "notValues"]);
    when.push(
      [values ? `${key} in [${values.join(", ")}]` : "", notValues ? `${key} not in [${notValues.join(", ")}]` : ""]
        .filter(Boolean)
        .join(" and ") || key,
    );
  }
  return {
    index,
    line: source.lineOf(path),
    from: from?.length ? from.map((f, i) => readSource(f, [...path, "from", i])) : null,
    to: to?.length ? to.map((t, i) => readOperation(t, [...path, "to", i])) : null,
    when,
    whenL7,
  };
}

const ACTIONS: readonly IstioAction[] = ["ALLOW", "DENY", "AUDIT", "CUSTOM"];

function readSelector(spec: Record<string, unknown>, path: Path): LabelSelector | null {
  const selector = optObj(spec.selector, path);
  if (!selector) return null;
  // Istio's WorkloadSelector has matchLabels only.
  return selectorAt({ matchLabels: selector.matchLabels ?? {} }, path);
}

export function readAuthorizationPolicy(
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string,
  source: Source,
): AuthorizationPolicy {
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const actionText = optString(spec.action, ["spec", "action"]) ?? "ALLOW";
  if (!(ACTIONS as readonly string[]).includes(actionText))
    fail(["spec", "action"], `${JSON.stringify(actionText)} is not one of ${ACTIONS.join(", ")}`);
  const action = actionText as IstioAction;
  const refs = [
    ...(optList(spec.targetRefs, ["spec", "targetRefs"]) ?? []).map((r, i) => [r, ["spec", "targetRefs", i]] as const),
    ...(spec.targetRef !== undefined && spec.targetRef !== null
      ? [[spec.targetRef, ["spec", "targetRef"]] as const]
      : []),
  ];
  const targetRefs = refs.map(([r, path]) => {
    const ref = optObj(r, path);
    if (!ref) fail(path, "must be a mapping with kind and name");
    const kind = optString(ref.kind, [...path, "kind"]);
    const name = optString(ref.name, [...path, "name"]);
    if (!kind || !name) fail(path, "needs kind and name");
    return { group: optString(ref.group, [...path, "group"]) ?? "", kind, name };
  });
  const selector = readSelector(spec, ["spec", "selector"]);
  if (selector && targetRefs.length) fail(["spec"], "selector and targetRefs cannot both be set");
  const provider =
    action === "CUSTOM"
      ? optString(optObj(spec.provider, ["spec", "provider"])?.name, ["spec", "provider", "name"])
      : undefined;
  return {
    id: `${namespace}/AuthorizationPolicy/${meta.name}`,
    kind: "AuthorizationPolicy",
    name: meta.name,
    namespace,
    source,
    action,
    ...(provider ? { provider } : {}),
    selector,
    targetRefs,
    rules: (optList(spec.rules, ["spec", "rules"]) ?? []).map((r, i) => readRule(r, ["spec", "rules", i], i, source)),
  };
}

const MODES: readonly string[] = ["STRICT", "PERMISSIVE", "DISABLE", "UNSET"];

function modeAt(value: unknown, path: Path): MtlsMode | undefined {
  const obj = optObj(value, path);
  const text = optString(obj?.mode, [...path, "mode"]) ?? "UNSET";
  if (!MODES.includes(text)) fail([...path, "mode"], `${JSON.stringify(text)} is not one of ${MODES.join(", ")}`);
  return text === "UNSET" ? undefined : (text as MtlsMode);
}

export function readPeerAuthentication(
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string,
  source: Source,
): PeerAuthentication {
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const selector = readSelector(spec, ["spec", "selector"]);
  const portLevel: { port: number; mode: MtlsMode }[] = [];
  const levels = optObj(spec.portLevelMtls, ["spec", "portLevelMtls"]);
  for (const [key, value] of Object.entries(levels ?? {})) {
    const path = ["spec", "portLevelMtls", key];
    const port = Number(key);
    if (!/^\d+$/.test(key) || port < 1 || port > 65535) fail(path, `${JSON.stringify(key)} is not a port (1-65535)`);
    const mode = modeAt(value, path);
    if (mode) portLevel.push({ port, mode });
  }
  return {
    id: `${namespace}/PeerAuthentication/${meta.name}`,
    kind: "PeerAuthentication",
    name: meta.name,
    namespace,
    source,
    selector,
    mode: modeAt(spec.mtls, ["spec", "mtls"]),
    portLevel,
  };
}

/** A short name of an AuthorizationPolicy rule for explain: `rules[0]`. */
export function istioRuleName(rule: IstioRule): string {
  return `rules[${rule.index}]`;
}

/** Every address block an AuthorizationPolicy names, for cutting the address space into atoms. */
export function istioBlocks(policy: AuthorizationPolicy): IpInterval[] {
  return policy.rules.flatMap((r) =>
    (r.from ?? []).flatMap((s) => [...(s.ipBlocks ?? []), ...(s.notIpBlocks ?? [])].map((b) => b.cidr)),
  );
}

/** How a pod is in the mesh: a sidecar proxy, ambient (ztunnel), or not at all. */
export type MeshMode = "sidecar" | "ambient" | "none";

const INJECT = "sidecar.istio.io/inject";

/**
 * Whether Istio puts a pod in the mesh, from its namespace's labels and its own label and annotation
 * (istio.io/latest/docs/setup/additional-setup/sidecar-injection/, "Controlling the injection policy"):
 * `istio-injection=disabled` on the namespace or `sidecar.istio.io/inject: "false"` on the pod never
 * inject; `istio-injection=enabled` or an `istio.io/rev` label on the namespace, or the pod label
 * `sidecar.istio.io/inject: "true"`, inject. The annotation is read only where the webhook runs (a
 * labelled namespace). Otherwise a namespace (or pod) labelled `istio.io/dataplane-mode=ambient` puts the
 * pod in ambient mode, unless the pod says `istio.io/dataplane-mode: none`. hostNetwork pods are never
 * in the mesh. Gateway pods (labelled as Istio labels them) are proxies of the mesh themselves.
 */
export function meshModeOf(
  pod: { readonly labels: Labels; readonly sidecarInject?: string; readonly hostNetwork: boolean },
  namespaceLabels: Labels,
): MeshMode {
  if (pod.hostNetwork) return "none";
  // A gateway is itself an Envoy proxy of the mesh with its own identity, whatever injection says: istioctl's
  // and the gateway chart's pods carry `istio: ingressgateway` (or egress-, eastwest-), and gateways Istio
  // deploys for a Gateway API Gateway carry its name.
  if (
    /gateway$/.test(pod.labels.istio ?? "") ||
    pod.labels["gateway.networking.k8s.io/gateway-name"] !== undefined ||
    pod.labels["istio.io/gateway-name"] !== undefined
  )
    return "sidecar";
  const ns = namespaceLabels["istio-injection"];
  const podLabel = pod.labels[INJECT];
  const webhook = ns === "enabled" || (ns === undefined && namespaceLabels["istio.io/rev"] !== undefined);
  const disabled = ns === "disabled" || podLabel === "false" || (webhook && pod.sidecarInject === "false");
  if (!disabled && (webhook || podLabel === "true")) return "sidecar";
  const dataplane = pod.labels["istio.io/dataplane-mode"] ?? namespaceLabels["istio.io/dataplane-mode"];
  return dataplane === "ambient" ? "ambient" : "none";
}

/** The namespace labels that say a namespace uses Istio (for discovering the mesh). */
export function namespaceUsesIstio(labels: Labels): boolean {
  return (
    labels["istio-injection"] === "enabled" ||
    labels["istio.io/rev"] !== undefined ||
    labels["istio.io/dataplane-mode"] === "ambient"
  );
}

/** A principal as Istio derives it from a pod's service account. */
export function principalOf(namespace: string, serviceAccount: string | undefined): string {
  return `${TRUST_DOMAIN}/ns/${namespace}/sa/${serviceAccount || "default"}`;
}
