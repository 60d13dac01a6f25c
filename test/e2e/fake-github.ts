// A loopback GitHub REST API for end-to-end tests. Stateful (a repository with commits, a pull
// request, comments, check runs, reactions, collaborators) and strict: EVERY request is routed and
// validated against GitHub's official OpenAPI description (the extract in fixtures/github, made by
// scripts/extract-openapi.mjs) with openapi-backend, so an unknown route, a wrong method, a missing
// required field or a value out of range gets the 404/422 the real API would give. Its own answers
// are laid over schema-generated responses and validated too, so the bot sees GitHub's shapes. A few rules the
// description cannot express are enforced on top (comment body size, editing others' comments,
// completing a check run without a conclusion). Every request is recorded for assertions.
//
// Fault injection: `fail` answers the next N requests of an operation with an error (5xx bursts, 403
// rate limits with their headers, a 404 for a deleted branch); `delay` answers them late (past the
// client's timeout: the operation still takes effect, as on a slow GitHub); `after` changes the state
// once an operation succeeded (a push, a close, a comment deleted by a user mid-run).
import { createHmac, createPublicKey, createVerify, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { OpenAPIBackend } from "openapi-backend";
import type { Context } from "openapi-backend";
import tar, { type Header as TarHeader } from "tar-stream";
import { parse as parseYaml } from "yaml";

const SPEC = nullables(
  JSON.parse(readFileSync(new URL("../../fixtures/github/openapi-extract.json", import.meta.url), "utf8")),
);

/**
 * OpenAPI 3.0's `nullable: true` admits null, even beside an `enum` that does not list it or without a
 * `type` (next to allOf/anyOf): spelled here the way Ajv reads it.
 */
function nullables<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(nullables);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    Object.values(o).forEach(nullables);
    if (o.nullable === true && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum.push(null);
    if (o.nullable === true && o.type === undefined) {
      const { nullable: _, ...rest } = o;
      for (const k of Object.keys(o)) delete o[k];
      o.anyOf = [rest, { type: "null" }];
    }
  }
  return node;
}

/** The App's permissions as app.yml asks for them: installation tokens get exactly these. */
export const APP_PERMISSIONS: Record<string, string> = parseYaml(
  readFileSync(new URL("../../app.yml", import.meta.url), "utf8"),
).default_permissions;

/**
 * What each operation needs of an installation token, as GitHub's "Permissions required" tables say
 * (alternatives: any one suffices; comments and reactions on a pull request take pull_requests or issues).
 */
const NEEDS: Record<string, [string, "read" | "write"][]> = {
  "apps/list-repos-accessible-to-installation": [["metadata", "read"]],
  "repos/get-content": [["contents", "read"]],
  "repos/compare-commits-with-basehead": [["contents", "read"]],
  "repos/download-tarball-archive": [["contents", "read"]],
  "repos/get-collaborator-permission-level": [["metadata", "read"]],
  "pulls/get": [["pull_requests", "read"]],
  "pulls/list": [["pull_requests", "read"]],
  "issues/list-comments": [
    ["issues", "read"],
    ["pull_requests", "read"],
  ],
  "issues/create-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "issues/update-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "issues/delete-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "checks/create": [["checks", "write"]],
  "checks/update": [["checks", "write"]],
  "checks/list-for-ref": [["checks", "read"]],
  "checks/list-for-suite": [["checks", "read"]],
  "reactions/create-for-issue-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
  "reactions/delete-for-issue-comment": [
    ["issues", "write"],
    ["pull_requests", "write"],
  ],
};

const allows = (granted: Record<string, string>, perm: string, level: "read" | "write") =>
  granted[perm] === "write" || (level === "read" && granted[perm] === "read");

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly operationId?: string;
  readonly status: number;
  readonly body?: unknown;
  readonly login?: string;
  /** When the request arrived (ms since the epoch). */
  readonly at: number;
  /** Whether it carried an Authorization header (archive downloads must not: another host). */
  readonly authorized?: boolean;
}

export interface Comment {
  id: number;
  /** The pull request (issue) it is on; 1 when not said. */
  issue?: number;
  body: string;
  user: { login: string; id: number; type: "User" | "Bot" };
  created_at: string;
  updated_at: string;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  /** The check suite: one per head commit. */
  suite: number;
  output: { title: string | null; summary: string | null; text?: string | null };
  annotations: unknown[];
  history: string[];
}

/** One webhook delivery as GitHub's delivery log keeps it (GET /app/hook/deliveries), with what was sent. */
export interface HookDelivery {
  readonly id: number;
  readonly guid: string;
  readonly delivered_at: string;
  readonly redelivery: boolean;
  readonly status_code: number;
  readonly event: string;
  readonly action: string | null;
  readonly url: string;
  readonly request: { readonly body: string; readonly headers: Record<string, string> };
}

export interface Fault {
  /** operationId, or "codeload" for archive downloads. */
  readonly operation: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** How many requests it answers (default 1). */
  times?: number;
}

interface Commit {
  readonly sha: string;
  readonly parent?: string;
  readonly files: Map<string, string>;
}

