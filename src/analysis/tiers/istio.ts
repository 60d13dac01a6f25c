// One file: Istio's decision into the mesh, because PeerAuthentication and AuthorizationPolicy decide in one order.
// Istio's decision for a connection into a pod in the mesh, after the L3/L4 (CNI) decision: PeerAuthentication
// first (STRICT refuses plaintext), then AuthorizationPolicy in Istio's order
// (istio.io/latest/docs/reference/config/security/authorization-policy/): CUSTOM (an external authorizer, not
// evaluated: reported), then DENY (any match denies), then ALLOW (when any ALLOW policy applies to the workload,
// the request must match one of its rules; none -> allowed). AUDIT decides nothing. Only TCP is proxied: UDP
// and SCTP pass untouched.
//
// Identity: principals and source namespaces come from the peer's mTLS certificate, so they are known only
// when the source is in the mesh and the port's mTLS mode is not DISABLE; plaintext (a pod outside the mesh,
// an outside address) has none, and with STRICT it is refused.
//
// Where a policy is enforced decides what it can read (istio.io/latest/docs/ambient/usage/l4-policy/): a
// sidecar reads requests, so methods, paths, hosts, requestPrincipals and request `when` keys are "allowed at
// L4, restricted at L7" (kept, named, not evaluated); in ambient mode ztunnel reads connections only, and a
// rule it cannot enforce fails safe: an ALLOW rule with L7 attributes matches nothing, a DENY rule with them
// denies at L4. A policy attached by targetRefs (a Service or Gateway: a waypoint) reads requests.
import { containsInterval, universe } from "../../core/ip.js";
import { matches } from "../../core/label-selector.js";
import { ConnSet, PortSet } from "../../core/port-set.js";
import {
  type AuthorizationPolicy,
  ISTIO_ROOT_NAMESPACE,
  type IstioBlock,
  type IstioOperation,
  type IstioRule,
  type IstioSource,
  istioRuleName,
  istioStringMatches,
  type MtlsMode,
  type PeerAuthentication,
  principalOf,
} from "../../model/kinds/istio-policy.js";
import type { Cluster } from "../../model/types.js";
import type { Endpoint, PodClass, Step } from "../policy-eval.js";

const IPV4_ALL = universe(4);
const TCP_ALL = ConnSet.ports("TCP", PortSet.ALL);
const NOT_TCP = ConnSet.ALL.subtract(TCP_ALL);

/** What a source presents to the destination's proxy. */
interface Peer {
  readonly principal?: string;
  readonly namespace?: string;
  readonly endpoint: Endpoint;
}

type Enforcer = "sidecar" | "ztunnel" | "waypoint";

interface ModeGroup {
  readonly mode: MtlsMode;
  readonly ports: PortSet;
  /** The PeerAuthentication that set this mode (none: the mesh default, PERMISSIVE). */
  readonly by?: PeerAuthentication;
  readonly field?: string;
}

export class IstioTier {
  readonly active: boolean;
  private readonly policies: readonly AuthorizationPolicy[];
  private readonly peerAuths: readonly PeerAuthentication[];
  private readonly policyCache = new Map<number, { policy: AuthorizationPolicy; enforcer: Enforcer }[]>();
  private readonly modeCache = new Map<number, ModeGroup[]>();

  constructor(
    private readonly cluster: Cluster,
    private readonly rootNamespace = ISTIO_ROOT_NAMESPACE,
  ) {
    this.policies = cluster.authorizationPolicies ?? [];
    this.peerAuths = cluster.peerAuthentications ?? [];
    this.active = this.policies.length > 0 || this.peerAuths.length > 0;
  }

  private targets(policy: AuthorizationPolicy, subject: PodClass): boolean {
    return policy.targetRefs.some((ref) => {
      if (subject.namespace !== policy.namespace) return false;
      if (ref.kind === "Service")
        return this.cluster.services.some(
          (s) =>
            s.namespace === policy.namespace &&
            s.name === ref.name &&
            s.selector !== null &&
            Object.entries(s.selector).every(([k, v]) => subject.labels[k] === v),
        );
      // Istio labels the pods of a Gateway it deploys (a gateway or a waypoint) with the Gateway's name.
      if (ref.kind === "Gateway") return subject.labels["gateway.networking.k8s.io/gateway-name"] === ref.name;
      return false;
    });
  }

