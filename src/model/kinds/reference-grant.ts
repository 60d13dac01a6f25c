// gateway.networking.k8s.io ReferenceGrant: which kinds in which namespaces may refer to objects of
// this namespace (a route to a Service, a Gateway to a certificate Secret).
import { fail, optList, optObj, optString, reqString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";

export interface ReferenceGrant extends Located {
  readonly namespace: string;
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  /** name undefined: every object of that kind in the namespace. */
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
}

export function readReferenceGrant(o: ObjectInput): ReferenceGrant {
  const data = o.data;
  const spec = optObj(data.spec, ["spec"]);
  if (!spec) fail(["spec"], "is missing");
  const from = (optList(spec.from, ["spec", "from"]) ?? []).map((f, i) => {
    const path = ["spec", "from", i];
    const ref = optObj(f, path) ?? {};
    const group = optString(ref.group, [...path, "group"]);
    if (group === undefined) fail([...path, "group"], 'is missing (use "" for the core group)');
    return {
      group,
      kind: reqString(ref.kind, [...path, "kind"]),
      namespace: reqString(ref.namespace, [...path, "namespace"]),
    };
  });
  const to = (optList(spec.to, ["spec", "to"]) ?? []).map((t, i) => {
    const path = ["spec", "to", i];
    const ref = optObj(t, path) ?? {};
    const group = optString(ref.group, [...path, "group"]);
    if (group === undefined) fail([...path, "group"], 'is missing (use "" for the core group)');
    return {
      group,
      kind: reqString(ref.kind, [...path, "kind"]),
      name: optString(ref.name, [...path, "name"]) || undefined,
    };
  });
  if (!from.length) fail(["spec", "from"], "must have at least one entry");
  if (!to.length) fail(["spec", "to"], "must have at least one entry");
  return {
    id: o.id,
    kind: "ReferenceGrant",
    name: o.meta.name,
    namespace: o.namespace!,
    source: o.source,
    from,
    to,
  };
}
