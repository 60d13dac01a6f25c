// metadata: name, namespace, labels, annotations, ownerReferences — validated as the API server does.
import { labelKeyError, labelValueError, type Labels } from "../../core/label-selector.js";
import { fail, optList, optObj, optString, optStringMap, isObj } from "../fields.js";

export interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** The managing controller (`ownerReferences[].controller: true`); `kind` is "" when the reference names none. */
  readonly controller?: { readonly kind: string; readonly name: string };
}

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function validateLabels(labels: Record<string, string>, path: (string | number)[]): Labels {
  for (const [k, v] of Object.entries(labels)) {
    const error = labelKeyError(k) ?? labelValueError(v);
    if (error) fail([...path, k], error);
  }
  return labels;
}

export function readMeta(data: Record<string, unknown>): Meta {
  const metadata = optObj(data.metadata, ["metadata"]);
  if (!metadata) fail(["metadata"], "is missing");
  const name = optString(metadata.name, ["metadata", "name"]) ?? optString(metadata.generateName, ["metadata", "generateName"]);
  if (!name) fail(["metadata", "name"], "is missing");
  const namespace = optString(metadata.namespace, ["metadata", "namespace"]) || undefined;
  const labels = validateLabels(optStringMap(metadata.labels, ["metadata", "labels"]) ?? {}, ["metadata", "labels"]);
  const annotations = optStringMap(metadata.annotations, ["metadata", "annotations"]) ?? {};
  let controller: Meta["controller"];
  const owners = optList(metadata.ownerReferences, ["metadata", "ownerReferences"]) ?? [];
  owners.forEach((o, i) => {
    // The API allows one controller reference; the first one counts.
    if (controller || !isObj(o) || o.controller !== true) return;
    const kind = optString(o.kind, ["metadata", "ownerReferences", i, "kind"]) ?? "";
    const ownerName = optString(o.name, ["metadata", "ownerReferences", i, "name"]);
    if (!ownerName) return;
    // A mirror pod (a static pod the kubelet runs from a file) names its Node as controller. The Node
    // stamps out no pods from a shared template: each static pod is its own workload.
    if (kind === "Node") return;
    controller = { kind, name: ownerName };
  });
  return { name, namespace, labels, annotations, controller };
}
