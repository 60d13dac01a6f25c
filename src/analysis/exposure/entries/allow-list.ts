// Client allow-lists that proxies read from annotations (ingress-nginx, the OpenShift router).
import type { Labels } from "../../../core/label-selector.js";

/** The first of these annotations that holds a list, split by `separator`; null when none does. */
export function allowList(annotations: Labels, keys: readonly string[], separator: RegExp): string[] | null {
  for (const key of keys) {
    const value = annotations[key];
    if (value?.trim())
      return value
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean);
  }
  return null;
}
