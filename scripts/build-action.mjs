#!/usr/bin/env node
// Bundles the Action (src/action.ts) into dist/index.js: ESM, platform node, target node24 (the
// runner's runtime; @actions/core 3 is ESM-only). dist/ is committed; test/github/dist.test.ts fails
// when it is out of date with src/. Mermaid, jsdom and probot must never end up in the bundle.
import { build } from "esbuild";
import { writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const forbidden = {
  name: "forbidden-imports",
  setup(b) {
    b.onResolve({ filter: /^(mermaid|jsdom|probot|@probot\/.*)(\/.*)?$/ }, (args) => ({
      errors: [{ text: `${args.path} must not be bundled into the Action (imported by ${args.importer})` }],
    }));
  },
};

export const options = {
  absWorkingDir: root,
  entryPoints: ["src/action.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  legalComments: "none",
  // Bundled CommonJS dependencies may `require` Node built-ins: give ESM a require.
  banner: {
    js: "import { createRequire as __reachdiffCreateRequire } from 'node:module'; const require = __reachdiffCreateRequire(import.meta.url);",
  },
  plugins: [forbidden],
  logLevel: "warning",
};

/** The bundle's text, without writing it. */
export async function bundle() {
  const result = await build({ ...options, write: false, outfile: "dist/index.js" });
  return result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await bundle();
  mkdirSync(`${root}/dist`, { recursive: true });
  writeFileSync(`${root}/dist/index.js`, text);
  console.log(`dist/index.js: ${(text.length / 1024).toFixed(0)} KiB`);
}
