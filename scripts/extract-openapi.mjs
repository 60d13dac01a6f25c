#!/usr/bin/env node
// Regenerates fixtures/github/openapi-extract.json: the operations of GitHub's official REST OpenAPI
// description (package @octokit/openapi, api.github.com.deref.json) that reachdiff calls, so the
// loopback GitHub server in test/e2e validates every request against GitHub's own schema.
//
// @octokit/openapi is ~385 MB installed, too big to be a devDependency; this script fetches its
// tarball with `npm pack` into a temporary folder and streams the one file it needs out of it.
//
//   node scripts/extract-openapi.mjs [version]        (default: the version recorded in the extract)
import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

/** Every operation the bot may call; the fake server answers 404 for anything else. */
export const OPERATIONS = [
  "apps/get-authenticated",
  "apps/create-installation-access-token",
  "repos/get-content",
  "repos/compare-commits-with-basehead",
  "repos/download-tarball-archive",
  "repos/get-collaborator-permission-level",
  "pulls/get",
  "pulls/list",
  "apps/list-repos-accessible-to-installation",
  "checks/list-for-suite",
  "issues/list-comments",
  "issues/create-comment",
  "issues/update-comment",
  "issues/delete-comment",
  "checks/create",
  "checks/update",
  "checks/list-for-ref",
  "reactions/create-for-issue-comment",
  "reactions/delete-for-issue-comment",
  "apps/list-webhook-deliveries",
  "apps/redeliver-webhook-delivery",
];

const OUT = new URL("../fixtures/github/openapi-extract.json", import.meta.url);
const FILE = "package/generated/api.github.com.deref.json";

async function readSpec(version) {
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-openapi-"));
  try {
    execFileSync("npm", ["pack", `@octokit/openapi@${version}`, "--silent", "--pack-destination", dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tgz = join(dir, `octokit-openapi-${version}.tgz`);
    const chunks = [];
    const extract = tar.extract();
    extract.on("entry", (header, stream, next) => {
      if (header.name === FILE) stream.on("data", (c) => chunks.push(c));
      stream.on("end", next);
      stream.resume();
    });
    await pipeline(createReadStream(tgz), createGunzip(), extract);
    if (!chunks.length) throw new Error(`${FILE} not found in @octokit/openapi@${version}`);
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const previous = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : undefined;
const version = process.argv[2] ?? previous?.info?.["x-source-version"] ?? "23.0.2";
const spec = await readSpec(version);
const paths = {};
const found = new Set();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!OPERATIONS.includes(op?.operationId)) continue;
    found.add(op.operationId);
    // Keep what validates a request and the response codes; drop the long prose and examples.
    const { operationId, parameters, requestBody, responses } = op;
    const slim = { operationId, parameters, responses: {} };
    if (requestBody) slim.requestBody = requestBody;
    for (const [code, r] of Object.entries(responses ?? {})) {
      const content = r.content?.["application/json"]?.schema
        ? { "application/json": { schema: r.content["application/json"].schema } }
        : undefined;
      slim.responses[code] = content
        ? { description: r.description ?? "", content }
        : { description: r.description ?? "" };
    }
    (paths[path] ??= {})[method] = slim;
  }
}
const missing = OPERATIONS.filter((o) => !found.has(o));
if (missing.length) throw new Error(`operations not in the description: ${missing.join(", ")}`);
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value))
      if (k !== "examples" && k !== "example" && k !== "x-github") out[k] = strip(v);
    return out;
  }
  return value;
};
const extract = {
  openapi: spec.openapi,
  info: {
    title: "GitHub REST API: the operations reachdiff calls",
    version: spec.info.version,
    "x-source": "@octokit/openapi generated/api.github.com.deref.json",
    "x-source-version": version,
  },
  paths: strip(paths),
};
writeFileSync(OUT, `${JSON.stringify(extract, null, 1)}\n`);
console.log(`wrote ${OUT.pathname}: ${OPERATIONS.length} operations from @octokit/openapi@${version}`);
