// Where configuration text names a Kubernetes Service by its DNS name: `http://name`, `name:port`,
// `name.namespace`, `name.namespace.svc`, `name.namespace.svc.cluster.local` (and a pod of a headless
// Service, `pod.name.namespace.svc`), with an optional port. Only the text is read here; whether a
// name is a Service of the cluster is decided by the resolver (model/dependencies.ts).

export interface AddressMention {
  /** The Service name and, when the text names one, its namespace. */
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly scheme?: string;
  /** The host and port as written, without scheme or user info (which may hold a password). */
  readonly text: string;
  /** 0-based line of the text it is on. */
  readonly lineOffset: number;
  /** The address is the whole (trimmed) text: `redis` as the value of REDIS_HOST. */
  readonly whole: boolean;
  /** The key of a `key: value` or `key = value` line whose whole value is the address (`host: redis`). */
  readonly key?: string;
  /** The name is the clusterset's (`name.namespace.svc.clusterset.local`, Multi-cluster Services). */
  readonly clusterset?: boolean;
}

// A lowercase DNS name (Service names are lowercase; an uppercase word is an environment variable or
// prose), not inside a path or another word, with an optional scheme, user info and port.
const ADDRESS =
  /(?<![A-Za-z0-9_.\-@$%/:])(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[^\s@/:]+(?::[^\s@/]*)?@)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)\.?(?::(\d{1,5}))?(?![A-Za-z0-9_-])/g;

/** A `key: value` / `key = value` line (YAML, INI, properties, TOML; a JSON member), its value one word. */
const KEY_VALUE = /^\s*(?:-\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?([a-z0-9.-]+(?::\d{1,5})?)["']?\s*,?\s*$/;

/** A line that is a comment in shell, YAML, INI, properties, TOML or C-like configuration. */
const COMMENT = /^\s*(#|;|\/\/|!\s)/;

/** The parts of a host that name a Service: [name, namespace?], or null when it cannot be one. */
function serviceOfHost(host: string): { name: string; namespace?: string; clusterset?: boolean } | null {
  const labels = host.split(".");
  const svc = labels.indexOf("svc");
  if (svc >= 0) {
    // name.namespace.svc[.domain], or pod.name.namespace.svc[.domain] (a pod of a headless Service).
    const clusterset = labels.slice(svc + 1).join(".") === "clusterset.local" ? { clusterset: true } : {};
    if (svc === 2) return { name: labels[0], namespace: labels[1], ...clusterset };
    if (svc === 3) return { name: labels[1], namespace: labels[2], ...clusterset };
    return null;
  }
  if (labels.length === 1) return { name: labels[0] };
  if (labels.length === 2) return { name: labels[0], namespace: labels[1] };
  return null;
}

export function findAddresses(text: string): AddressMention[] {
  const out: AddressMention[] = [];
  const trimmed = text.trim();
  const lines = text.split("\n");
  lines.forEach((line, lineOffset) => {
    if (COMMENT.test(line)) return;
    const kv = KEY_VALUE.exec(line);
    for (const m of line.matchAll(ADDRESS)) {
      const [written, scheme, host, portText] = m;
      const address = portText === undefined ? host : `${host}:${portText}`;
      const service = serviceOfHost(host);
      if (!service) continue;
      const port = portText === undefined ? undefined : Number(portText);
      if (port !== undefined && (port < 1 || port > 65535)) continue;
      const whole = written === trimmed;
      const key = kv && kv[2] === written ? kv[1] : undefined;
      // A bare word is a name only with a scheme or a port, or as a whole value (the caller decides).
      if (!service.namespace && !scheme && port === undefined && !whole && key === undefined) continue;
      out.push({
        ...service,
        port,
        scheme,
        text: address,
        lineOffset,
        whole,
        key,
      });
    }
  });
  return out;
}
