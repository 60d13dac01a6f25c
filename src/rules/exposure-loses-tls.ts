import type { Rule } from "./rule.js";
import { entryName, exposureIdentity } from "./helpers.js";

export const rule: Rule = {
  id: "exposure-loses-tls",
  severity: "high",
  title: "Exposure loses TLS",
  explanation:
    "An entry point that served TLS now serves plain text: credentials and session cookies travel unencrypted.",
  fix: "Keep the host in the Ingress tls section (or the listener's HTTPS/TLS protocol with a certificate).",
  messages: { dropped: "{{entry}} to {{workload}} no longer uses TLS" },
  check(ctx) {
    return ctx.exposures
      .filter((c) => c.change === "changed" && c.deltas.some((d) => d.kind === "tls-dropped") && c.head)
      .map((c) => ({
        messageId: "dropped",
        data: { entry: entryName(c.head!), workload: c.head!.workload },
        objects: [c.head!.via.ref, c.head!.workload],
        key: exposureIdentity(c.head!),
        file: c.head!.file,
        line: c.head!.line,
      }));
  },
};