export interface PullState {
  number: number;
  head: { sha: string; ref: string; fork: boolean };
  /** The base branch; `sha` pins its commit (else the branch's). */
  base: { ref: string; sha?: string };
  state: "open" | "closed";
  draft?: boolean;
}

const now = () => new Date().toISOString();
const user = (login: string, id: number) => ({
  login,
  id,
  node_id: `U_${id}`,
  avatar_url: "https://avatars.githubusercontent.com/u/1",
  gravatar_id: "",
  url: `https://api.github.com/users/${login}`,
  html_url: `https://github.com/${login}`,
  type: login.endsWith("[bot]") ? "Bot" : "User",
  site_admin: false,
});

let nextId = 1000;
const newId = () => nextId++;

export function sha(seed: string): string {
  let h = 0n;
  for (const c of seed) h = (h * 131n + BigInt(c.charCodeAt(0))) % 2n ** 160n;
  return h.toString(16).padStart(40, "0").slice(-40);
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly requests: Recorded[] = [];
  readonly comments: Comment[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly reactions: { id: number; comment_id: number; content: string; login: string; deleted: boolean }[] = [];
  /** login -> permission (admin | maintain | write | triage | read). Others are not collaborators (404). */
  readonly collaborators = new Map<string, string>();
  readonly commits = new Map<string, Commit>();
  readonly branches = new Map<string, string>();
  readonly pulls = new Map<number, PullState>();
  readonly faults: Fault[] = [];
  /** Errors of the fake itself (e.g. a response that does not match GitHub's schema). */
  readonly problems: string[] = [];
  /** Requests whose path matches are answered only after a delay (to test deadlines). */
  readonly slow: { pattern: RegExp; ms: number }[] = [];
  /** The next `times` requests of an operation (operationId or "codeload") are answered after `ms`. */
  readonly delays: { operation: string; ms: number; times: number }[] = [];
  /** When set, every installation token handed out is this one (to look for it in logs). */
  installationToken?: string;
  /** Called after an operation succeeded (e.g. to push a newer commit while a review runs). */
  readonly after = new Map<string, (f: FakeGitHub) => void>();
  readonly appSlug = "reachdiff-test";
  /** The App's webhook deliveries, oldest first (its delivery log). */
  readonly deliveries: HookDelivery[] = [];
  /** Where webhooks go (the App's webhook URL; with several, in turn) and the secret that signs them. */
  hookUrls: string[] = [];
  hookSecret = "";
  #nextHook = 0;
  readonly appId = 4242;
  /** token -> login of whoever it authenticates. */
  readonly tokens = new Map<string, string>();
  /** token -> the permissions it carries (absent: every permission, like a classic token). */
  readonly tokenPermissions = new Map<string, Record<string, string>>();
  readonly installationTokens = new Set<string>();
  /** The permissions installation tokens get (app.yml's by default; a change applies to tokens handed out already). */
  installationPermissions: Record<string, string> = { ...APP_PERMISSIONS };
  /** The web address of the instance (https://github.com, or a GitHub Enterprise Server's). */
  htmlBase = "https://github.com";
  /** Other repositories of the installation (installation backfill), by full name. */
  readonly otherRepos: string[] = [];
  #publicKey?: KeyObject;
  #server?: Server;
  #api: OpenAPIBackend;
  url = "";

  constructor(options: { owner?: string; repo?: string; publicKeyPem?: string } = {}) {
    this.owner = options.owner ?? "octo-org";
    this.repo = options.repo ?? "k8s-config";
    if (options.publicKeyPem) this.#publicKey = createPublicKey(options.publicKeyPem);
    this.#api = new OpenAPIBackend({
      definition: SPEC,
      quick: true,
      validate: true,
      coerceTypes: true,
      ajvOpts: { strict: false, validateFormats: false },
      handlers: this.#handlers(),
    });
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  // ---------------------------------------------------------------- state helpers for tests

  commit(files: Record<string, string>, parent?: string, seed = JSON.stringify(files) + (parent ?? "")): string {
    const s = sha(seed);
    const base = parent ? new Map(this.commits.get(parent)!.files) : new Map<string, string>();
    for (const [k, v] of Object.entries(files)) {
      if (v === "\0delete") base.delete(k);
      else base.set(k, v);
    }
    this.commits.set(s, { sha: s, parent, files: base });
    return s;
  }

  openPull(
    number: number,
    headSha: string,
    options: { ref?: string; baseRef?: string; fork?: boolean } = {},
  ): PullState {
    const pr: PullState = {
      number,
      head: { sha: headSha, ref: options.ref ?? "feature", fork: options.fork ?? false },
      base: { ref: options.baseRef ?? "main" },
      state: "open",
    };
    this.pulls.set(number, pr);
    return pr;
  }

  push(number: number, headSha: string): void {
    this.pulls.get(number)!.head.sha = headSha;
  }

  close(number: number): void {
    this.pulls.get(number)!.state = "closed";
  }

  delay(operation: string, ms: number, times = 1): void {
    this.delays.push({ operation, ms, times });
  }

  addComment(number: number, login: string, body: string): Comment {
    const c: Comment = {
      id: newId(),
      issue: number,
      body,
      user: user(login, 7) as Comment["user"],
      created_at: now(),
      updated_at: now(),
    };
    this.comments.push(c);
    return c;
  }

  /** A token the Action uses; comments made with it are by github-actions[bot]. `permissions` limits it. */
  actionToken(login = "github-actions[bot]", permissions?: Record<string, string>): string {
    const t = `ghs_action_${randomBytes(6).toString("hex")}`;
    this.tokens.set(t, login);
    if (permissions) this.tokenPermissions.set(t, permissions);
    return t;
  }

  /** The check suite of a head commit (one per commit, as for one App). */
  suiteOf(headSha: string): number {
    return Number.parseInt(headSha.slice(0, 6), 16) + 1;
  }

  fail(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  calls(operationId: string): Recorded[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Requests that fetched a side: the archive request and its download, by commit. */
  fetchesOf(commitSha: string): Recorded[] {
    return this.requests.filter(
      (r) =>
        (r.operationId === "repos/download-tarball-archive" || r.operationId === "codeload") &&
        r.path.endsWith(`/${commitSha}`),
    );
  }

  stickyComments(login = `${this.appSlug}[bot]`): Comment[] {
    return this.comments.filter((c) => c.user.login === login && c.body.startsWith("<!-- reachdiff:v1"));
  }

  /**
   * Sends a webhook as GitHub does (signed with `secret`) to `url`, or to the next of `hookUrls`, and
   * keeps it in the delivery log with the status it got (0 when nothing answered).
   */
  async sendHook(
    event: string,
    payload: Record<string, unknown>,
    options: { url?: string; guid?: string; redelivery?: boolean; signature?: string } = {},
  ): Promise<HookDelivery> {
    const body = JSON.stringify(payload);
    const guid = options.guid ?? randomUUID();
    const url = options.url ?? this.hookUrls[this.#nextHook++ % this.hookUrls.length];
    const headers = {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": guid,
      "x-hub-signature-256":
        options.signature ?? `sha256=${createHmac("sha256", this.hookSecret).update(body).digest("hex")}`,
      "user-agent": "GitHub-Hookshot/test",
    };
    let status = 0;
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      await res.text();
    } catch {
      status = 0;
    }
    const d: HookDelivery = {
      id: newId(),
      guid,
      delivered_at: new Date().toISOString(),
      redelivery: options.redelivery ?? false,
      status_code: status,
      event,
      action: typeof payload.action === "string" ? payload.action : null,
      url,
      request: { body, headers },
    };
    this.deliveries.push(d);
    return d;
  }

  reset(): void {
    this.requests.length = 0;
    this.deliveries.length = 0;
    this.comments.length = 0;
    this.checkRuns.length = 0;
    this.reactions.length = 0;
    this.faults.length = 0;
    this.problems.length = 0;
    this.secondaryLimits = undefined;
    this.#writes.clear();
    this.slow.length = 0;
    this.delays.length = 0;
    this.after.clear();
  }

  // ---------------------------------------------------------------- server

  /**
   * GitHub's automatic secondary rate limits, when set: content-creating requests (POST, PATCH, PUT,
   * DELETE) per minute per token, and requests in flight at once; past either, a 403 with retry-after.
   */
  secondaryLimits?: { writesPerMinute?: number; concurrent?: number; retryAfterSeconds?: number };
  readonly #writes = new Map<string, number[]>();
  #inFlight = 0;

  /** Where archive downloads are redirected: another host (127.0.0.2), as codeload.github.com is. */
  codeloadUrl = "";
  #codeload?: Server;

  async start(): Promise<string> {
    await this.#api.init();
    const handle = (req: IncomingMessage, res: ServerResponse) =>
      this.#serve(req, res).catch((error: Error) => {
        // A bug of the fake itself: answer 599 so that no test mistakes it for GitHub's behaviour.
        this.problems.push(error.message);
        this.requests.push({
          method: req.method ?? "",
          path: req.url ?? "",
          query: {},
          status: 599,
          body: error.message,
          at: Date.now(),
        });
        if (!res.headersSent) res.writeHead(599, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: error.message }));
      });
    this.#codeload = createServer(handle);
    const listen = (server: Server, host: string) =>
      new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve());
      });
    const codeloadHost = await listen(this.#codeload, "127.0.0.2").then(
      () => "127.0.0.2",
      async () => {
        this.#codeload = createServer(handle);
        await listen(this.#codeload, "127.0.0.1");
        return "127.0.0.1";
      },
    );
    this.codeloadUrl = `http://${codeloadHost}:${(this.#codeload.address() as AddressInfo).port}`;
    this.#server = createServer(handle);
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#codeload?.close(resolve));
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#inFlight++;
    res.once("close", () => this.#inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "");
    const method = (req.method ?? "GET").toUpperCase();
    const at = Date.now();
    const query = Object.fromEntries(url.searchParams.entries());
    const record = (status: number, operationId?: string, body?: unknown, login?: string) =>
      this.requests.push({ method, path, query, operationId, status, body, login, at });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        record(400);
        return send(400, { message: "Problems parsing JSON" });
      }
    }
    // Archive downloads (codeload.github.com in real life): not part of the REST API.
    const codeload = /^\/_codeload\/([^/]+)\/([^/]+)\/tar\.gz\/([0-9a-f]{40})$/.exec(path);
    if (codeload) {
      await this.#delayFor("codeload");
      const fault = this.#takeFault("codeload");
      if (fault) {
        record(fault.status, "codeload");
        return send(fault.status, fault.body);
      }
      const commit = this.commits.get(codeload[3]);
      this.requests.push({
        method,
        path,
        query,
        operationId: "codeload",
        status: commit ? 200 : 404,
        at,
        authorized: Boolean(req.headers.authorization),
      });
      if (!commit) return send(404, { message: "Not Found" });
      const archive = await this.#tarball(commit);
      res.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(archive.length) });
      return void res.end(archive);
    }
    // GraphQL: only `viewer` (who a token is), as the Action asks it; not part of the REST description.
    if (path === "/graphql" && method === "POST") {
      const who = this.#login(String(req.headers.authorization ?? ""));
      record(who ? 200 : 401, "graphql", body, who);
      if (!who) return send(401, { message: "Bad credentials" });
      const bot = who.endsWith("[bot]");
      return send(200, { data: { viewer: { login: who.replace(/\[bot\]$/, ""), __typename: bot ? "Bot" : "User" } } });
    }
    const delay = this.slow.find((d) => d.pattern.test(path));
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
    );
    const matched = this.#api.matchOperation({ method, path, query, headers });
    if (matched?.operationId) await this.#delayFor(matched.operationId);
    const result = (await this.#api.handleRequest(
      { method, path, query, headers, body },
      { req, method, path, body, record },
    )) as {
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      operationId?: string;
      login?: string;
    };
    record(result.status, result.operationId, body, result.login);
    send(result.status, result.body, result.headers);
  }

  async #delayFor(operation: string): Promise<void> {
    const i = this.delays.findIndex((d) => d.operation === operation && d.times > 0);
    if (i < 0) return;
    const d = this.delays[i];
    if (--d.times <= 0) this.delays.splice(i, 1);
    await new Promise((r) => setTimeout(r, d.ms));
  }

  #takeFault(operation: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.operation === operation && (f.times ?? 1) > 0);
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  async #tarball(commit: Commit): Promise<Buffer> {
    const pack = tar.pack();
    const top = `${this.owner}-${this.repo}-${commit.sha.slice(0, 7)}/`;
    // GitHub's archives start with a pax global header holding the commit id; tar-stream writes one, but
    // its types leave the type out.
    pack.entry({
      name: "pax_global_header",
      type: "pax-global-header",
      pax: { comment: commit.sha },
    } as unknown as TarHeader);
    pack.entry({ name: top, type: "directory" });
    for (const [name, text] of [...commit.files].sort()) pack.entry({ name: top + name, type: "file" }, text);
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    return gzipSync(Buffer.concat(chunks));
  }

  /** The 403 GitHub answers past a secondary rate limit, or nothing. */
  #secondaryLimit(method: string, auth: string) {
    const limits = this.secondaryLimits;
    if (!limits) return undefined;
    const refuse = {
      status: 403,
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
      },
      headers: { "retry-after": String(limits.retryAfterSeconds ?? 60) },
    };
    if (limits.concurrent && this.#inFlight > limits.concurrent) return refuse;
    if (!limits.writesPerMinute || !/^(post|patch|put|delete)$/i.test(method)) return undefined;
    const now = Date.now();
    const recent = (this.#writes.get(auth) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= limits.writesPerMinute) return refuse;
    recent.push(now);
    this.#writes.set(auth, recent);
    return undefined;
  }

  /** One page of a listing (per_page, page) with GitHub's Link header. */
  #page<T>(c: Context, path: string, all: T[], shape: (items: T[]) => unknown) {
    const q = c.request.query as Record<string, string>;
    const perPage = Math.min(100, Number(q.per_page ?? 30));
    const page = Number(q.page ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const params = new URLSearchParams({ ...q, per_page: String(perPage) });
    const at = (n: number) => {
      params.set("page", String(n));
      return `<${this.url}${path}?${params}>`;
    };
    const link = [page < last ? `${at(page + 1)}; rel="next"` : "", `${at(last)}; rel="last"`]
      .filter(Boolean)
      .join(", ");
    return {
      status: 200,
      body: shape(all.slice((page - 1) * perPage, page * perPage)),
      headers: { link },
    };
  }

  // ---------------------------------------------------------------- auth

  #verifyJwt(auth: string): boolean {
    const m = /^bearer\s+([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(auth);
    if (!m || !this.#publicKey) return false;
    const verify = createVerify("RSA-SHA256");
    verify.update(`${m[1]}.${m[2]}`);
    if (!verify.verify(this.#publicKey, Buffer.from(m[3], "base64url"))) return false;
    const claims = JSON.parse(Buffer.from(m[2], "base64url").toString("utf8"));
    const t = Date.now() / 1000;
    return String(claims.iss) === String(this.appId) && claims.exp > t && claims.iat <= t + 60;
  }

  #login(auth: string): string | undefined {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
    return m ? this.tokens.get(m[1]) : undefined;
  }

  /**
   * Answers like GitHub: a success body is laid over a response generated from the operation's schema
   * (so every field GitHub always sends is there), then validated against that schema.
   */
  #shaped<T extends { status: number; body?: unknown }>(operationId: string, r: T): T {
    if (r.status >= 300 || r.body === undefined) return r;
    const { mock } = this.#api.mockResponseForOperation(operationId, { code: r.status }) as { mock: unknown };
    const merge = (base: unknown, over: unknown): unknown => {
      if (Array.isArray(over)) return over.map((o) => merge(Array.isArray(base) ? base[0] : undefined, o));
      if (over && typeof over === "object" && base && typeof base === "object" && !Array.isArray(base)) {
        const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
        for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
        return out;
      }
      return over;
    };
    const body = merge(mock, r.body);
    const v = this.#api.validateResponse(body, operationId, r.status);
    if (v.errors?.length)
      throw new Error(
        `fake GitHub answers ${operationId} unlike GitHub: ${v.errors
          .slice(0, 5)
          .map((e) => `${e.instancePath} ${e.message}`)
          .join("; ")}`,
      );
    return { ...r, body };
  }

  // ---------------------------------------------------------------- operations

  #handlers() {
    type R = { status: number; body?: unknown; headers?: Record<string, string>; operationId?: string; login?: string };
    const op =
      (fn: (c: Context, login: string) => R, options: { jwt?: boolean } = {}) =>
      (c: Context): R => {
        const operationId = c.operation.operationId!;
        const auth = String(c.request.headers.authorization ?? "");
        let login: string | undefined;
        if (options.jwt) {
          if (!this.#verifyJwt(auth))
            return { status: 401, body: { message: "A JSON web token could not be decoded" }, operationId };
          login = `app:${this.appSlug}`;
        } else {
          login = this.#login(auth);
          if (!login) return { status: 401, body: { message: "Bad credentials" }, operationId };
          const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1] ?? "";
          const granted = this.installationTokens.has(token)
            ? this.installationPermissions
            : this.tokenPermissions.get(token);
          const needs = NEEDS[operationId];
          if (granted && needs && !needs.some(([perm, level]) => allows(granted, perm, level)))
            return {
              status: 403,
              body: {
                message: "Resource not accessible by integration",
                documentation_url: "https://docs.github.com/rest",
              },
              headers: { "x-accepted-github-permissions": needs.map(([p, l]) => `${p}=${l}`).join("; ") },
              operationId,
              login,
            };
        }
        const limited = this.#secondaryLimit(c.request.method, String(c.request.headers.authorization ?? ""));
        if (limited) return { ...limited, operationId, login };
        const fault = this.#takeFault(operationId);
        if (fault)
          return {
            status: fault.status,
            body: fault.body ?? { message: "Server Error" },
            headers: fault.headers,
            operationId,
            login,
          };
        const p = c.request.params as Record<string, string>;
        if ("owner" in p && (p.owner !== this.owner || p.repo !== this.repo))
          return { status: 404, body: { message: "Not Found" }, operationId, login };
        const r = this.#shaped(operationId, fn(c, login));
        if (r.status < 400) this.after.get(operationId)?.(this);
        return { ...r, operationId, login };
      };
    const notFound = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    const repoJson = () => ({
      id: 1,
      node_id: "R_1",
      name: this.repo,
      full_name: this.fullName,
      private: false,
      owner: user(this.owner, 1),
    });
    const commentJson = ({ issue = 1, ...c }: Comment) => ({
      ...c,
      node_id: `IC_${c.id}`,
      url: `https://api.github.com/repos/${this.fullName}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.fullName}/pull/${issue}#issuecomment-${c.id}`,
      issue_url: `https://api.github.com/repos/${this.fullName}/issues/${issue}`,
      author_association: "NONE",
    });
    const checkJson = (r: CheckRun) => ({
      id: r.id,
      node_id: `CR_${r.id}`,
      name: r.name,
      head_sha: r.head_sha,
      status: r.status,
      conclusion: r.conclusion,
      external_id: r.external_id,
      output: { ...r.output, annotations_count: r.annotations.length, annotations_url: "" },
      url: `${this.url}/repos/${this.fullName}/check-runs/${r.id}`,
      html_url: `${this.htmlBase}/${this.fullName}/runs/${r.id}`,
      details_url: r.details_url,
      started_at: now(),
      completed_at: null,
      check_suite: { id: r.suite },
      app: null,
      pull_requests: [],
    });
    const pullJson = (pr: PullState) => {
      const baseSha = pr.base.sha ?? this.branches.get(pr.base.ref)!;
      const forkRepo = { ...repoJson(), id: 2, full_name: `fork-user/${this.repo}`, owner: user("fork-user", 3) };
      return {
        number: pr.number,
        id: pr.number,
        node_id: `PR_${pr.number}`,
        state: pr.state,
        draft: pr.draft ?? false,
        title: "Change manifests",
        user: user("dev", 5),
        head: {
          label: `dev:${pr.head.ref}`,
          ref: pr.head.ref,
          sha: pr.head.sha,
          repo: pr.head.fork ? forkRepo : repoJson(),
          user: user("dev", 5),
        },
        base: {
          label: `${this.owner}:${pr.base.ref}`,
          ref: pr.base.ref,
          sha: baseSha,
          repo: repoJson(),
          user: user(this.owner, 1),
        },
      };
    };
    const ownComment = (c: Context, login: string): Comment | R => {
      const comment = this.comments.find(
        (x) => x.id === Number((c.request.params as Record<string, string>).comment_id),
      );
      if (!comment) return notFound;
      if (comment.user.login !== login)
        return { status: 403, body: { message: "Must have admin rights to Repository." } };
      return comment;
    };
    const tooLong = (body: string) => Buffer.byteLength(body) > 65536;
    return {
      notFound: () => ({ ...notFound, body: { message: "Not Found (no such operation in GitHub's REST API)" } }),
      methodNotAllowed: () => ({
        ...notFound,
        body: { message: "Not Found (no such method for this route in GitHub's REST API)" },
      }),
      notImplemented: (c: Context) => ({
        status: 501,
        body: { message: `fake GitHub does not implement ${c.operation.operationId}` },
        operationId: c.operation.operationId,
      }),
      validationFail: (c: Context) => ({
        status: 422,
        body: {
          message: "Invalid request.",
          errors: (c.validation.errors ?? []).map((e) => `${e.instancePath} ${e.message}`),
        },
        operationId: c.operation.operationId,
      }),
      "apps/get-authenticated": op(
        () => ({
          status: 200,
          body: {
            id: this.appId,
            slug: this.appSlug,
            node_id: "A_1",
            name: "Reachdiff test",
            owner: user(this.owner, 1),
            events: [],
            permissions: {},
          },
        }),
        { jwt: true },
      ),
      "apps/create-installation-access-token": op(
        () => {
          const token = this.installationToken ?? `ghs_inst_${randomBytes(8).toString("hex")}`;
          this.tokens.set(token, `${this.appSlug}[bot]`);
          this.installationTokens.add(token);
          return {
            status: 201,
            body: {
              token,
              expires_at: new Date(Date.now() + 3600_000).toISOString(),
              permissions: this.installationPermissions,
              repository_selection: "all",
            },
          };
        },
        { jwt: true },
      ),
      "repos/get-content": op((c) => {
        const p = c.request.params as Record<string, string>;
        const ref = String((c.request.query as Record<string, string>).ref ?? this.branches.get("main"));
        const commit = this.commits.get(this.branches.get(ref) ?? ref);
        const path = decodeURIComponent(p.path);
        const text = commit?.files.get(path);
        if (text === undefined) return notFound;
        return {
          status: 200,
          body: {
            type: "file",
            encoding: "base64",
            size: Buffer.byteLength(text),
            name: path.split("/").pop(),
            path,
            content: Buffer.from(text).toString("base64"),
            sha: sha(text),
            url: "",
            git_url: null,
            html_url: null,
            download_url: null,
            _links: { self: "", git: null, html: null },
          },
        };
      }),
      "repos/compare-commits-with-basehead": op((c) => {
        const m = /^([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/.exec((c.request.params as Record<string, string>).basehead);
        const base = m && this.commits.get(m[1]);
        const head = m && this.commits.get(m[2]);
        if (!base || !head) return notFound;
        const ancestors = new Set<string>();
        for (let s: string | undefined = base.sha; s; s = this.commits.get(s)?.parent) ancestors.add(s);
        let mergeBase = head.sha;
        while (!ancestors.has(mergeBase) && this.commits.get(mergeBase)?.parent)
          mergeBase = this.commits.get(mergeBase)!.parent!;
        const from = this.commits.get(mergeBase)!.files;
        const files = [];
        for (const name of new Set([...from.keys(), ...head.files.keys()])) {
          const a = from.get(name);
          const b = head.files.get(name);
          if (a === b) continue;
          files.push({
            sha: sha(b ?? ""),
            filename: name,
            status: a === undefined ? "added" : b === undefined ? "removed" : "modified",
            additions: 1,
            deletions: 1,
            changes: 2,
            blob_url: "",
            raw_url: "",
            contents_url: "",
          });
        }
        files.sort((x, y) => (x.filename < y.filename ? -1 : 1));
        const commitJson = (s: string) => ({
          sha: s,
          node_id: `C_${s}`,
          url: "",
          html_url: "",
          comments_url: "",
          commit: {},
          author: null,
          committer: null,
          parents: [],
        });
        return {
          status: 200,
          body: {
            url: "",
            html_url: "",
            permalink_url: "",
            diff_url: "",
            patch_url: "",
            base_commit: commitJson(base.sha),
            merge_base_commit: commitJson(mergeBase),
            status: "ahead",
            ahead_by: 1,
            behind_by: 0,
            total_commits: 1,
            commits: [],
            files: files.slice(0, 300),
          },
        };
      }),
      "repos/download-tarball-archive": op((c) => {
        const ref = (c.request.params as Record<string, string>).ref;
        const target = this.branches.get(ref) ?? ref;
        if (!this.commits.has(target)) return notFound;
        return {
          status: 302,
          headers: { location: `${this.codeloadUrl}/_codeload/${this.owner}/${this.repo}/tar.gz/${target}` },
        };
      }),
      "repos/get-collaborator-permission-level": op((c) => {
        const login = (c.request.params as Record<string, string>).username;
        const permission = this.collaborators.get(login);
        if (!permission) return { status: 404, body: { message: `${login} is not a user` } };
        const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(permission);
        const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
        return {
          status: 200,
          body: {
            permission: legacy,
            role_name: permission,
            user: {
              ...user(login, 9),
              permissions: {
                pull: rank >= 0,
                triage: rank >= 1,
                push: rank >= 2,
                maintain: rank >= 3,
                admin: rank >= 4,
              },
            },
          },
        };
      }),
      "pulls/get": op((c) => {
        const pr = this.pulls.get(Number((c.request.params as Record<string, string>).pull_number));
        if (!pr) return notFound;
        return { status: 200, body: pullJson(pr) };
      }),
      "issues/list-comments": op((c) => {
        const q = c.request.query as Record<string, string>;
        const perPage = Math.min(100, Number(q.per_page ?? 30));
        const page = Number(q.page ?? 1);
        const issue = Number((c.request.params as Record<string, string>).issue_number);
        const all = this.comments.filter((x) => (x.issue ?? 1) === issue);
        const items = all.slice((page - 1) * perPage, page * perPage).map(commentJson);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const base = `${this.url}/repos/${this.fullName}/issues/${(c.request.params as Record<string, string>).issue_number}/comments?per_page=${perPage}`;
        const links = [
          page < last ? `<${base}&page=${page + 1}>; rel="next"` : "",
          `<${base}&page=${last}>; rel="last"`,
        ]
          .filter(Boolean)
          .join(", ");
        return { status: 200, body: items, headers: { link: links } };
      }),
      "issues/create-comment": op((c, login) => {
        const { body } = c.request.requestBody as { body: string };
        if (tooLong(body))
          return {
            status: 422,
            body: {
              message: "Validation Failed",
              errors: [
                {
                  resource: "IssueComment",
                  code: "custom",
                  field: "body",
                  message: "Body is too long (maximum is 65536 characters)",
                },
              ],
            },
          };
        const comment: Comment = {
          id: newId(),
          issue: Number((c.request.params as Record<string, string>).issue_number),
          body,
          user: user(login, 8) as Comment["user"],
          created_at: now(),
          updated_at: now(),
        };
        this.comments.push(comment);
        return { status: 201, body: commentJson(comment) };
      }),
      "issues/update-comment": op((c, login) => {
        const found = ownComment(c, login);
        if ("status" in found) return found;
        const { body } = c.request.requestBody as { body: string };
        if (tooLong(body))
          return {
            status: 422,
            body: {
              message: "Validation Failed",
              errors: [
                {
                  resource: "IssueComment",
                  code: "custom",
                  field: "body",
                  message: "Body is too long (maximum is 65536 characters)",
                },
              ],
            },
          };
        found.body = body;
        found.updated_at = now();
        return { status: 200, body: commentJson(found) };
      }),
      "issues/delete-comment": op((c, login) => {
        const found = ownComment(c, login);
        if ("status" in found) return found;
        this.comments.splice(this.comments.indexOf(found), 1);
        return { status: 204 };
      }),
      "checks/create": op((c) => {
        const b = c.request.requestBody as Record<string, never> & { output?: { annotations?: unknown[] } };
        if (!this.commits.has(b.head_sha))
          return { status: 422, body: { message: `No commit found for SHA: ${b.head_sha}` } };
        const run: CheckRun = {
          id: newId(),
          name: b.name,
          head_sha: b.head_sha,
          status: b.conclusion ? "completed" : (b.status ?? "queued"),
          conclusion: b.conclusion ?? null,
          external_id: b.external_id ?? null,
          details_url: b.details_url ?? null,
          suite: this.suiteOf(b.head_sha),
          output: { title: null, summary: null, ...(b.output ?? {}) },
          annotations: [...(b.output?.annotations ?? [])],
          history: [],
        };
        run.history.push(run.status);
        this.checkRuns.push(run);
        return { status: 201, body: checkJson(run) };
      }),
      "checks/list-for-ref": op((c) => {
        const ref = (c.request.params as Record<string, string>).ref;
        const q = c.request.query as Record<string, string>;
        const runs = this.checkRuns.filter(
          (r) =>
            r.head_sha === (this.branches.get(ref) ?? ref) &&
            (!q.check_name || r.name === q.check_name) &&
            (!q.status || r.status === q.status),
        );
        return this.#page(c, `/repos/${this.fullName}/commits/${ref}/check-runs`, runs, (items) => ({
          total_count: runs.length,
          check_runs: items.map(checkJson),
        }));
      }),
      "checks/list-for-suite": op((c) => {
        const suite = Number((c.request.params as Record<string, string>).check_suite_id);
        const q = c.request.query as Record<string, string>;
        const runs = this.checkRuns.filter(
          (r) =>
            r.suite === suite && (!q.check_name || r.name === q.check_name) && (!q.status || r.status === q.status),
        );
        return this.#page(c, `/repos/${this.fullName}/check-suites/${suite}/check-runs`, runs, (items) => ({
          total_count: runs.length,
          check_runs: items.map(checkJson),
        }));
      }),
      "pulls/list": op((c) => {
        const q = c.request.query as Record<string, string>;
        const state = q.state ?? "open";
        const prs = [...this.pulls.values()]
          .filter((pr) => state === "all" || pr.state === state)
          .sort((a, b) => (q.direction === "asc" ? a.number - b.number : b.number - a.number));
        return this.#page(c, `/repos/${this.fullName}/pulls`, prs, (items) => items.map((pr) => pullJson(pr)));
      }),
      "apps/list-repos-accessible-to-installation": op((c) => {
        const names = [this.fullName, ...this.otherRepos];
        return this.#page(c, "/installation/repositories", names, (items) => ({
          total_count: names.length,
          repository_selection: "all",
          repositories: items.map((n) => ({ ...repoJson(), full_name: n, name: n.split("/")[1] })),
        }));
      }),
      "checks/update": op((c) => {
        const run = this.checkRuns.find(
          (r) => r.id === Number((c.request.params as Record<string, string>).check_run_id),
        );
        if (!run) return notFound;
        const b = c.request.requestBody as {
          status?: string;
          conclusion?: string;
          output?: { title?: string; summary?: string; annotations?: unknown[] };
        };
        if (b.status === "completed" && !b.conclusion)
          return {
            status: 422,
            body: { message: "Invalid request.\n\nNo conclusion given for a completed check run." },
          };
        if (b.conclusion) run.status = "completed";
        else if (b.status) run.status = b.status;
        if (b.conclusion) run.conclusion = b.conclusion;
        if (b.output) {
          run.output = { ...run.output, ...b.output };
          run.annotations.push(...(b.output.annotations ?? []));
        }
        run.history.push(run.status);
        return { status: 200, body: checkJson(run) };
      }),
      "apps/list-webhook-deliveries": op(
        (c) => {
          const q = c.request.query as Record<string, string>;
          const perPage = Math.min(100, Number(q.per_page ?? 30));
          const before = q.cursor ? Number(q.cursor) : Number.POSITIVE_INFINITY;
          const ok = (d: Pick<HookDelivery, "status_code">) => d.status_code >= 200 && d.status_code < 400;
          const all = [...this.deliveries]
            .reverse()
            .filter((d) => d.id < before && (!q.status || (q.status === "success") === ok(d)));
          const page = all.slice(0, perPage);
          const next = all.length > perPage ? page.at(-1)!.id : undefined;
          return {
            status: 200,
            body: page.map(({ url: _url, request: _request, ...d }) => ({
              ...d,
              status: d.status_code === 0 ? "timed out" : ok(d) ? "OK" : `Invalid HTTP Response: ${d.status_code}`,
              duration: 0.1,
              installation_id: null,
              repository_id: 1,
            })),
            headers: next
              ? { link: `<${this.url}/app/hook/deliveries?per_page=${perPage}&cursor=${next}>; rel="next"` }
              : ({} as Record<string, string>),
          };
        },
        { jwt: true },
      ),
      "apps/redeliver-webhook-delivery": op(
        (c) => {
          const d = this.deliveries.find(
            (x) => x.id === Number((c.request.params as Record<string, string>).delivery_id),
          );
          if (!d) return notFound;
          // GitHub sends it again, later, with the same delivery id (guid).
          setTimeout(() => {
            void this.sendHook(d.event, JSON.parse(d.request.body), { guid: d.guid, redelivery: true });
          }, 10);
          return { status: 202, body: {} };
        },
        { jwt: true },
      ),
      "reactions/create-for-issue-comment": op((c, login) => {
        const id = Number((c.request.params as Record<string, string>).comment_id);
        if (!this.comments.some((x) => x.id === id)) return notFound;
        const content = (c.request.requestBody as { content: string }).content;
        const existing = this.reactions.find(
          (r) => r.comment_id === id && r.content === content && r.login === login && !r.deleted,
        );
        const reaction = existing ?? { id: newId(), comment_id: id, content, login, deleted: false };
        if (!existing) this.reactions.push(reaction);
        return {
          status: existing ? 200 : 201,
          body: { id: reaction.id, node_id: `RE_${reaction.id}`, user: user(login, 8), content, created_at: now() },
        };
      }),
      "reactions/delete-for-issue-comment": op((c) => {
        const p = c.request.params as Record<string, string>;
        const r = this.reactions.find((x) => x.id === Number(p.reaction_id) && x.comment_id === Number(p.comment_id));
        if (r) r.deleted = true;
        return { status: 204 };
      }),
    };
  }
}
