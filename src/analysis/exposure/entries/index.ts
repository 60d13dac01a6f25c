// The entry kinds, run in this order (the order their diagnostics and broken routes are found in).
import type { EntryKindModule } from "../context.js";
import { gateways } from "./gateway.js";
import { hostPorts } from "./host-ports.js";
import { ingresses } from "./ingress.js";
import { openshiftRoutes } from "./openshift-route.js";
import { serviceExports } from "./service-export.js";
import { services } from "./services.js";

export const ENTRY_KINDS: readonly EntryKindModule[] = [
  services,
  hostPorts,
  ingresses,
  gateways,
  openshiftRoutes,
  serviceExports,
];
