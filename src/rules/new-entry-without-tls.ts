import { newlyExposed } from "./exposure-helpers.js";
import type { Hit, Rule } from "./rule.js";

/** Entry kinds that serve HTTP hosts (where TLS is expected). */
const HOST_ENTRIES: ReadonlySet<string> = new Set(["Ingress", "Gateway", "Route"]);

export const rule: Rule = {
  id: "new-entry-without-tls",
  severity: "medium",
  title: "New internet-facing host without TLS",
  explanation:
    "A new Ingress host, Gateway listener or OpenShift Route is reachable from the internet over plain HTTP only: credentials and session cookies sent to it travel unencrypted. (Losing TLS on an existing host is exposure-loses-tls.)",
  fix: "Add the host to the Ingress tls section with a certificate Secret (or attach the route to an HTTPS listener; give the Route a tls section).",
  messages: { plain: "{{ref}} serves {{host}} to the internet over plain HTTP (no TLS)" },
  check(ctx) {
    const hostKey = (ref: string, host: string | undefined) => `${ref}\u0000${host ?? "*"}`;
    // A host also served with TLS (an HTTPS listener beside a redirecting HTTP one) is not plain-only.
    const served = new Set(ctx.head.exposures.filter((e) => e.via.tls).map((e) => hostKey(e.via.ref, e.via.host)));
    const hits = new Map<string, Hit>();
    for (const { e, reach } of newlyExposed(ctx)) {
      if (reach.kind !== "internet" || !HOST_ENTRIES.has(e.via.kind) || e.via.tls) continue;
      const key = hostKey(e.via.ref, e.via.host);
      if (served.has(key) || hits.has(key)) continue;
      hits.set(key, {
        messageId: "plain",
        data: { ref: e.via.ref, host: e.via.host ?? "every host" },
        objects: [e.via.ref],
        key: [e.via.host ?? "*"],
        file: e.file,
        line: e.line,
      });
    }
    return [...hits.values()];
  },
};
