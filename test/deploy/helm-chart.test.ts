// Reachdiff reviews its own Helm chart: deploy/helm/reachdiff rendered by the real helm (put on PATH by
// the global setup), beside the cluster it lands in (cluster DNS, an ingress controller, a neighbour
// workload; objects that name no namespace are the release's, as `helm install -n` puts them). `reachdiff exposure` must show only the webhook Service exposed (through the Ingress, on
// the webhook path only), and `reachdiff reach` must show the App's pods reaching only DNS, Redis and
// GitHub, and nothing reaching Redis but the App.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { parse, parseAllDocuments } from "yaml";
import { startRedis } from "../e2e/redis-server.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHART = join(ROOT, "deploy/helm/reachdiff");
const CLI = join(ROOT, "build/src/cli/main.js");

const CLUSTER = `apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system }
spec:
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec: { containers: [{ name: coredns, image: coredns, ports: [{ containerPort: 53, protocol: UDP }, { containerPort: 53 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ingress-nginx-controller, namespace: ingress-nginx }
spec:
  selector: { matchLabels: { app: ingress-nginx } }
  template:
    metadata: { labels: { app: ingress-nginx } }
    spec: { containers: [{ name: controller, image: nginx, ports: [{ containerPort: 443 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: billing, namespace: reachdiff }
spec:
  selector: { matchLabels: { app: billing } }
  template:
    metadata: { labels: { app: billing } }
    spec: { containers: [{ name: billing, image: billing, ports: [{ containerPort: 8080 }] }] }
`;

const GITHUB = ["ip:140.82.112.0/20", "ip:143.55.64.0/20", "ip:185.199.108.0/22", "ip:192.30.252.0/22"];
const WEB = "reachdiff/Deployment/rd-reachdiff-web";
const WORKER = "reachdiff/Deployment/rd-reachdiff-worker";
const REDIS = "reachdiff/StatefulSet/rd-redis";
const DNS = "kube-system/Deployment/coredns";

let dir: string;
let rendered: string;

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const helm = (...extra: string[]) =>
  run("helm", [
    "template",
    "rd",
    CHART,
    "--namespace",
    "reachdiff",
    "--set",
    "github.appId=12345",
    "--set",
    "github.privateKey=not-a-key",
    "--set",
    "github.webhookSecret=not-a-secret",
    ...extra,
  ]);

