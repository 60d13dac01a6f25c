import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codeLine,
  cutToBytes,
  encodePath,
  fenceFor,
  md,
  mermaidText,
  safeUrl,
  sanitize,
  utf8Bytes,
} from "../../src/report/escape.js";
import { MARKER_PREFIX, marker, parseMarker } from "../../src/report/markdown.js";
import { HOSTILE } from "../helpers/report.js";

describe("md: untrusted text in Markdown", () => {
  it("escapes markup, HTML and table pipes", () => {
    expect(md("<script>alert(1)</script>")).toBe("&lt;script&gt;alert\\(1\\)&lt;/script&gt;");
    expect(md("a|b")).toBe("a\\|b");
    expect(md("*b* _i_ `c` [l](u) ~s~ ![i]")).toBe("\\*b\\* \\_i\\_ \\`c\\` \\[l\\]\\(u\\) \\~s\\~ \\!\\[i\\]");
    expect(md("&amp;")).toBe("&amp;amp;");
    expect(md("back\\slash")).toBe("back\\\\slash");
  });

  it("neutralises mentions, issue references and autolinks", () => {
    expect(md("@org/team")).toBe("@\u200Dorg/team");
    expect(md("#12")).toBe("\\#\u200D12");
    expect(md("https://evil.example")).not.toContain("://");
    expect(md("www.evil.example")).not.toMatch(/www\./);
  });

  it("keeps one line, drops control and bidi characters, and bounds the length", () => {
    expect(md("a\nb\r\nc\td")).toBe("a b c d");
    expect(md("\u202Eevil\u202C")).toBe("evil");
    expect(md("x".repeat(500), 10)).toBe(`${"x".repeat(9)}…`);
    expect(md("🚀".repeat(20), 5)).toBe("🚀🚀🚀🚀…");
  });

  it("leaves ordinary names readable", () => {
    expect(md("shop/Deployment/web-1")).toBe("shop/Deployment/web-1");
    expect(md("web.shop.svc.cluster.local")).toBe("web.shop.svc.cluster.local");
  });
});

describe("mermaidText: untrusted text in a quoted Mermaid label", () => {
  it("turns every meaningful character into an entity code", () => {
    expect(mermaidText('say "hi"')).toBe("say #quot;hi#quot;");
    expect(mermaidText("<b>&</b>")).toBe("#lt;b#gt;#amp;#lt;/b#gt;");
    expect(mermaidText("`x` | y # z")).toBe("#96;x#96; #124; y #35; z");
    expect(mermaidText("%%{init}%%")).toBe("#37;#37;#123;init#125;#37;#37;");
    expect(mermaidText("1. list")).toBe("1#46; list");
  });

  it("never lets a quote, bracket, pipe, percent, backtick or angle bracket through", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...HOSTILE), fc.string(), fc.string({ unit: "grapheme" })), (s) => {
        const out = mermaidText(s);
        expect(out).not.toMatch(/["<>`|%{}[\]()\n\r]/);
        expect([...out].length).toBeLessThanOrEqual(60 * 7);
      }),
    );
  });
});

describe("code blocks, sizes and URLs", () => {
  it("picks a fence the body cannot close", () => {
    expect(fenceFor("plain")).toBe("```");
    expect(fenceFor("a ``` b")).toBe("````");
    expect(fenceFor("`````")).toBe("``````");
    expect(codeLine("a\n```\nb")).toBe("a ``` b");
  });

  it("counts and cuts UTF-8 bytes without splitting a character", () => {
    expect(utf8Bytes("ü🚀")).toBe(6);
    expect(cutToBytes("aü🚀", 4)).toBe("aü");
    expect(cutToBytes("abc", 10)).toBe("abc");
  });

  it("encodes file paths for links and accepts only plain http(s) URLs", () => {
    expect(encodePath("dir/a b(1).yaml")).toBe("dir/a%20b%281%29.yaml");
    expect(safeUrl("https://github.com/acme/shop")).toBe("https://github.com/acme/shop");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl("https://x.example/a)b")).toBeUndefined();
  });

  it("sanitize replaces lone surrogates", () => {
    expect(sanitize("a\uD800b")).toBe("a\uFFFDb");
  });
});

describe("the sticky-comment marker", () => {
  it("round-trips the head SHA on the first line", () => {
    const line = marker("0123456789abcdef0123456789abcdef01234567");
    expect(line).toBe("<!-- reachdiff:v1 head=0123456789abcdef0123456789abcdef01234567 -->");
    expect(line.startsWith(MARKER_PREFIX)).toBe(true);
    expect(parseMarker(`${line}\n### body`)).toEqual({ version: 1, head: "0123456789abcdef0123456789abcdef01234567" });
    expect(parseMarker(`${marker()}\r\nbody`)).toEqual({ version: 1 });
  });

  it("refuses SHAs that could break the comment, and comments that are not ours", () => {
    expect(marker("abc --> <b>")).toBe("<!-- reachdiff:v1 -->");
    expect(parseMarker("hello\n<!-- reachdiff:v1 head=abc -->")).toBeNull();
    expect(parseMarker("<!-- other-bot:v1 head=abc -->")).toBeNull();
    expect(parseMarker("<!-- reachdiff:v1 head=unknown -->")).toEqual({ version: 1 });
    expect(parseMarker("<!-- reachdiff:v2 head=abc part=1/2 -->")).toEqual({ version: 2, head: "abc" });
  });
});
