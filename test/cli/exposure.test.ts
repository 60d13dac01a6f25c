// `reachdiff exposure`, run as a process on the built CLI.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/exposure.js";

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });

describe("reachdiff exposure", () => {
  it("is listed in the main help and documents its flags", () => {
    expect(run("--help").stdout).toMatch(/exposure\s+show what outside traffic reaches which pods/);
    const help = run("exposure", "--help").stdout;
    expect(help).toContain("--ingress-namespace");
    expect(help).toContain("--format");
  });

  it("prints exposures, broken routes and diagnostics as JSON", () => {
    const out = run("exposure", "fixtures/exposure/services/named-ports.yaml", "--format", "json");
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(Object.keys(json)).toEqual(["exposures", "broken", "diagnostics"]);
    expect(json.exposures[0]).toMatchObject({
      workload: "named/Deployment/api-v1",
      protocol: "TCP",
      port: 8080,
      via: { kind: "NodePort", ref: "named/Service/api", service: "named/Service/api", entryPort: 30001 },
      sources: ["0.0.0.0/0"],
      blockedBy: null,
      file: "fixtures/exposure/services/named-ports.yaml",
    });
    expect(json.broken.map((b: { ref: string }) => b.ref)).toEqual([
      "named/Service/orphan",
      "named/Service/wrong-name",
    ]);
    expect(json.diagnostics.some((d: { message: string }) => d.message.includes("has no selector"))).toBe(true);
  });

  it("prints one line per exposure for people, with blocked and broken sections", () => {
    const out = run("exposure", "fixtures/exposure/ingress/with-controller");
    expect(out.stdout).toContain(
      "Ingress shop/Ingress/shop https://shop.example.com/ (0.0.0.0/0) -> shop/Service/web :80 -> shop/Deployment/web TCP 8080\n",
    );
    expect(out.stdout).toMatch(
      /\nBlocked by policy \(1\):\n {2}Ingress shop\/Ingress\/shop https:\/\/shop\.example\.com\/api .* \[blocked by shop\/NetworkPolicy\/api-from-web\]/,
    );
    expect(out.stdout).toMatch(/\nBroken \(2\):\n {2}shop\/Ingress\/shop: Service shop\/Service\/web has no port 81/);
  });

  it("takes the ingress controller namespace from --ingress-namespace", () => {
    const out = run(
      "exposure",
      "fixtures/exposure/ingress/no-controller",
      "--ingress-namespace",
      "traefik",
      "-f",
      "json",
    );
    const blog = JSON.parse(out.stdout).exposures.find(
      (e: { via: { ref: string } }) => e.via.ref === "blog/Ingress/blog",
    );
    expect(blog.blockedBy).toBe("blog/NetworkPolicy/blog-from-ingress-nginx");
  });

  it("reports invalid entry objects on stderr and exits 2 with --strict", () => {
    const out = run("exposure", "fixtures/exposure/invalid/objects.yaml", "--strict");
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(
      "fixtures/exposure/invalid/objects.yaml:30: error: Ingress bad-path-type is invalid and skipped",
    );
  });

  it("refuses an unknown format", () => {
    const out = run("exposure", "fixtures/exposure/services", "--format", "yaml");
    expect(out.status).toBe(64);
    expect(out.stderr).toContain('unknown format "yaml"');
  });
});
