// Label-selector matches, cached: the engine asks the same question for every pair of pod classes.
import { type LabelSelector, type Labels, matches } from "../../core/label-selector.js";
import type { PodClass } from "../policy-eval.js";

// Selector key -> class index (pod labels) or namespace name (namespace labels) -> whether it
// matches: nested maps, so that a lookup builds no string.
export function cachedMatch<K>(
  cache: Map<string, Map<K, boolean>>,
  selector: LabelSelector,
  labels: Labels,
  key: K,
): boolean {
  let bySelector = cache.get(selector.key);
  if (!bySelector) {
    bySelector = new Map<K, boolean>();
    cache.set(selector.key, bySelector);
  }
  let hit = bySelector.get(key);
  if (hit === undefined) {
    hit = matches(selector, labels);
    bySelector.set(key, hit);
  }
  return hit;
}

/** Pod and namespace selectors against a pod class, each answer kept. */
export class SelectorCache {
  private readonly pods = new Map<string, Map<number, boolean>>();
  private readonly namespaces = new Map<string, Map<string, boolean>>();

  podMatches(selector: LabelSelector, pods: PodClass): boolean {
    return cachedMatch(this.pods, selector, pods.labels, pods.index);
  }

  namespaceMatches(selector: LabelSelector, pods: PodClass): boolean {
    return cachedMatch(this.namespaces, selector, pods.namespaceLabels, pods.namespace);
  }
}
