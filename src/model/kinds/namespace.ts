// v1 Namespace: its labels, with the label the API server sets on every namespace.
import { NAMESPACE_NAME_LABEL } from "../../core/labels.js";
import type { Namespace, ObjectInput } from "../types.js";

export function readNamespace(o: ObjectInput): Namespace {
  return { name: o.meta.name, labels: { ...o.meta.labels, [NAMESPACE_NAME_LABEL]: o.meta.name }, source: o.source };
}
