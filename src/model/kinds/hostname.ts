// Host names as Ingress and the Gateway API write them: an RFC 1123 DNS name with an optional leading
// `*.` label. (What a wildcard matches differs: see ingressHostMatches and gatewayHostMatches.)
import type { Path } from "../../manifests/parse.js";
import { fail, optString } from "../fields.js";

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The host name at `path`; undefined when absent or empty (every host). */
export function hostnameAt(value: unknown, path: Path): string | undefined {
  const text = optString(value, path);
  if (text === undefined || text === "") return undefined;
  if (!HOSTNAME.test(text))
    fail(path, `must be a DNS name, optionally starting with "*.", found ${JSON.stringify(text)}`);
  return text;
}
