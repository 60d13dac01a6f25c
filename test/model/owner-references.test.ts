import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";

function cluster(yaml: string) {
  const diagnostics = new Diagnostics();
  return buildCluster(parseManifestText("pods.yaml", yaml, diagnostics), {}, diagnostics);
}

const pod = (name: string, owner: string, labels = `app: ${name}`) => `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: kube-system
  labels: {${labels}}
  ownerReferences:
${owner}
spec:
  containers: [{name: c, image: i}]
`;

describe("pods read through their controller reference", () => {
  it("a mirror pod (controller: a Node) is its own workload, not one per node", () => {
    const node = "    - {apiVersion: v1, kind: Node, name: minikube, uid: u1, controller: true}";
    const c = cluster(pod("etcd-minikube", node) + pod("kube-apiserver-minikube", node));
    expect(c.workloads.map((w) => w.id)).toEqual([
      "kube-system/Pod/etcd-minikube",
      "kube-system/Pod/kube-apiserver-minikube",
    ]);
    expect(c.diagnostics).toEqual([]);
  });

  it("only the first controller reference counts", () => {
    const owners = [
      "    - {apiVersion: apps/v1, kind: ReplicaSet, name: first, uid: u1, controller: true}",
      "    - {apiVersion: apps/v1, kind: ReplicaSet, name: second, uid: u2, controller: true}",
    ].join("\n");
    expect(cluster(pod("p", owners)).workloads.map((w) => w.id)).toEqual(["kube-system/ReplicaSet/first"]);
  });

  it("a controller reference without a kind still groups its pods, shown as a Pod, with a warning", () => {
    const owner = "    - {name: internal-security, controller: true}";
    const c = cluster(pod("pod-1", owner) + pod("pod-2", owner, "app: pod-1"));
    expect(c.workloads.map((w) => w.id)).toEqual(["kube-system/Pod/internal-security"]);
    expect(c.diagnostics.map((d) => d.severity)).toEqual(["warning", "warning"]);
    expect(c.diagnostics[0].message).toContain("names no kind");
  });
});
