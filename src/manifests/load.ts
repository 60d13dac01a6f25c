// Reads manifest files and folders from disk. The only module of the core that touches the file
// system; everything after it works on RawObjects.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, extname, join, relative, resolve, sep } from "node:path";
import { Diagnostics } from "./diagnostics.js";
import { parseManifestText, type RawObject } from "./parse.js";
import type { ParseCache } from "./parse-cache.js";

export const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

export interface LoadOptions {
  /** Files over this size are reported and not read (default 16 MiB). */
  readonly maxFileBytes?: number;
  /** How file names appear in output: relative to this folder (default: the current directory). */
  readonly displayRoot?: string;
}

export interface ManifestFile {
  /** The name used in output. */
  readonly name: string;
  readonly text: string;
}

export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Decodes a file's bytes as UTF-8, as Kubernetes requires; null when the bytes are not UTF-8. A file
 * that opens with a UTF-16 byte order mark (as Windows tools write them) is UTF-16, as kubectl reads it.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
      return new TextDecoder("utf-16le", { fatal: true }).decode(bytes);
    if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
      const swapped = new Uint8Array(bytes.length);
      for (let i = 0; i + 1 < bytes.length; i += 2) [swapped[i], swapped[i + 1]] = [bytes[i + 1], bytes[i]];
      if (bytes.length % 2) return null;
      return new TextDecoder("utf-16le", { fatal: true }).decode(swapped);
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The 1-based line of the first bytes that are not UTF-8 (a character never spans a line end). */
export function firstNonUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
  }
  return 0;
}

/** Whether a file is read as manifests (.yaml, .yml, .json); others are at most a render's input. */
export function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(extname(name).toLowerCase());
}

/**
 * Lists the manifest files under the given paths (files named explicitly are always read; folders are
 * walked recursively for .yaml/.yml/.json, in name order). Symbolic links are followed only when they
 * stay inside the folder given on the command line.
 */
export function readManifestFiles(
  paths: readonly string[],
  diagnostics: Diagnostics,
  options: LoadOptions = {},
): ManifestFile[] {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const displayRoot = resolve(options.displayRoot ?? process.cwd());
  const display = (p: string) => {
    const rel = relative(displayRoot, p);
    return rel.startsWith("..") || rel === "" ? p : rel.split(sep).join("/");
  };
  const files: ManifestFile[] = [];
  const seen = new Set<string>();

  const readOne = (path: string) => {
    const name = display(path);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      diagnostics.error(name, 0, `cannot read: ${(e as Error).message}`);
      return;
    }
    if (size > maxBytes) {
      diagnostics.error(name, 0, `file is ${size} bytes, over the limit of ${maxBytes}; it is not read`);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      diagnostics.error(name, 0, `cannot read: ${(e as Error).message}`);
      return;
    }
    const text = decodeUtf8(bytes);
    if (text === null) {
      const line = firstNonUtf8Line(bytes);
      diagnostics.error(
        name,
        line,
        `file is not valid UTF-8${line ? " (the first bytes that are not are on this line)" : ""}; it is not read`,
      );
      return;
    }
    files.push({ name, text });
  };

  // `known`: the entry's lstat and its folder's real path, when the caller has them (walking a folder).
  const walk = (path: string, root: string, explicit: boolean, known?: { info: Stats; realFolder: string }) => {
    let info: Stats;
    try {
      info = known?.info ?? lstatSync(path);
    } catch (e) {
      diagnostics.error(display(path), 0, `cannot read: ${(e as Error).message}`);
      return;
    }
    // Files are known by their real path, so that a file reached both directly and through a link
    // (or through a linked ancestor folder) is read once. An entry that is not a link, in a folder
    // whose real path is known, has that folder's real path plus its name.
    let real: string;
    try {
      real = known && !info.isSymbolicLink() ? join(known.realFolder, basename(path)) : realpathSync(path);
    } catch {
      diagnostics.warning(
        display(path),
        0,
        info.isSymbolicLink() ? "broken symbolic link; it is not read" : "cannot resolve its path; it is not read",
      );
      return;
    }
    if (info.isSymbolicLink()) {
      const inside = real === root || real.startsWith(root + sep);
      if (!inside && !explicit) {
        diagnostics.warning(display(path), 0, "symbolic link points outside the folder being read; it is not followed");
        return;
      }
      info = statSync(real);
    }
    if (seen.has(real)) return;
    seen.add(real);
    if (info.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (e) {
        diagnostics.error(display(path), 0, `cannot list folder: ${(e as Error).message}`);
        return;
      }
      for (const entry of entries) {
        if (entry.startsWith(".")) continue; // .git, .github and editor files are not manifests
        const child = join(path, entry);
        let childInfo: Stats;
        try {
          childInfo = lstatSync(child);
        } catch {
          continue;
        }
        if (childInfo.isDirectory() || childInfo.isSymbolicLink() || isManifestName(entry))
          walk(child, root, false, { info: childInfo, realFolder: real });
      }
    } else if (info.isFile()) {
      if (explicit || isManifestName(path)) readOne(path);
    } else {
      // A pipe, socket or device would block or mean nothing as a manifest.
      diagnostics.warning(display(path), 0, "not a regular file or folder; it is not read");
    }
  };

  for (const p of paths) {
    const abs = resolve(p);
    let root: string;
    try {
      root = realpathSync(abs);
    } catch {
      diagnostics.error(p, 0, "no such file or folder");
      continue;
    }
    walk(abs, root, true);
  }
  return files;
}

/** Parses the files (through `cache` when given, so that a file already parsed with the same text is not parsed again). */
export function parseManifestFiles(
  files: readonly ManifestFile[],
  diagnostics: Diagnostics,
  cache?: ParseCache,
): RawObject[] {
  if (cache) return files.flatMap((f) => cache.parse(f.name, f.text, diagnostics));
  return files.flatMap((f) => parseManifestText(f.name, f.text, diagnostics));
}

/** Reads and parses every manifest under the given paths. */
export function loadManifests(
  paths: readonly string[],
  diagnostics: Diagnostics = new Diagnostics(),
  options: LoadOptions = {},
): RawObject[] {
  return parseManifestFiles(readManifestFiles(paths, diagnostics, options), diagnostics);
}
