// Reads the manifests of a commit from the local git repository (for `reachdiff diff --base origin/main`),
// without checking anything out: one `git ls-tree` and one `git cat-file --batch`.
import { execFileSync, spawnSync } from "node:child_process";
import picomatch from "picomatch";
import { decodeUtf8, DEFAULT_MAX_FILE_BYTES, isManifestName, type ManifestFile } from "../manifests/load.js";
import type { Diagnostics } from "../manifests/diagnostics.js";

import { DEFAULT_PATHS } from "../config/schema.js";

export function isGitRef(ref: string, cwd = process.cwd()): boolean {
  const r = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd, encoding: "utf8" });
  return r.status === 0;
}

export function readGitTree(
  ref: string,
  globs: readonly string[],
  diagnostics: Diagnostics,
  cwd = process.cwd(),
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): ManifestFile[] {
  const isMatch = picomatch(globs.length ? [...globs] : DEFAULT_PATHS, { dot: false });
  const prefix = execFileSync("git", ["rev-parse", "--show-prefix"], { cwd, encoding: "utf8" }).trim();
  const listing = execFileSync("git", ["ls-tree", "-r", "-z", "--full-tree", "-l", ref], {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wanted: { path: string; object: string; size: number }[] = [];
  for (const entry of listing.split("\0")) {
    if (!entry) continue;
    const tab = entry.indexOf("\t");
    const [mode, type, object, size] = entry.slice(0, tab).split(/\s+/);
    const path = entry.slice(tab + 1);
    if (type !== "blob" || mode === "120000") continue; // symbolic links are not followed from a commit
    const rel = prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
    // Only .yaml, .yml and .json are manifests, whatever the globs match (chart/** holds READMEs and .tgz).
    if ((!isMatch(rel) && !isMatch(path)) || !isManifestName(path)) continue;
    if (Number(size) > maxBytes) {
      diagnostics.error(path, 0, `file is ${size} bytes, over the limit of ${maxBytes}; it is not read`);
      continue;
    }
    wanted.push({ path, object, size: Number(size) });
  }
  if (!wanted.length) return [];
  const batch = execFileSync("git", ["cat-file", "--batch"], {
    cwd,
    input: `${wanted.map((w) => w.object).join("\n")}\n`,
    maxBuffer: 1024 * 1024 * 1024,
  });
  const files: ManifestFile[] = [];
  let offset = 0;
  for (const w of wanted) {
    const headerEnd = batch.indexOf(0x0a, offset);
    offset = headerEnd + 1;
    const bytes = batch.subarray(offset, offset + w.size);
    offset += w.size + 1;
    const text = decodeUtf8(bytes);
    if (text === null) diagnostics.error(w.path, 0, "file is not valid UTF-8; it is not read");
    else files.push({ name: w.path, text });
  }
  return files;
}

/** One file of a commit, or null when the commit has no such file. */
export function readGitFile(ref: string, path: string, cwd = process.cwd()): string | null {
  const r = spawnSync("git", ["show", `${ref}:${path}`], { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : null;
}