/** A Deployment's variables by name; one read from a Secret is "secret". */
const envOf = (docs: { kind: string; metadata: { name: string }; spec: any }[], name: string) =>
  Object.fromEntries(
    docs
      .find((d) => d.kind === "Deployment" && d.metadata.name === name)!
      .spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value ?? "secret"]),
  ) as Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reachdiff-chart-"));
  rendered = helm();
  writeFileSync(join(dir, "reachdiff.yaml"), rendered);
  writeFileSync(join(dir, "cluster.yaml"), CLUSTER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Helm chart, reviewed by Reachdiff", () => {
  it("lints, and renders web and worker Deployments, Redis, probes, a PodDisruptionBudget each and non-root read-only pods", () => {
    run("helm", [
      "lint",
      CHART,
      "--set",
      "github.appId=1",
      "--set",
      "github.privateKey=k",
      "--set",
      "github.webhookSecret=s",
    ]);
    const docs = parseAllDocuments(rendered)
      .map((d) => d.toJS())
      .filter(Boolean);
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(kinds).toEqual([
      "Deployment/rd-reachdiff-web",
      "Deployment/rd-reachdiff-worker",
      "Ingress/rd-reachdiff",
      "NetworkPolicy/rd-reachdiff-web",
      "NetworkPolicy/rd-reachdiff-worker",
      "NetworkPolicy/rd-redis",
      "PodDisruptionBudget/rd-reachdiff-web",
      "PodDisruptionBudget/rd-reachdiff-worker",
      "Secret/rd-reachdiff",
      "Secret/rd-redis",
      "Service/rd-reachdiff",
      "Service/rd-redis",
      "StatefulSet/rd-redis",
    ]);
    for (const d of docs.filter((x) => x.kind === "Deployment" || x.kind === "StatefulSet")) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(c.resources.limits.memory).toBeTruthy();
        expect(c.livenessProbe && c.readinessProbe).toBeTruthy();
      }
    }
    const env = (name: string) => envOf(docs, name);
    expect(env("rd-reachdiff-web")).toMatchObject({
      REACHDIFF_ROLE: "web",
      REDIS_PASSWORD: "secret",
      REDIS_URL: "redis://:$(REDIS_PASSWORD)@rd-redis:6379",
      PRIVATE_KEY: "secret",
    });
    expect(env("rd-reachdiff-worker")).toMatchObject({ REACHDIFF_ROLE: "worker", REACHDIFF_DRAIN_MS: "45000" });
    // The App's key and secret are in the Secret only, never in a Deployment.
    expect(rendered.match(/not-a-key/g)).toHaveLength(1);
  });

  it("the bundled Redis asks for the generated password, which only its Secret holds; a real redis-server started with the chart's arguments refuses a client without it", async () => {
    const docs = parseAllDocuments(rendered)
      .map((d) => d.toJS())
      .filter(Boolean);
    const secret = docs.find((d) => d.kind === "Secret" && d.metadata.name === "rd-redis");
    const password = Buffer.from(secret.data.password, "base64").toString();
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rendered.split(password)).toHaveLength(1);
    // The kubelet's expansion of $(NAME) from the container's variables, here from the Secret.
    const expand = (v: string) =>
      v.replace(/\$\((\w+)\)/g, (_, name) => (name === "REDIS_PASSWORD" ? password : `$(${name})`));
    const container = docs.find((d) => d.kind === "StatefulSet").spec.template.spec.containers[0];
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(["REDIS_PASSWORD", "REDISCLI_AUTH"]);
    const args: string[] = container.args.map(expand);
    expect(args.slice(0, 2)).toEqual(["--requirepass", password]);
    // The chart's arguments but its data folder (the test's redis-server has its own).
    const at = args.indexOf("--dir");
    const server = await startRedis([...args.slice(0, at), ...args.slice(at + 2)]);
    const url = expand(envOf(docs, "rd-reachdiff-worker").REDIS_URL).replace(
      "rd-redis:6379",
      `127.0.0.1:${server.port}`,
    );
    const without = new Redis(server.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    const withPassword = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await expect(without.ping()).rejects.toThrow(/NOAUTH/);
      expect(await withPassword.ping()).toBe("PONG");
    } finally {
      without.disconnect();
      withPassword.disconnect();
      await server.dispose();
    }
  });

  it("exposure: only the webhook Service, through the Ingress on the webhook path, over TLS", () => {
    const { exposures, broken } = JSON.parse(
      run(process.execPath, [CLI, "exposure", dir, "--namespace", "reachdiff", "--format", "json"]),
    );
    expect(broken).toEqual([]);
    expect(
      exposures.map((e: { workload: string; via: { service: string; path: string; tls: boolean } }) => [
        e.workload,
        e.via.service,
        e.via.path,
        e.via.tls,
      ]),
    ).toEqual([[WEB, "reachdiff/Service/rd-reachdiff", "/api/github/webhooks", true]]);
  });

  it("reach: the App's pods reach only DNS, Redis and GitHub; only the App reaches Redis; only the ingress controller reaches the web pods", () => {
    const { edges } = JSON.parse(
      run(process.execPath, [CLI, "reach", dir, "--namespace", "reachdiff", "--format", "json"]),
    );
    const from = (w: string) =>
      edges
        .filter((e: { from: string }) => e.from === w)
        .map((e: { to: string }) => e.to)
        .sort();
    const to = (w: string) =>
      edges
        .filter((e: { to: string }) => e.to === w)
        .map((e: { from: string }) => e.from)
        .sort();
    expect(from(WEB)).toEqual([DNS, REDIS]);
    expect(from(WORKER)).toEqual([DNS, ...GITHUB, REDIS].sort());
    expect(from(REDIS)).toEqual([]);
    expect(to(REDIS)).toEqual([WEB, WORKER]);
    expect(to(WEB)).toEqual(["ingress-nginx/Deployment/ingress-nginx-controller"]);
    expect(to(WORKER)).toEqual([]);
    const ports = (a: string, b: string) =>
      edges.find((e: { from: string; to: string }) => e.from === a && e.to === b).ports;
    expect(ports(WORKER, REDIS)).toEqual({ TCP: [[6379, 6379]], UDP: [], SCTP: [] });
    expect(ports(WORKER, GITHUB[0])).toEqual({ TCP: [[443, 443]], UDP: [], SCTP: [] });
    expect(ports(WEB, DNS)).toEqual({ TCP: [[53, 53]], UDP: [[53, 53]], SCTP: [] });
  });

  it("GitHub's addresses: the values' blocks, replaced with --set-json (the meta API's list); with github.enterpriseHost the server's own, required then", () => {
    const values = parse(readFileSync(join(CHART, "values.yaml"), "utf8"));
    expect(values.networkPolicy.githubCIDRs.map((c: string) => `ip:${c}`).sort()).toEqual(GITHUB);
    const githubEgress = (...extra: string[]) =>
      parseAllDocuments(helm(...extra))
        .map((d) => d.toJS())
        .find((d) => d?.kind === "NetworkPolicy" && d.metadata.name === "rd-reachdiff-worker")
        .spec.egress.find((e: { ports: { port: number }[] }) => e.ports[0].port === 443).to;
    // As `curl -s https://api.github.com/meta | jq -c '.api + .web | unique'` gives them, IPv6 too.
    expect(githubEgress("--set-json", 'networkPolicy.githubCIDRs=["140.82.112.0/20","2606:50c0::/32"]')).toEqual([
      { ipBlock: { cidr: "140.82.112.0/20" } },
      { ipBlock: { cidr: "2606:50c0::/32" } },
    ]);

    const enterprise = ["--set", "github.enterpriseHost=ghe.example.com"];
    expect(() => helm(...enterprise)).toThrow(
      /github.enterpriseHost is set: set networkPolicy.enterpriseCIDRs to your GitHub Enterprise Server's addresses/,
    );
    const ghes = helm(...enterprise, "--set", "networkPolicy.enterpriseCIDRs={10.20.0.10/32}");
    const docs = parseAllDocuments(ghes)
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(envOf(docs, "rd-reachdiff-worker").GHE_HOST).toBe("ghe.example.com");
    // Reviewed by Reachdiff: the workers reach the server, and no longer github.com.
    const folder = mkdtempSync(join(tmpdir(), "reachdiff-chart-ghes-"));
    try {
      writeFileSync(join(folder, "reachdiff.yaml"), ghes);
      writeFileSync(join(folder, "cluster.yaml"), CLUSTER);
      const { edges } = JSON.parse(
        run(process.execPath, [CLI, "reach", folder, "--namespace", "reachdiff", "--format", "json"]),
      );
      const from = edges
        .filter((e: { from: string }) => e.from === WORKER)
        .map((e: { to: string }) => e.to)
        .sort();
      expect(from).toEqual([DNS, "ip:10.20.0.10/32", REDIS].sort());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("with an external Redis: no Redis pod, its URL in the Secret, egress to its address only", () => {
    const docs = parseAllDocuments(
      helm(
        "--set",
        "redis.enabled=false",
        "--set",
        "redis.externalUrl=redis://:a-password@10.1.2.3:6379",
        "--set",
        "redis.externalCIDRs={10.1.2.3/32}",
      ),
    )
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(docs.filter((d) => d.metadata.name.includes("redis"))).toEqual([]);
    // The URL may carry a password: the chart's Secret holds it, the Deployments read it from there.
    expect(envOf(docs, "rd-reachdiff-worker").REDIS_URL).toBe("secret");
    expect(docs.find((d) => d.kind === "Secret").stringData["redis-url"]).toBe("redis://:a-password@10.1.2.3:6379");
    const policy = docs.find((d) => d.metadata.name === "rd-reachdiff-worker" && d.kind === "NetworkPolicy");
    expect(policy.spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: "10.1.2.3/32" } }],
      ports: [{ port: 6379, protocol: "TCP" }],
    });
  });
});
