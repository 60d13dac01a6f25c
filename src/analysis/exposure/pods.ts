// The pods an entry can reach or come from: the snapshot's workloads as policy classes, looked up by
// namespace or label (indexed once), and stand-in pods for proxies installed outside the manifests.
import type { Labels } from "../../core/label-selector.js";
import { NAMESPACE_NAME_LABEL } from "../../core/labels.js";
import type { Cluster, Workload } from "../../model/types.js";
import type { PodClass } from "../policy-eval.js";
import { podClasses } from "../reach.js";

/** Jobs and CronJobs run to completion: they serve no entry. */
export const SERVING_KINDS = (w: Workload) => w.kind !== "Job" && w.kind !== "CronJob";

export function labelsText(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** A Service-style selector (plain labels, every one required). */
export function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export class Pods {
  private readonly classOf = new Map<string, PodClass>();
  /** The workloads of each namespace, in the cluster's order (an entry looks up its pods by namespace). */
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Map<string, Workload[]>>();
  /** Indexes of synthetic classes: past every real class's index. */
  private nextIndex = 1_000_000;

  constructor(private readonly cluster: Cluster) {
    for (const cls of podClasses(cluster)) for (const w of cls.members) this.classOf.set(w.id, cls);
    for (const w of cluster.workloads) {
      const list = this.byNamespace.get(w.namespace);
      if (list) list.push(w);
      else this.byNamespace.set(w.namespace, [w]);
    }
  }

  classFor(workload: Workload): PodClass {
    return this.classOf.get(workload.id)!;
  }

  classesOf(workloads: readonly Workload[]): PodClass[] {
    return [...new Set(workloads.map((w) => this.classFor(w)))];
  }

  /** A pod that is not in the manifests (a controller installed elsewhere), as a class of its own. */
  synthetic(namespace: string, labels: Labels, namespaceDefaults: Labels = {}): PodClass {
    const declared = this.cluster.namespaces.get(namespace);
    return {
      index: this.nextIndex++,
      namespace,
      namespaceLabels: declared?.labels ?? { ...namespaceDefaults, [NAMESPACE_NAME_LABEL]: namespace },
      labels,
      ports: [],
      hostNetwork: false,
      members: [],
    };
  }

  /** Every workload of a namespace, in the cluster's order. */
  inNamespace(namespace: string): readonly Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** The serving workloads of a namespace whose pods carry these labels. */
  workloadsIn(namespace: string, podLabels?: Labels): Workload[] {
    const labels = podLabels ?? {};
    return this.inNamespace(namespace).filter((w) => SERVING_KINDS(w) && selects(labels, w.labels));
  }

  /** The workloads whose pods carry label `key` with this value, in the cluster's order (indexed once per key). */
  labelled(key: string, value: string): Workload[] {
    let index = this.byLabel.get(key);
    if (!index) {
      this.byLabel.set(key, (index = new Map()));
      for (const w of this.cluster.workloads) {
        if (!Object.hasOwn(w.labels, key)) continue;
        const list = index.get(w.labels[key]);
        if (list) list.push(w);
        else index.set(w.labels[key], [w]);
      }
    }
    return index.get(value) ?? [];
  }
}