  /** The AuthorizationPolicies that apply to these pods, and who enforces each. */
  policiesFor(subject: PodClass): { policy: AuthorizationPolicy; enforcer: Enforcer }[] {
    const cached = subject.index >= 0 ? this.policyCache.get(subject.index) : undefined;
    if (cached) return cached;
    const out: { policy: AuthorizationPolicy; enforcer: Enforcer }[] = [];
    const mesh = subject.mesh ?? "none";
    if (mesh !== "none")
      for (const policy of this.policies) {
        // A policy in the root namespace applies to every namespace; elsewhere, to its own.
        if (policy.namespace !== this.rootNamespace && policy.namespace !== subject.namespace) continue;
        if (policy.targetRefs.length) {
          if (this.targets(policy, subject))
            out.push({ policy, enforcer: mesh === "ambient" ? "waypoint" : "sidecar" });
          continue;
        }
        if (policy.selector && !matches(policy.selector, subject.labels)) continue;
        out.push({ policy, enforcer: mesh === "ambient" ? "ztunnel" : "sidecar" });
      }
    if (subject.index >= 0) this.policyCache.set(subject.index, out);
    return out;
  }

  /**
   * The mTLS mode of each port of these pods: the workload's PeerAuthentication (its portLevelMtls first), else
   * the namespace's, else the mesh's (root namespace, no selector), else PERMISSIVE; UNSET inherits.
   */
  modes(subject: PodClass): ModeGroup[] {
    const cached = subject.index >= 0 ? this.modeCache.get(subject.index) : undefined;
    if (cached) return cached;
    const sorted = [...this.peerAuths].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const workload = sorted.find(
      (p) => p.namespace === subject.namespace && p.selector !== null && matches(p.selector, subject.labels),
    );
    const namespace = sorted.find((p) => p.namespace === subject.namespace && p.selector === null);
    const mesh = sorted.find((p) => p.namespace === this.rootNamespace && p.selector === null);
    const decided = [workload, namespace, mesh].find((p) => p?.mode !== undefined);
    const ambient = subject.mesh === "ambient";
    // ztunnel always speaks mTLS between ambient pods: DISABLE is ignored there.
    const fix = (m: MtlsMode): MtlsMode => (ambient && m === "DISABLE" ? "PERMISSIVE" : m);
    const groups: ModeGroup[] = [];
    let rest = PortSet.ALL;
    for (const { port, mode } of workload?.portLevel ?? []) {
      const ports = PortSet.range(port);
      rest = rest.subtract(ports);
      groups.push({ mode: fix(mode), ports, by: workload, field: `portLevelMtls[${port}]` });
    }
    groups.push({
      mode: fix(decided?.mode ?? "PERMISSIVE"),
      ports: rest,
      ...(decided ? { by: decided, field: "mtls" } : {}),
    });
    if (subject.index >= 0) this.modeCache.set(subject.index, groups);
    return groups;
  }

  private peer(subject: PodClass, other: Endpoint, mode: MtlsMode): Peer {
    if (other.type !== "pods") return { endpoint: other };
    const source = other.pods;
    const inMesh = (source.mesh ?? "none") !== "none";
    const mtls = inMesh && (subject.mesh === "ambient" || mode !== "DISABLE");
    return mtls
      ? {
          principal: principalOf(source.namespace, source.serviceAccount),
          namespace: source.namespace,
          endpoint: other,
        }
      : { endpoint: other };
  }

