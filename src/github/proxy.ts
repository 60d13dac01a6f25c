// Outbound HTTP through a proxy when the environment names one: HTTPS_PROXY / HTTP_PROXY (either
// case) and NO_PROXY, as curl and most tools read them. Node's fetch ignores them by itself, so every
// request of the process (probot's token requests, the API, archive downloads) goes through undici's
// EnvHttpProxyAgent set as the global dispatcher. A proxy that re-signs TLS needs its CA in
// NODE_EXTRA_CA_CERTS (read by Node at start).
import { EnvHttpProxyAgent, setGlobalDispatcher } from "undici";

/** Routes fetch through the environment's proxy; returns whether one is set. */
export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return false;
  setGlobalDispatcher(new EnvHttpProxyAgent());
  return true;
}
