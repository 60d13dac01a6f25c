import { describe, expect, it } from "vitest";
import { deployment, docs, findingsOf, service } from "./harness.js";

const RULE = "new-external-ips";
const web = deployment("shop", "web");

describe(RULE, () => {
  it("fires when a Service claims external IPs", () => {
    const hits = findingsOf(
      RULE,
      docs(web, service("shop", "web")),
      docs(web, service("shop", "web", { externalIPs: ["198.51.100.7"] })),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0].objects).toEqual(["shop/Service/web"]);
    expect(hits[0].message).toContain("198.51.100.7");
  });

  it("does not fire when the external IPs are unchanged, nor without any", () => {
    const both = docs(web, service("shop", "web", { externalIPs: ["198.51.100.7"] }));
    expect(findingsOf(RULE, both, both)).toEqual([]);
    expect(findingsOf(RULE, web, docs(web, service("shop", "web")))).toEqual([]);
  });
});