  private ipMatches(list: readonly IstioBlock[], peer: Peer): boolean {
    const ep = peer.endpoint;
    // Pod addresses are not known statically: only a block holding every IPv4 address surely holds a pod's
    // (as for the admin tier's networks); narrower blocks are taken to name outside addresses.
    if (ep.type === "pods")
      return list.some((b) => b.cidr.family === 4 && b.cidr.lo === 0n && b.cidr.hi === IPV4_ALL.hi);
    return list.some((b) => containsInterval(b.cidr, ep.interval));
  }

  private sourceMatches(s: IstioSource, peer: Peer): boolean {
    const any = (patterns: readonly string[], value: string | undefined) =>
      value !== undefined && patterns.some((p) => istioStringMatches(p, value));
    if (s.principals && !any(s.principals, peer.principal)) return false;
    if (s.notPrincipals && any(s.notPrincipals, peer.principal)) return false;
    if (s.namespaces && !any(s.namespaces, peer.namespace)) return false;
    if (s.notNamespaces && any(s.notNamespaces, peer.namespace)) return false;
    if (s.ipBlocks && !this.ipMatches(s.ipBlocks, peer)) return false;
    if (s.notIpBlocks && this.ipMatches(s.notIpBlocks, peer)) return false;
    return true;
  }

  private operationPorts(op: IstioOperation): PortSet {
    let ports = op.ports ? op.ports.reduce((acc, p) => acc.union(PortSet.range(p)), PortSet.EMPTY) : PortSet.ALL;
    for (const p of op.notPorts ?? []) ports = ports.subtract(PortSet.range(p));
    return ports;
  }

  /**
   * The TCP ports a rule matches for this peer: all of them (`conns`), and those matched by a source and an
   * operation that carry no request field (`plain`, what a DENY rule denies whole at a sidecar); what only a
   * request-reading proxy could check (`l7`: in the rule at all, for ztunnel's fail-safe) and `when`
   * conditions on connection attributes, which are named, not evaluated.
   */
  private ruleMatch(
    rule: IstioRule,
    peer: Peer,
  ): { conns: ConnSet; plain: ConnSet; l7: string[]; anyL7: boolean; conditions: string[] } {
    const none = { conns: ConnSet.NONE, plain: ConnSet.NONE, l7: [], anyL7: false, conditions: [] };
    const sources = rule.from === null ? null : rule.from.filter((s) => this.sourceMatches(s, peer));
    if (sources !== null && !sources.length) return none;
    const l7 = new Set<string>();
    for (const s of sources ?? []) for (const x of s.l7) l7.add(x);
    const sourcePlain = sources === null || sources.some((s) => !s.l7.length);
    let ports = PortSet.EMPTY;
    let plain = PortSet.EMPTY;
    if (rule.to === null) ports = plain = PortSet.ALL;
    else
      for (const op of rule.to) {
        const p = this.operationPorts(op);
        if (p.isEmpty()) continue;
        ports = ports.union(p);
        if (op.l7.length) for (const x of op.l7) l7.add(x);
        else plain = plain.union(p);
      }
    if (rule.whenL7) for (const w of rule.when) l7.add(`when ${w}`);
    const anyL7 =
      rule.whenL7 || (rule.from ?? []).some((s) => s.l7.length > 0) || (rule.to ?? []).some((o) => o.l7.length > 0);
    return {
      conns: ConnSet.ports("TCP", ports),
      plain: sourcePlain && !rule.whenL7 ? ConnSet.ports("TCP", plain) : ConnSet.NONE,
      l7: [...l7],
      anyL7,
      conditions: rule.whenL7 ? [] : rule.when.map((w) => `when ${w}`),
    };
  }

