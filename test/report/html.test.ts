// The HTML report's structure and safety, read with jsdom (which runs no script): everything from a
// manifest is text, the only scripts are Mermaid's bundle and the page's own, both allowed by hash
// in the Content-Security-Policy, and nothing is fetched. test/browser draws it in Chromium.
import { createHash } from "node:crypto";
import { join } from "node:path";
import fc from "fast-check";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { headline } from "../../src/report/diff-text.js";
import { renderHtml } from "../../src/report/html.js";
import { html, inlineScript, mermaidBundle, mermaidPage } from "../../src/report/html-page.js";
import { sanitize, truncate } from "../../src/report/escape.js";
import { buildDiagram } from "../../src/report/mermaid.js";
import { diffClusters } from "../../src/review/review.js";
import { loadSide } from "../../src/snapshot.js";
import { cluster, DEMO, demoResult, diff, HOSTILE, hostileDiff, ROOT, testExposures } from "../helpers/report.js";

const REPO = "https://github.com/acme/shop";
const SHA = "0123456789abcdef0123456789abcdef01234567";

const parse = (page: string) => new JSDOM(page).window.document;
const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

/** Everything a report may contain: no element or attribute a manifest could have added. */
const TAGS = new Set([
  "html",
  "head",
  "meta",
  "title",
  "style",
  "body",
  "header",
  "h1",
  "h2",
  "p",
  "span",
  "strong",
  "code",
  "section",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "ul",
  "li",
  "a",
  "br",
  "figure",
  "figcaption",
  "div",
  "details",
  "summary",
  "pre",
  "button",
  "footer",
  "script",
]);

function expectInert(doc: Document, scripts: number): void {
  for (const el of doc.querySelectorAll("*")) {
    expect(TAGS.has(el.tagName.toLowerCase()), el.tagName).toBe(true);
    for (const a of el.getAttributeNames()) expect(a.startsWith("on"), a).toBe(false);
  }
  expect(doc.querySelectorAll("script")).toHaveLength(scripts);
  for (const a of doc.querySelectorAll("a")) {
    expect(a.getAttribute("href")).toMatch(new RegExp(`^${REPO}/blob/${SHA}/[^\\s"'<>]+$`));
    expect(a.getAttribute("rel")).toBe("noopener noreferrer");
  }
}

