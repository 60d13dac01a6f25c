// networking.k8s.io IngressClass: the controller that serves a class, and whether it is the default.
import { optObj, optString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";

export interface IngressClass extends Located {
  readonly controller?: string;
  readonly isDefault: boolean;
}

const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

export function readIngressClass(o: ObjectInput): IngressClass {
  const spec = optObj(o.data.spec, ["spec"]) ?? {};
  return {
    id: o.id,
    kind: "IngressClass",
    name: o.meta.name,
    source: o.source,
    controller: optString(spec.controller, ["spec", "controller"]),
    isDefault: o.meta.annotations[DEFAULT_CLASS_ANNOTATION] === "true",
  };
}
