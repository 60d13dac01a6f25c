// The codes render diagnostics carry (Diagnostic.code), so that rules and reports can recognise them
// without reading messages. Here, below the chain, because rules read them and render/ writes them. A diagnostic's `file` is the unit's anchor: the kustomization file, the
// chart's Chart.yaml, or the folder of a render command.

/** A unit could not be rendered (tool error, time or size limit, refused input, missing tool). */
export const RENDER_FAILED = "render-failed";
/** A unit was rendered (info); its message says with which tool and how many objects came out. */
export const RENDERED = "rendered";
/** A unit was deliberately not rendered (a render command while commands are off, a lone Component). */
export const RENDER_SKIPPED = "render-skipped";
/** Objects of a unit whose definition could not be found: they point to the unit, not to a line. */
export const RENDER_UNMAPPED = "render-unmapped";
/** A Flux HelmRelease's valuesFrom that could not be resolved among the environment's manifests (said at its line). */
export const VALUES_NOT_FOUND = "values-not-found";
