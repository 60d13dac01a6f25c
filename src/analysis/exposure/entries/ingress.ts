// Ingress: each rule path (and the default backend) sends a host and path to a Service port, through the
// ingress controller's pods, or through a cloud load balancer for the cloud classes.
import { ingressTlsCovers, type IngressBackend } from "../../../model/kinds/ingress.js";
import { cloudIngressClass } from "../cloud.js";
import type { EntryKindModule, ExposureContext } from "../context.js";
import { labelsText } from "../pods.js";
import type { RouteProxy } from "../proxies.js";
import { EVERYWHERE } from "../types.js";
import { allowList } from "./allow-list.js";

function collect(ctx: ExposureContext): void {
  const opts = ctx.options.ingressController;
  const defaultClass = ctx.cluster.ingressClasses.find((c) => c.isDefault);
  for (const ing of ctx.cluster.ingresses) {
    const classNotes: string[] = [];
    if (ing.classFrom === "none") {
      if (defaultClass) classNotes.push(`no ingress class: the default IngressClass ${defaultClass.name} applies`);
      else
        classNotes.push(
          "no ingress class: served only by a controller that takes class-less Ingresses or when the cluster has a default IngressClass",
        );
    }
    const cloud = cloudIngressClass(ing, ctx.cluster.ingressClasses);
    let proxy: RouteProxy;
    if (cloud) {
      proxy = {
        origin: { type: "unknown-addresses", what: "the load balancer's addresses" },
        internal: cloud.internal,
        sources: [...EVERYWHERE],
        notes: [`${cloud.note}: NetworkPolicy sees the load balancer's addresses, not in-cluster controller pods`],
      };
    } else {
      const what = `the ingress controller pods (${opts.namespace}${opts.podLabels && Object.keys(opts.podLabels).length ? `, ${labelsText(opts.podLabels)}` : ""})`;
      proxy = ctx.proxies.proxy(
        `ingress:${opts.namespace}`,
        what,
        ctx.pods.workloadsIn(opts.namespace, opts.podLabels),
        () => ctx.pods.synthetic(opts.namespace, opts.podLabels ?? {}),
        `controller exposure unknown: the ingress controller${ing.className ? ` of class ${ing.className}` : ""} and its Service are not in the manifests; assumed internet-facing`,
      );
    }
    const allowed = allowList(
      ing.annotations,
      ["nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/whitelist-source-range"],
      /,/,
    );
    const sourceNotes = allowed
      ? [
          "client allow-list from the annotation: effective only if the controller sees client addresses (externalTrafficPolicy Local or PROXY protocol)",
        ]
      : [];
    const sslRedirectOff = ing.annotations["nginx.ingress.kubernetes.io/ssl-redirect"] === "false";

    const entries: { host?: string; path?: string; pathType?: string; backend: IngressBackend; notes: string[] }[] = [];
    if (ing.defaultBackend)
      entries.push({
        backend: ing.defaultBackend,
        notes: ["default backend: every host and path that no rule matches"],
      });
    for (const rule of ing.rules)
      for (const p of rule.paths)
        entries.push({ host: rule.host, path: p.path, pathType: p.pathType, backend: p.backend, notes: [] });
    for (const entry of entries) {
      const b = entry.backend;
      if (b.type === "resource") {
        ctx.out.info(
          ing.source.file,
          b.line,
          `${ing.id} sends ${entry.host ?? "every host"}${entry.path ?? ""} to the resource ${b.kind}/${b.name}, not a Service: not modelled`,
          ing.id,
        );
        continue;
      }
      const resolved = ctx.targets.serviceRef(ing.namespace, b.name, b.port);
      if ("error" in resolved) {
        ctx.out.addBroken({ ref: ing.id, reason: resolved.error, file: ing.source.file, line: b.line });
        continue;
      }
      const tls = ingressTlsCovers(ing, entry.host);
      const notes = [...classNotes, ...proxy.notes, ...sourceNotes, ...entry.notes];
      if (tls && sslRedirectOff) notes.push("ssl-redirect: false: also served over plain HTTP on :80");
      if (!tls) notes.push("no TLS for this host: served over plain HTTP");
      if (entry.host?.startsWith("*.")) notes.push(`wildcard host ${entry.host}: matches exactly one more label`);
      ctx.out.emit(
        ctx.targets.of(resolved.service, resolved.sp),
        {
          via: {
            kind: "Ingress",
            ref: ing.id,
            service: resolved.service.id,
            servicePort: resolved.sp.port,
            entryPort: tls ? 443 : 80,
            host: entry.host,
            path: entry.path,
            tls,
            internal: proxy.internal,
            matches: entry.pathType ? [`${entry.pathType} ${entry.path ?? "/"}`] : ["default backend"],
          },
          sources: allowed ?? [...proxy.sources],
          file: ing.source.file,
          line: ing.source.line,
          notes,
        },
        proxy.origin,
      );
    }
  }
}

export const ingresses: EntryKindModule = { name: "Ingress", collect };