describe("the demo pull request's HTML report", () => {
  const r = demoResult();
  const page = renderHtml(r, { repoUrl: REPO, headSha: SHA, base: "fixtures/demo/base", head: "fixtures/demo/head" });
  const doc = parse(page);

  it("has the verdict, what was compared, and the summary", () => {
    expect(doc.querySelector("h1")!.textContent).toBe(`critical ${headline(r)}`);
    expect(doc.title).toBe(`reachdiff: ${headline(r)}`);
    expect(doc.querySelector(".sides")!.textContent).toBe("base fixtures/demo/base → head fixtures/demo/head");
    expect(doc.querySelector(".summary")!.textContent).toBe(
      "9 findings 1 critical 5 high 3 medium · 4 exposure changes · 2 reachability changes · 4 objects changed",
    );
  });

  it("has every table, with every row and links to file and line", () => {
    const rows = (id: string) =>
      [...doc.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
        [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim()),
      );
    // One row per root cause, in plain words, as the comment's table: the load balancer's four findings in one.
    expect(rows("risk-table")).toHaveLength(5);
    const [lb] = [...doc.querySelectorAll("#risk-table tbody tr")];
    expect(lb.querySelectorAll("td")[1].innerHTML).toBe(
      "<code>internet-exposure-sensitive-port</code><br><code>loadbalancer-without-source-ranges</code><br><code>new-nodeport</code>",
    );
    expect(rows("risk-table")[0][2]).toBe(
      "Service db-external in namespace shop added: db becomes reachable from the internet on port 5432 (postgres) via the load balancer db-external" +
        "also high Service db-external is a new internet-facing load balancer open to 0.0.0.0/0" +
        "also high db becomes reachable on port 5432 (postgres) via a node port of db-external on every node, from the internet if your nodes have public addresses" +
        "also medium Service db-external opens a node port on every node",
    );
    expect(rows("risk-table")[0][3]).toBe("services.yaml:66");
    expect(lb.querySelectorAll("td")[4].querySelectorAll("li")).toHaveLength(3);
    expect(rows("risk-table")[2].slice(0, 4)).toEqual([
      "high",
      "ingress-from-internet",
      "the internet (0.0.0.0/0) can now reach db in namespace shop on port 5432 (postgres)",
      "network-policies.yaml:72",
    ]);
    expect(doc.querySelector("#risk-table a")!.getAttribute("href")).toBe(`${REPO}/blob/${SHA}/services.yaml#L66`);
    expect(rows("exposure-table")).toHaveLength(r.exposures.length);
    expect(rows("exposure-table")[0].slice(0, 5)).toEqual([
      "added",
      "LoadBalancer :5432 of shop/Service/db-externaldb-external.shop.svc.cluster.local",
      "shop/StatefulSet/db",
      "TCP 5432",
      "0.0.0.0/0",
    ]);
    expect(rows("reachability-table")).toEqual([
      [
        "added",
        "outside 0.0.0.0/0",
        "shop/StatefulSet/db",
        "TCP 5432",
        "shop/NetworkPolicy/db changed (network-policies.yaml:72)",
      ],
      [
        "added",
        "monitoring/Deployment/prometheus",
        "shop/Deployment/web",
        "TCP 8080",
        "shop/NetworkPolicy/web changed (network-policies.yaml:29)",
      ],
    ]);
    expect(rows("object-table")).toHaveLength(r.objects.length);
    expect(doc.querySelector("#delta pre")!.textContent).toBe(
      "+ monitoring/Deployment/prometheus -> shop/Deployment/web TCP 8080\n+ outside 0.0.0.0/0 -> shop/StatefulSet/db TCP 5432",
    );
    expect(doc.querySelector("#unread")).toBeNull();
    expect(doc.querySelector("#renames")).toBeNull();
    expect(doc.querySelector("footer")!.textContent).toMatch(
      /^reachdiff \d+\.\d+\.\d+ · base: 5 workloads, 4 Services, 5 NetworkPolicies · head: 5 workloads, 5 Services, 5 NetworkPolicies/,
    );
  });

  it("carries the comment's diagram as text for Mermaid to draw", () => {
    expect(doc.querySelector("#diagram-source")!.textContent).toBe(buildDiagram(r).text);
    expect(doc.querySelector("#diagram")!.getAttribute("data-state")).toBe("pending");
  });

  it("runs only its two scripts, allowed by hash, and fetches nothing", () => {
    const scripts = [...doc.querySelectorAll("script")].map((s) => s.textContent!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toBe(mermaidBundle());
    expect(scripts[1]).toContain('securityLevel":"strict"');
    // No Mermaid click bindings, nothing fetched (its one listener is the page's own size button).
    expect(scripts[1]).not.toMatch(/bindFunctions|fetch\(|XMLHttpRequest|import\(|innerHTML = (?!svg)/);
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute("content")!;
    expect(csp).toBe(
      `default-src 'none'; script-src ${scripts.map(sha256).join(" ")}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`,
    );
    const shell = page.replace(mermaidBundle(), "");
    expect(shell).not.toMatch(/<(link|iframe|img|object|embed|base|form)\b|\ssrc=/i);
    expect(
      [...shell.matchAll(/https?:\/\/[^\s"'<>]*/g)].map((m) => m[0]).every((u) => u.startsWith(`${REPO}/blob/${SHA}/`)),
    ).toBe(true);
    expectInert(doc, 2);
  });

  it("inlines Mermaid's browser build, which cannot end its script element", () => {
    const bundle = mermaidBundle();
    expect(bundle.length).toBeGreaterThan(1_000_000);
    expect(bundle).not.toMatch(/<\/script/i);
    expect(bundle).not.toContain("<!--");
    expect(bundle).toContain("securityLevel");
  });
});

describe("other reports", () => {
  it("shows removals as removed (the demo in reverse)", () => {
    const doc = parse(renderHtml(diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base")))));
    expect(doc.querySelector("#delta pre .del")!.textContent).toMatch(/^- /);
    expect([...doc.querySelectorAll("#reachability-table td.change-removed")]).toHaveLength(2);
  });

  it("says that nothing changes, with no diagram and no script", () => {
    const same = renderHtml(diff(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "base"))));
    const doc = parse(same);
    expect(doc.querySelector("h1")!.textContent).toBe("none No change in exposure or reachability.");
    expect(doc.querySelector("#diagram")).toBeNull();
    expect(doc.querySelectorAll("script")).toHaveLength(0);
    expect(same).toContain("script-src 'none'");
    expect(same.length).toBeLessThan(20_000);
  });

  it("lists what could not be read on each side, every severity", () => {
    const good = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    const broken = `${good}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: [not, a, map]\n---\nkind: [unterminated\n`;
    const r = diff(cluster(good, "base.yaml"), cluster(broken, "apps/head.yaml"));
    const doc = parse(renderHtml(r));
    const rows = [...doc.querySelectorAll("#diagnostic-table tbody tr")].map(
      (tr) => tr.querySelector("td")!.textContent,
    );
    expect(rows.length).toBe(r.diagnostics.base.length + r.diagnostics.head.length);
    expect(rows).toContain("head");
  });

  it("draws a single diagram page the same way", () => {
    const doc = parse(mermaidPage('flowchart LR\n  n1["a <b>"] --> n2', "a <title>"));
    expect(doc.querySelector("h1")!.textContent).toBe("a <title>");
    expect(doc.querySelector("#diagram-source")!.textContent).toBe('flowchart LR\n  n1["a <b>"] --> n2');
    expect(doc.querySelectorAll("#diagram-source *")).toHaveLength(0);
  });
});

describe("escaping", () => {
  it("html() leaves no markup, control or bidi character", () => {
    expect(html(`<a href="x" onclick='y'>&amp;</a>\u202E\u0000\n`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("inlineScript() keeps what a script means while it cannot close its element", () => {
    const js =
      'return ["</script><!--", /<!--x/u.test("a<!--x"), /[<]\\/script/i.test("</SCRIPT>"), `</SCRIPT>`, "<\\/script"]';
    const safe = inlineScript(js);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    expect(new Function(safe)()).toEqual(new Function(js)());
  });
});

describe("hostile manifests", () => {
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
    {
      weight: 2,
      arbitrary: fc.array(fc.constantFrom(...HOSTILE), { minLength: 2, maxLength: 4 }).map((a) => a.join("")),
    },
  );
  const name = text.map((s) => s || "x");

  it("never add an element, an attribute, a script or a link to the report", () => {
    const bundle = mermaidBundle();
    fc.assert(
      fc.property(
        fc.record({
          namespace: name,
          client: name,
          server: name,
          service: name,
          host: text,
          path: text,
          note: text,
          file: name,
        }),
        fc.boolean(),
        (t, real) => {
          const r = hostileDiff(t, real ? exposureOf : testExposures);
          // Without the 3.5 MB bundle, which is tested above, jsdom is quick.
          const page = renderHtml(r, { repoUrl: REPO, headSha: SHA, base: t.file, head: t.note }).replace(bundle, "");
          const doc = parse(page);
          expectInert(doc, buildDiagram(r).empty ? 0 : 2);
          // The manifests' words are there, as text, whole.
          expect(doc.querySelector("h1")!.textContent).toBe(`${r.risk} ${truncate(sanitize(headline(r)), 1000)}`);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 25) },
    );
  });
});

describe("renamed workloads in the HTML report", () => {
  const dir = join(ROOT, "fixtures/scenarios/renamed-workloads");
  const r = diffClusters(loadSide(join(dir, "base")), loadSide(join(dir, "head")), defaultConfig(), exposureOf);
  const doc = parse(renderHtml(r, { repoUrl: REPO, headSha: SHA }));
  const rows = (id: string) =>
    [...doc.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim()),
    );

  it("lists each rename once and only the connection changes left once their same connections are set aside", () => {
    expect(doc.querySelector(".summary")!.textContent).toContain(
      " · 1 reachability change · 11 workloads renamed · 23 objects changed",
    );
    // The findings table says the ten renames of shop in one row, as the comment does.
    expect(rows("risk-table")).toHaveLength(3);
    expect(rows("risk-table")[2].slice(1, 4)).toEqual([
      "workload-renamed",
      "10 Deployments renamed in namespace shop: ad → shop-ad, cart → shop-cart, catalog → shop-catalog and 7 more; the same 25 connections each under the new name",
      "workloads.yaml:163",
    ]);
    expect(rows("rename-table")).toHaveLength(11);
    expect(rows("rename-table")).toContainEqual([
      "pay/Deployment/ledger",
      "pay/Deployment/ledger-v2",
      "12",
      "1 (in the reachability table)",
      "workloads.yaml:217",
    ]);
    expect(rows("rename-table")).toContainEqual([
      "shop/Deployment/cart",
      "shop/Deployment/shop-cart",
      "25",
      "none",
      "workloads.yaml:1",
    ]);
    expect(rows("reachability-table")).toEqual([
      [
        "changed",
        "pay/Deployment/api",
        "pay/Deployment/ledger-v2",
        "TCP 8080 → TCP 8080,9090",
        "pay/Deployment/ledger-v2 added (workloads.yaml:217)pay/NetworkPolicy/ledger changed (policies.yaml:10)pay/Deployment/ledger removed (workloads.yaml:217)",
      ],
    ]);
    // The renamed workloads are not said again as new and removed.
    expect(doc.querySelector("#new-workloads")).toBeNull();
    expect(doc.querySelector("#removed-workloads")).toBeNull();
    // The delta stays every connection that differs, and says that it holds the renamed ones.
    expect(doc.querySelector("#delta .summary")!.textContent).toContain("renamed workloads");
    expectInert(doc, 2);
  });
});
