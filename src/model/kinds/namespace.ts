// v1 Namespace: its labels, with the label the API server sets on every namespace.
import type { Namespace, ObjectInput } from "../types.js";

/** Set by the API server on every namespace (Kubernetes 1.21+): its name, for namespaceSelectors. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function readNamespace(o: ObjectInput): Namespace {
  return { name: o.meta.name, labels: { ...o.meta.labels, [NAMESPACE_NAME_LABEL]: o.meta.name }, source: o.source };
}
