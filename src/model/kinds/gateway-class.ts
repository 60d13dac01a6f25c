// gateway.networking.k8s.io GatewayClass: which controller implements the Gateways of a class.
import { optObj, optString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";

export interface GatewayClass extends Located {
  readonly controllerName?: string;
}

export function readGatewayClass(o: ObjectInput): GatewayClass {
  const spec = optObj(o.data.spec, ["spec"]) ?? {};
  return {
    id: o.id,
    kind: "GatewayClass",
    name: o.meta.name,
    source: o.source,
    controllerName: optString(spec.controllerName, ["spec", "controllerName"]),
  };
}
