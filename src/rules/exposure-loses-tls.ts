import type { Rule } from "./rule.js";
import { entryName } from "./helpers.js";

export const rule: Rule = {
  id: "exposure-loses-tls",
  severity: "high",
  title: "Exposure loses TLS",
  explanation:
    "An entry point that served TLS now serves plain text: credentials and session cookies travel unencrypted.",
  fix: "Keep the host in the Ingress tls section (or the listener's HTTPS/TLS protocol with a certificate).",
  check(ctx) {
    return ctx.exposures
      .filter((c) => c.change === "changed" && c.what.includes("TLS dropped") && c.head)
      .map((c) => ({
        message: `${entryName(c.head!)} to ${c.head!.workload} no longer uses TLS`,
        objects: [c.head!.via.ref, c.head!.workload],
        file: c.head!.file,
        line: c.head!.line,
      }));
  },
};