  /**
   * What Istio lets through into `subject` from `other` (every protocol but TCP passes; the TCP ports Istio
   * allows). Steps are appended to `trace` when given.
   */
  authorize(subject: PodClass, other: Endpoint, trace?: Step[]): ConnSet {
    if ((subject.mesh ?? "none") === "none") return ConnSet.ALL;
    const applied = this.policiesFor(subject);
    let allowed = NOT_TCP;
    for (const group of this.modes(subject)) {
      if (group.ports.isEmpty()) continue;
      const peer = this.peer(subject, other, group.mode);
      let remaining = ConnSet.ports("TCP", group.ports);
      if (group.mode === "STRICT" && peer.principal === undefined) {
        trace?.push({
          direction: "ingress",
          tier: "istio",
          verdict: "deny",
          conns: remaining,
          policy: group.by!.id,
          rule: `${group.field} STRICT`,
          file: group.by!.source.file,
          line: group.by!.source.lineOf(["spec", ...(group.field === "mtls" ? ["mtls"] : ["portLevelMtls"])]),
          note: "STRICT mTLS refuses plaintext: the source is not in the mesh",
        });
        continue;
      }
      const step = (
        policy: AuthorizationPolicy,
        rule: IstioRule | undefined,
        verdict: Step["verdict"],
        conns: ConnSet,
        extra: Partial<Step> = {},
      ) =>
        trace?.push({
          direction: "ingress",
          tier: "istio",
          verdict,
          conns,
          policy: policy.id,
          ...(rule ? { rule: istioRuleName(rule), namesPeers: rule.from !== null } : {}),
          file: policy.source.file,
          line: rule?.line ?? policy.source.line,
          ...extra,
        });
      for (const { policy } of applied.filter((a) => a.policy.action === "CUSTOM"))
        for (const rule of policy.rules) {
          const m = this.ruleMatch(rule, peer).conns.intersect(remaining);
          if (!m.isEmpty())
            step(policy, rule, "restrict", m, {
              l7: [`CUSTOM authorizer ${policy.provider ?? "(no provider)"}`],
            });
        }
      for (const { policy, enforcer } of applied.filter((a) => a.policy.action === "DENY"))
        for (const rule of policy.rules) {
          const m = this.ruleMatch(rule, peer);
          const conns = m.conns.intersect(remaining);
          if (conns.isEmpty()) continue;
          if (m.conditions.length) {
            // A condition on the connection we do not evaluate: the rule may or may not deny.
            step(policy, rule, "restrict", conns, { l7: [...m.l7, ...m.conditions] });
            continue;
          }
          // ztunnel ignores what it cannot read, so the rule denies the whole connection; a sidecar denies whole
          // only what a source and an operation without request fields match, and the rest per request.
          const denied = enforcer === "ztunnel" ? conns : m.plain.intersect(remaining);
          if (!denied.isEmpty()) {
            remaining = remaining.subtract(denied);
            step(
              policy,
              rule,
              "deny",
              denied,
              enforcer === "ztunnel" && m.anyL7
                ? {
                    note: `ztunnel cannot read ${m.l7.join("; ")}: the DENY rule applies to the whole connection (fail safe)`,
                  }
                : {},
            );
          }
          const perRequest = conns.subtract(denied);
          if (!perRequest.isEmpty()) step(policy, rule, "restrict", perRequest, { l7: m.l7 });
        }
      const allows = applied.filter((a) => a.policy.action === "ALLOW");
      if (!allows.length) {
        allowed = allowed.union(remaining);
        continue;
      }
      let opened = ConnSet.NONE;
      for (const { policy, enforcer } of allows) {
        let any = false;
        for (const rule of policy.rules) {
          const m = this.ruleMatch(rule, peer);
          if (m.conns.isEmpty()) continue;
          if (enforcer === "ztunnel" && m.anyL7) {
            step(policy, rule, "isolate", ConnSet.NONE, {
              note: "ztunnel cannot read its request fields: the ALLOW rule matches nothing (fail safe; a waypoint would enforce it)",
            });
            continue;
          }
          any = true;
          opened = opened.union(m.conns);
          const restricted = [...m.l7, ...m.conditions];
          step(policy, rule, "allow", m.conns.intersect(remaining), restricted.length ? { l7: restricted } : {});
        }
        // An ALLOW policy with no rules, or none matching: the workload is limited to what other ALLOW rules match.
        if (!any) step(policy, undefined, "isolate", ConnSet.NONE);
      }
      allowed = allowed.union(remaining.intersect(opened));
    }
    return allowed;
  }
}
