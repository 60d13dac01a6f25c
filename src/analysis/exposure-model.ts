// Re-export of the exposure types (kept so that modules written before exposure.ts landed compile;
// new code imports from exposure.js).
export type { BrokenRoute, EntryKind, Exposure } from "./exposure.js";
