// Where a side's files come from, for rendering: a folder on disk (dir-tree.ts, rendered in place), a
// commit of the local git repository, or files fetched through the API (both written to a private
// temporary folder first). Paths are POSIX, relative to the tree's root, and never leave it.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { posix } from "node:path";

export interface FileTree {
  /** The folder holding the files when they are on disk; undefined when they must be written out first. */
  readonly dir?: string;
  /** Files under `folder` ("" for all), recursively. .git and node_modules are skipped; dot folders too unless `dot`. */
  files(folder: string, dot?: boolean): string[];
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  size(path: string): number;
  /** The bytes of a file; undefined when it cannot be read. */
  read(path: string): Buffer | undefined;
  /** Whether the file is executable (kept when written out). */
  executable(path: string): boolean;
  /** Reads many files at once where that is cheaper (git). */
  prefetch?(paths: readonly string[]): void;
  /** The name used in output for a path of the tree. */
  display(path: string): string;
  /** Folder prefixes (with their separator) shown relative in messages: [on disk, as shown]. */
  aliases?(): [string, string][];
}

export const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/** Normalises a path relative to a tree; null when it is absolute or climbs out of the tree. */
export function treePath(path: string): string | null {
  if (path.includes("\0") || path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return null;
  const n = posix.normalize(path.replace(/\\/g, "/")).replace(/(.)\/$/, "$1");
  if (n === ".." || n.startsWith("../")) return null;
  return n === "." ? "" : n;
}

/** `base` joined with a relative reference, inside the tree; null when it leaves the tree or is absolute. */
export function resolveIn(base: string, ref: string): string | null {
  if (ref.startsWith("/")) return null;
  return treePath(posix.join(base || ".", ref));
}

const under = (path: string, folder: string) => folder === "" || path === folder || path.startsWith(`${folder}/`);

/** A tree over an in-memory index of paths (git listings and fetched files). */
abstract class IndexedTree implements FileTree {
  protected readonly dirs = new Set<string>([""]);
  protected constructor(protected readonly paths: readonly string[]) {
    for (const p of paths)
      for (let d = posix.dirname(p); d !== "." && !this.dirs.has(d); d = posix.dirname(d)) this.dirs.add(d);
  }
  files(folder: string, dot = false): string[] {
    return this.paths.filter((p) => {
      if (!under(p, folder)) return false;
      const inner = folder ? p.slice(folder.length + 1) : p;
      const parts = inner.split("/");
      return parts.slice(0, -1).every((d) => !SKIPPED_FOLDERS.has(d) && (dot || !d.startsWith(".")));
    });
  }
  isDir(path: string): boolean {
    return this.dirs.has(path);
  }
  abstract isFile(path: string): boolean;
  abstract size(path: string): number;
  abstract read(path: string): Buffer | undefined;
  abstract executable(path: string): boolean;
  display(path: string): string {
    return path;
  }
}

/** Files fetched through the API: names relative to the repository root. */
export class MemoryTree extends IndexedTree {
  private readonly byPath: Map<string, Buffer>;
  /** Names that could not be used (absolute, climbing out, duplicates). */
  readonly refused: string[];
  constructor(files: readonly { readonly name: string; readonly text: string | Uint8Array }[]) {
    const byPath = new Map<string, Buffer>();
    const refused: string[] = [];
    for (const f of files) {
      const p = treePath(f.name);
      if (!p || byPath.has(p)) refused.push(f.name);
      else byPath.set(p, Buffer.from(f.text as string));
    }
    super([...byPath.keys()].sort());
    this.byPath = byPath;
    this.refused = refused;
  }
  isFile(path: string): boolean {
    return this.byPath.has(path);
  }
  size(path: string): number {
    return this.byPath.get(path)?.length ?? 0;
  }
  read(path: string): Buffer | undefined {
    return this.byPath.get(path);
  }
  executable(): boolean {
    return false;
  }
}

interface GitEntry {
  readonly object: string;
  readonly size: number;
  readonly executable: boolean;
}

/** A commit of the git repository at `cwd`; paths relative to the repository's top level. */
export class GitTree extends IndexedTree {
  private readonly cache = new Map<string, Buffer>();
  private constructor(
    private readonly entries: Map<string, GitEntry>,
    private readonly cwd: string,
    readonly maxFileBytes: number,
  ) {
    super([...entries.keys()].sort());
  }

  static open(ref: string, cwd: string, maxFileBytes: number): GitTree {
    const listing = execFileSync("git", ["ls-tree", "-r", "-z", "--full-tree", "-l", ref], {
      cwd,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const entries = new Map<string, GitEntry>();
    for (const entry of listing.split("\0")) {
      if (!entry) continue;
      const tab = entry.indexOf("\t");
      const [mode, type, object, size] = entry.slice(0, tab).split(/\s+/);
      if (type !== "blob" || mode === "120000") continue; // symbolic links are not followed from a commit
      entries.set(entry.slice(tab + 1), { object, size: Number(size), executable: mode === "100755" });
    }
    return new GitTree(entries, cwd, maxFileBytes);
  }

  isFile(path: string): boolean {
    return this.entries.has(path);
  }
  size(path: string): number {
    return this.entries.get(path)?.size ?? 0;
  }
  executable(path: string): boolean {
    return this.entries.get(path)?.executable ?? false;
  }
  prefetch(paths: readonly string[]): void {
    const wanted = [...new Set(paths)].filter(
      (p) => !this.cache.has(p) && (this.entries.get(p)?.size ?? Infinity) <= this.maxFileBytes,
    );
    if (!wanted.length) return;
    const batch = execFileSync("git", ["cat-file", "--batch"], {
      cwd: this.cwd,
      input: `${wanted.map((p) => this.entries.get(p)!.object).join("\n")}\n`,
      maxBuffer: 2 * 1024 * 1024 * 1024,
    });
    let offset = 0;
    for (const p of wanted) {
      const size = this.entries.get(p)!.size;
      offset = batch.indexOf(0x0a, offset) + 1;
      this.cache.set(p, batch.subarray(offset, offset + size));
      offset += size + 1;
    }
  }
  read(path: string): Buffer | undefined {
    if (!this.cache.has(path)) this.prefetch([path]);
    return this.cache.get(path);
  }
}

export class InputTooLarge extends Error {}

/**
 * Writes files of a tree under `dest` (a private folder the caller made): regular files only,
 * owner-only permissions, executable bits kept. Throws InputTooLarge past `maxBytes` in all.
 */
export function writeTree(
  tree: FileTree,
  paths: readonly string[],
  dest: string,
  maxBytes: number,
  /** Where each file goes under `dest` (default: its own path). */
  placeAt: (path: string) => string = (p) => p,
): void {
  tree.prefetch?.(paths);
  let total = 0;
  for (const p of paths) {
    const safe = treePath(p);
    if (safe === null || safe === "") continue;
    const bytes = tree.read(safe);
    if (!bytes) continue;
    total += bytes.length;
    if (total > maxBytes) throw new InputTooLarge(`the files to render are over ${maxBytes} bytes`);
    const place = treePath(placeAt(safe));
    if (place === null || place === "") continue;
    const target = join(dest, ...place.split("/"));
    try {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, bytes, { mode: 0o600, flag: "wx" });
      if (tree.executable(safe)) chmodSync(target, 0o700);
    } catch {
      // A name that is both a file and a folder among fetched files: the first one written wins.
    }
  }
}
