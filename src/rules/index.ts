// The rule catalogue, and running it over a diff. docs/rules.md is generated from RULES.
import type { Config, Severity } from "../config/schema.js";
import { SEVERITIES } from "../config/schema.js";
import { type Finding, formatMessage, type Rule, type RuleContext } from "./rule.js";
import { rule as internetExposureSensitivePort } from "./internet-exposure-sensitive-port.js";
import { rule as newInternetExposure } from "./new-internet-exposure.js";
import { rule as loadbalancerWithoutSourceRanges } from "./loadbalancer-without-source-ranges.js";
import { rule as newNodeport } from "./new-nodeport.js";
import { rule as newHostPort } from "./new-host-port.js";
import { rule as newServiceExport } from "./new-service-export.js";
import { rule as newExternalIps } from "./new-external-ips.js";
import { rule as exposureLosesTls } from "./exposure-loses-tls.js";
import { rule as newEntryWithoutTls } from "./new-entry-without-tls.js";
import { rule as wildcardHost } from "./wildcard-host.js";
import { rule as gatewayAllowsAllNamespaces } from "./gateway-allows-all-namespaces.js";
import { rule as newReferenceGrant } from "./new-reference-grant.js";
import { rule as isolationLost } from "./isolation-lost.js";
import { rule as ingressFromInternet } from "./ingress-from-internet.js";
import { rule as ingressFromAllNamespaces } from "./ingress-from-all-namespaces.js";
import { rule as egressToInternet } from "./egress-to-internet.js";
import { rule as newCrossNamespaceFlow } from "./new-cross-namespace-flow.js";
import { rule as newConnection } from "./new-connection.js";
import { rule as dnsEgressLost } from "./dns-egress-lost.js";
import { rule as declaredDependencyBlocked } from "./declared-dependency-blocked.js";
import { rule as declaredDependencyDenied } from "./declared-dependency-denied.js";
import { rule as exposureNewlyBlocked } from "./exposure-newly-blocked.js";
import { rule as flowBlockedOneSided } from "./flow-blocked-one-sided.js";
import { rule as routeReachesNoPod } from "./route-reaches-no-pod.js";
import { rule as policySelectsNothing } from "./policy-selects-nothing.js";
import { rule as connectionsRemoved } from "./connections-removed.js";
import { rule as usedFlowLost } from "./used-flow-lost.js";
import { rule as renderFailed } from "./render-failed.js";
import { rule as denyPolicyRemoved } from "./deny-policy-removed.js";
import { rule as l7RestrictionDropped } from "./l7-restriction-dropped.js";
import { rule as workloadRenamed } from "./workload-renamed.js";

export const RULES: readonly Rule[] = [
  internetExposureSensitivePort,
  newInternetExposure,
  loadbalancerWithoutSourceRanges,
  newNodeport,
  newHostPort,
  newServiceExport,
  newExternalIps,
  exposureLosesTls,
  newEntryWithoutTls,
  wildcardHost,
  gatewayAllowsAllNamespaces,
  newReferenceGrant,
  isolationLost,
  denyPolicyRemoved,
  ingressFromInternet,
  ingressFromAllNamespaces,
  egressToInternet,
  newCrossNamespaceFlow,
  l7RestrictionDropped,
  newConnection,
  declaredDependencyBlocked,
  declaredDependencyDenied,
  dnsEgressLost,
  exposureNewlyBlocked,
  flowBlockedOneSided,
  routeReachesNoPod,
  policySelectsNothing,
  usedFlowLost,
  connectionsRemoved,
  workloadRenamed,
  renderFailed,
];

const severityRank = (s: Severity | "none"): number => (s === "none" ? SEVERITIES.length : SEVERITIES.indexOf(s));

export function runRules(ctx: RuleContext, config: Config): Finding[] {
  const findings: Finding[] = [];
  const rank = new Map(RULES.map((r) => [r.id, r.rank ?? 0]));
  for (const rule of RULES) {
    if (config["ignore-rules"].includes(rule.id)) continue;
    const override = config["severity-overrides"][rule.id];
    for (const hit of rule.check(ctx)) {
      const severity = override ?? hit.severity ?? rule.severity;
      const at = hit.file ? { file: hit.file, line: hit.line } : hit.objects.map((o) => ctx.locate(o)).find(Boolean);
      const template = rule.messages[hit.messageId];
      if (template === undefined) throw new Error(`rule ${rule.id} has no message ${hit.messageId}`);
      findings.push({
        rule: rule.id,
        severity:
          hit.severityCap && severityRank(hit.severityCap) > severityRank(severity) ? hit.severityCap : severity,
        title: rule.title,
        messageId: hit.messageId,
        data: hit.data,
        message: formatMessage(template, hit.data),
        file: at?.file,
        line: at?.line,
        objects: hit.objects,
        ...(hit.key ? { key: hit.key } : {}),
        fix: rule.fixes?.[hit.messageId] ?? rule.fix,
      });
    }
  }
  return findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (rank.get(b.rule) ?? 0) - (rank.get(a.rule) ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

export function overallRisk(findings: readonly Finding[]): Severity | "none" {
  return findings.reduce<Severity | "none">(
    (worst, f) => (severityRank(f.severity) < severityRank(worst) ? f.severity : worst),
    "none",
  );
}

/** True when `risk` is at least as severe as `threshold`. */
export function reaches(risk: Severity | "none", threshold: Severity | "none"): boolean {
  return threshold !== "none" && risk !== "none" && severityRank(risk) <= severityRank(threshold);
}
