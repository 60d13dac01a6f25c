// The Services the Kubernetes API server calls: admission webhooks (admissionregistration.k8s.io
// Validating/MutatingWebhookConfiguration, webhooks[].clientConfig.service, port default 443) and
// aggregated APIs (apiregistration.k8s.io APIService, spec.service, port default 443). A webhook
// given by `url` is outside the cluster model and not read. Read leniently: a malformed entry yields nothing.
import type { Source } from "../../manifests/parse.js";
import { isObj } from "../fields.js";

export type ApiServerCallerKind = "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration" | "APIService";

export const API_SERVER_CALLERS: Readonly<Record<string, readonly ApiServerCallerKind[]>> = {
  "admissionregistration.k8s.io": ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
  "apiregistration.k8s.io": ["APIService"],
};

export interface ApiServerCall {
  readonly kind: ApiServerCallerKind;
  readonly object: string;
  readonly namespace: string;
  readonly name: string;
  /** The Service port. */
  readonly port: number;
  readonly file: string;
  readonly line: number;
  readonly field: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (isObj(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function serviceRef(
  kind: ApiServerCallerKind,
  object: string,
  ref: Record<string, unknown> | undefined,
  source: Source,
  path: (string | number)[],
  field: string,
): ApiServerCall[] {
  const namespace = str(ref?.namespace);
  const name = str(ref?.name);
  if (!namespace || !name) return [];
  const port = ref?.port === undefined ? 443 : ref.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) return [];
  return [{ kind, object, namespace, name, port, file: source.file, line: source.lineOf(path), field }];
}

export function readApiServerCalls(
  kind: ApiServerCallerKind,
  data: Record<string, unknown>,
  name: string,
  source: Source,
): ApiServerCall[] {
  const object = `${kind}/${name}`;
  if (kind === "APIService")
    return serviceRef(kind, object, obj(obj(data.spec)?.service), source, ["spec", "service"], "spec.service");
  const webhooks = Array.isArray(data.webhooks) ? data.webhooks : [];
  return webhooks.flatMap((w, i) =>
    serviceRef(
      kind,
      object,
      obj(obj(obj(w)?.clientConfig)?.service),
      source,
      ["webhooks", i, "clientConfig", "service"],
      `webhooks[${i}] ${str(obj(w)?.name) ?? ""}`.trim(),
    ),
  );
}
