// Gateway API: each route attached to a Gateway listener (as gateway-status.ts decides) sends its
// hostnames and matches to its resolved backends, through the Gateway's data-plane pods.
import type { Gateway } from "../../../model/kinds/gateway.js";
import { GATEWAY_GROUP } from "../../../model/kinds/gateway-api.js";
import { BUILTIN_INTERNAL_GATEWAY_CLASSES, internalLoadBalancer, isPrivateAddress } from "../cloud.js";
import type { EntryKindModule, ExposureContext } from "../context.js";
import { findGrant, gatewayRouteStatuses } from "../gateway-status.js";
import { labelsText, SERVING_KINDS } from "../pods.js";
import type { RouteProxy } from "../proxies.js";

function gatewayProxy(ctx: ExposureContext, gw: Gateway): RouteProxy {
  const LABEL = "gateway.networking.k8s.io/gateway-name";
  const plane = ctx.options.gatewayDataPlane;
  const named = ctx.pods.labelled(LABEL, gw.name).filter((w) => SERVING_KINDS(w));
  const own = named.filter((w) => w.namespace === gw.namespace);
  let workloads = own.length ? own : named;
  let synthetic = () => ctx.pods.synthetic(gw.namespace, { [LABEL]: gw.name });
  let what = `the data-plane pods of ${gw.id}`;
  if (!workloads.length && plane && (plane.namespace || plane.podLabels)) {
    const ns = plane.namespace ?? gw.namespace;
    workloads = ctx.pods.workloadsIn(ns, plane.podLabels);
    synthetic = () => ctx.pods.synthetic(ns, plane.podLabels ?? { [LABEL]: gw.name });
    what = `the Gateway data-plane pods (${ns}${plane.podLabels ? `, ${labelsText(plane.podLabels)}` : ""})`;
  }
  const base = ctx.proxies.proxy(
    `gateway:${gw.id}`,
    what,
    workloads,
    synthetic,
    `the GatewayClass ${gw.className} decides whether ${gw.id} is internet-facing (most implementations create a LoadBalancer Service for it); assumed internet-facing`,
  );
  const internalClasses = [...BUILTIN_INTERNAL_GATEWAY_CLASSES, ...(ctx.options.internalGatewayClasses ?? [])];
  if (internalClasses.includes(gw.className))
    return { ...base, internal: true, notes: [`GatewayClass ${gw.className} is internal (not internet-facing)`] };
  const address = gw.addresses.find((a) => a.type === "IPAddress" && isPrivateAddress(a.value));
  if (address) return { ...base, internal: true, notes: [`${gw.id} requests the private address ${address.value}`] };
  const infra = internalLoadBalancer(gw.infrastructure.annotations);
  if (infra.internal)
    return {
      ...base,
      internal: true,
      notes: [`spec.infrastructure marks the Gateway's load balancer internal (${infra.marker})`],
    };
  return base;
}

function collect(ctx: ExposureContext): void {
  const gateways = new Map(ctx.cluster.gateways.map((g) => [g.id, g]));
  const statuses = gatewayRouteStatuses(ctx.cluster);
  for (const { route, parents, backends } of statuses) {
    const file = route.source.file;
    if (!route.parentRefs.length)
      ctx.out.info(file, route.source.line, `${route.id} has no parentRefs: it is attached to no Gateway`, route.id);
    for (const p of parents)
      if (!p.accepted)
        ctx.out.addBroken({
          ref: route.id,
          reason: `${p.reason}: not accepted by ${p.parent}${p.sectionName ? `:${p.sectionName}` : ""}: ${p.message}`,
          file,
          line: p.line,
        });
    const accepted = parents.filter((p) => p.accepted);
    if (!accepted.length) continue;
    for (const b of backends)
      if (b.reason === "Remote")
        ctx.out.info(file, b.ref.line, `${route.id} rule ${b.rule + 1}: ${b.message}`, route.id);
      else if (b.reason !== "ResolvedRefs")
        ctx.out.addBroken({
          ref: route.id,
          reason: `${b.reason}: rule ${b.rule + 1}: ${b.message}`,
          file,
          line: b.ref.line,
        });
    for (const p of accepted) {
      const gw = gateways.get(p.parent)!;
      const proxy = gatewayProxy(ctx, gw);
      for (const { listener, hostnames } of p.listeners) {
        const listenerNotes: string[] = [];
        if (listener.tlsMode === "Passthrough") listenerNotes.push("TLS passthrough: the backend terminates TLS");
        for (const c of listener.certificateRefs)
          if (
            c.namespace &&
            c.namespace !== gw.namespace &&
            !findGrant(
              ctx.cluster.referenceGrants,
              { group: GATEWAY_GROUP, kind: "Gateway", namespace: gw.namespace },
              { group: c.group, kind: c.kind, namespace: c.namespace, name: c.name },
            )
          )
            listenerNotes.push(
              `listener ${listener.name}: certificateRef ${c.namespace}/${c.kind}/${c.name} is not allowed by a ReferenceGrant (RefNotPermitted): the listener is not programmed`,
            );
        if (listener.allowedNamespaces.from === "All")
          listenerNotes.push(`listener ${listener.name} accepts routes from every namespace`);
        for (const host of hostnames) {
          const hostNotes = host?.startsWith("*.")
            ? [`wildcard host ${host}: matches one or more labels`]
            : host === undefined && route.kind !== "TCPRoute" && route.kind !== "UDPRoute"
              ? ["no hostname: every host"]
              : [];
          for (const rule of route.rules) {
            const ok = backends.filter((b) => b.rule === rule.index && b.reason === "ResolvedRefs");
            const total = ok.filter((b) => !b.ref.mirror).reduce((sum, b) => sum + b.ref.weight, 0);
            for (const b of ok) {
              if (!b.ref.mirror && b.ref.weight === 0) continue;
              const notes = [...proxy.notes, ...listenerNotes, ...hostNotes];
              if (b.ref.mirror) notes.push("receives a mirrored copy of the requests (RequestMirror)");
              else if (ok.filter((x) => !x.ref.mirror).length > 1) notes.push(`weight ${b.ref.weight} of ${total}`);
              if (b.service!.namespace !== route.namespace)
                notes.push(`cross-namespace backend, allowed by a ReferenceGrant in ${b.service!.namespace}`);
              ctx.out.emit(
                ctx.targets.of(b.service!, b.servicePort!),
                {
                  via: {
                    kind: "Gateway",
                    ref: route.id,
                    service: b.service!.id,
                    servicePort: b.servicePort!.port,
                    entryPort: listener.port,
                    host,
                    listener: `${gw.id}:${listener.name}`,
                    tls: listener.protocol === "HTTPS" || listener.protocol === "TLS",
                    internal: proxy.internal,
                    matches: rule.matches.length ? [...rule.matches] : undefined,
                  },
                  sources: [...proxy.sources],
                  file,
                  line: route.source.line,
                  notes,
                },
                proxy.origin,
              );
            }
          }
        }
      }
    }
  }
}

export const gateways: EntryKindModule = { name: "Gateway", collect };
