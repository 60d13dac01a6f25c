// In manifests/, the lowest layer that reads files (core/ and config/ read none), so every caller may import it.
import { readFileSync } from "node:fs";

/** The version in this package's package.json (found upwards from this module: src/, build/src/ or a bundle). */
export function packageVersion(): string {
  for (let up = "./"; up.length < 20; up += "../") {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "reachdiff" && pkg.version) return pkg.version;
    } catch {
      // not here; look further up
    }
  }
  return "0.0.0";
}
