// A side's files in a folder on disk, rendered in place: bounded by the folder (or its git work tree),
// never following a link out of it.
import { existsSync, lstatSync, type Dirent, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type FileTree, SKIPPED_FOLDERS } from "./tree.js";

/** A folder on disk. `root` bounds every reference; names are shown relative to `displayRoot`. */
export class DirTree implements FileTree {
  /** The folder as given (names are built from it, as the loader builds them) and as it really is. */
  readonly dir: string;
  private readonly real: string;
  private readonly displayRoot: string;
  constructor(
    root: string,
    displayRoot: string,
    readonly maxFileBytes: number,
  ) {
    this.dir = resolve(root);
    this.real = realpathSync(this.dir);
    this.displayRoot = resolve(displayRoot);
  }

  /** The tree for a folder: bounded by its git work tree when it is in one, else by the folder. */
  static around(folder: string, displayRoot: string, maxFileBytes: number): { tree: DirTree; scope: string } {
    const abs = resolve(folder);
    let top = abs;
    for (let d = abs; ; d = dirname(d)) {
      if (existsSync(join(d, ".git"))) {
        top = d;
        break;
      }
      if (dirname(d) === d) break;
    }
    const tree = new DirTree(top, displayRoot, maxFileBytes);
    return { tree, scope: relative(tree.dir, abs).split(sep).join("/") };
  }

  private abs(path: string): string {
    return path ? join(this.dir, ...path.split("/")) : this.dir;
  }
  private inside(real: string): boolean {
    return real === this.real || real.startsWith(this.real + sep);
  }

  files(folder: string, dot = false): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const walk = (rel: string) => {
      let real: string;
      try {
        real = realpathSync(this.abs(rel));
      } catch {
        return;
      }
      if (!this.inside(real) || seen.has(real)) return;
      seen.add(real);
      let entries: Dirent[];
      try {
        entries = readdirSync(this.abs(rel), { withFileTypes: true }).sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
        );
      } catch {
        return;
      }
      for (const entry of entries) {
        const name = entry.name;
        const child = rel ? `${rel}/${name}` : name;
        // A plain entry of a folder inside the tree is inside it: only symbolic links need resolving.
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          try {
            const info = statSync(this.abs(child));
            [isDir, isFile] = [info.isDirectory(), info.isFile() && this.isFile(child)];
          } catch {
            continue;
          }
        }
        if (isDir) {
          if (!SKIPPED_FOLDERS.has(name) && (dot || !name.startsWith("."))) walk(child);
        } else if (isFile) out.push(child);
      }
    };
    walk(folder);
    return out;
  }
  isFile(path: string): boolean {
    try {
      const real = realpathSync(this.abs(path));
      return this.inside(real) && statSync(real).isFile();
    } catch {
      return false;
    }
  }
  isDir(path: string): boolean {
    try {
      const real = realpathSync(this.abs(path));
      return this.inside(real) && statSync(real).isDirectory();
    } catch {
      return false;
    }
  }
  size(path: string): number {
    try {
      return statSync(this.abs(path)).size;
    } catch {
      return 0;
    }
  }
  read(path: string): Buffer | undefined {
    if (!this.isFile(path) || this.size(path) > this.maxFileBytes) return undefined;
    try {
      return readFileSync(this.abs(path));
    } catch {
      return undefined;
    }
  }
  executable(path: string): boolean {
    try {
      return (lstatSync(this.abs(path)).mode & 0o100) !== 0;
    } catch {
      return false;
    }
  }
  aliases(): [string, string][] {
    return [
      [`${this.displayRoot}${sep}`, ""],
      [`${this.dir}${sep}`, ""],
      [`${this.real}${sep}`, ""],
    ];
  }
  display(path: string): string {
    const abs = this.abs(path);
    const rel = relative(this.displayRoot, abs);
    return rel.startsWith("..") || rel === "" ? abs : rel.split(sep).join("/");
  }
}
