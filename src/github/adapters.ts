// The one place where the GitHub side meets the renderer and the exposure engine it depends on:
// each export is a one-line switch, so a change of either is one line here.
export { exposureOf as exposureFn } from "../analysis/exposure-of.js";
export { renderComment, parseMarker, marker as markerLine } from "../report/markdown.js";
