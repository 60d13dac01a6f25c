// metadata: name, namespace, labels, annotations, ownerReferences — validated as the API server does.
import { labelKeyError, labelValueError, type Labels } from "../../core/label-selector.js";
import { fail, optList, optObj, optString, optStringMap, isObj } from "../fields.js";

export interface Meta {
  readonly name: string;
  /** The name is a generateName prefix (no metadata.name). */
  readonly generated: boolean;
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

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why a name cannot be an object's name or namespace at all (the API server's path-segment rule), or
 * null. Names and namespaces make the ids (`namespace/Kind/name`) that tell objects apart: a '/' in
 * them would let one object pass for another, so such an object is not read.
 */
function pathSegmentError(name: string): string | null {
  if (name === "." || name === "..") return `may not be ${JSON.stringify(name)}`;
  if (/[/%]/.test(name)) return `may not contain '/' or '%', found ${JSON.stringify(name)}`;
  return null;
}

export function dnsLabelError(name: string): string | null {
  return name.length <= 63 && DNS_LABEL.test(name)
    ? null
    : `must be a DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), found ${JSON.stringify(name)}`;
}

/**
 * Why the API server would refuse this name for an object of this kind, or null: a Namespace's name
 * is a DNS label, a Service's an RFC 1035 label (starting with a letter), every other kind read here
 * a DNS subdomain. A generateName is a prefix: it may end with '-'.
 */
export function objectNameError(kind: string, name: string, prefix = false): string | null {
  const n = prefix ? name.replace(/-$/, "a") : name;
  if (kind === "Namespace") return dnsLabelError(n);
  if (kind === "Service")
    return n.length <= 63 && DNS_1035_LABEL.test(n)
      ? null
      : `must be an RFC 1035 label (at most 63 lowercase letters, digits and '-', starting with a letter), found ${JSON.stringify(name)}`;
  return n.length <= 253 && DNS_SUBDOMAIN.test(n)
    ? null
    : `must be a DNS subdomain (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit), found ${JSON.stringify(name)}`;
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
  const given = optString(metadata.name, ["metadata", "name"]) || undefined;
  const name = given ?? optString(metadata.generateName, ["metadata", "generateName"]);
  if (!name) fail(["metadata", "name"], "is missing");
  const nameField = given !== undefined ? "name" : "generateName";
  const nameError = pathSegmentError(name);
  if (nameError) fail(["metadata", nameField], nameError);
  const namespace = optString(metadata.namespace, ["metadata", "namespace"]) || undefined;
  const namespaceError = namespace === undefined ? null : pathSegmentError(namespace);
  if (namespaceError) fail(["metadata", "namespace"], namespaceError);
  const labels = validateLabels(optStringMap(metadata.labels, ["metadata", "labels"]) ?? {}, ["metadata", "labels"]);
  const annotations = optStringMap(metadata.annotations, ["metadata", "annotations"]) ?? {};
  let controller: Meta["controller"];
  const owners = optList(metadata.ownerReferences, ["metadata", "ownerReferences"]) ?? [];
  owners.forEach((o, i) => {
    // The API allows one controller reference; the first one counts.
    if (controller || !isObj(o) || o.controller !== true) return;
    const kind = optString(o.kind, ["metadata", "ownerReferences", i, "kind"]) ?? "";
    if (kind && !/^[A-Za-z][A-Za-z0-9]*$/.test(kind))
      fail(["metadata", "ownerReferences", i, "kind"], `must be a kind name, found ${JSON.stringify(kind)}`);
    const ownerName = optString(o.name, ["metadata", "ownerReferences", i, "name"]);
    if (!ownerName) return;
    const ownerError = pathSegmentError(ownerName);
    if (ownerError) fail(["metadata", "ownerReferences", i, "name"], ownerError);
    // A mirror pod (a static pod the kubelet runs from a file) names its Node as controller. The Node
    // stamps out no pods from a shared template: each static pod is its own workload.
    if (kind === "Node") return;
    controller = { kind, name: ownerName };
  });
  return { name, generated: given === undefined, namespace, labels, annotations, controller };
}
