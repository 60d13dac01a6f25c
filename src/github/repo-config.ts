// Reads `.github/reachdiff.yml` from the base branch (never from the head: a pull request must not
// choose its own policy). Absent -> defaults; invalid -> ConfigError naming the key.
import { ConfigError, defaultConfig } from "../config/load-config.js";
import { readConfig } from "../review/config.js";
import type { Config } from "../config/schema.js";
import { httpStatus, type GitHub, type Repo } from "./types.js";

const CONFIG_PATH = ".github/reachdiff.yml";

export async function readRepoConfig(
  gh: GitHub,
  repo: Repo,
  ref: string,
  path = CONFIG_PATH,
): Promise<{ config: Config; found: boolean }> {
  let data: Awaited<ReturnType<typeof gh.rest.repos.getContent>>["data"];
  try {
    ({ data } = await gh.rest.repos.getContent({ ...repo, path, ref }));
  } catch (error) {
    if (httpStatus(error) === 404) return { config: defaultConfig(), found: false };
    throw error;
  }
  if (Array.isArray(data) || data.type !== "file" || !("content" in data))
    throw new ConfigError(`${path}: is not a file`);
  const text = Buffer.from(data.content, (data.encoding as BufferEncoding) || "base64").toString("utf8");
  return { config: readConfig(text, path), found: true };
}
