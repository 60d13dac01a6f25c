// Golden comments: every fixtures/scenarios/<name>/ keeps the pull-request comment the bot posts for it
// (comment.md). Regenerate with UPDATE_GOLDEN=1 after an intended change, and read the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { renderComment } from "../../src/report/markdown.js";
import { loadSide } from "../../src/snapshot.js";

const ROOT = "fixtures/scenarios";

describe("scenario comments", () => {
  for (const name of readdirSync(ROOT).sort()) {
    const dir = join(ROOT, name);
    if (!existsSync(join(dir, "base"))) continue;
    it(name, () => {
      const result = diffClusters(
        loadSide(join(dir, "base")),
        loadSide(join(dir, "head")),
        defaultConfig(),
        exposureOf,
      );
      const comment = renderComment(result, {
        repoUrl: "https://github.com/acme/platform",
        headSha: "0123456789abcdef0123456789abcdef01234567",
      });
      const file = join(dir, "comment.md");
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, comment);
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(comment).toBe(readFileSync(file, "utf8"));
      expect(Buffer.byteLength(comment, "utf8")).toBeLessThanOrEqual(65_536);
    });
  }
});
