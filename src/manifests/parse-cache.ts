// Parse results by file name and content, for the two sides of a diff: a pull request changes a few
// files of thousands, and every file whose name and text are the same on both sides is parsed once.
// The objects are shared (the model only reads them); each side still gets the file's diagnostics.
// prefetch parses many files at once on several threads (worker_threads, no processes).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { Diagnostics, type Diagnostic } from "./diagnostics.js";
import { fromPortable, type PortableObject } from "./line-index.js";
import { parseManifestText, type ParseOptions, type RawObject } from "./parse.js";

export interface ParsedFile {
  readonly objects: readonly RawObject[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface PrefetchOptions {
  /** Threads to parse on, this one included (default: the machine's available parallelism, at most 4). */
  readonly threads?: number;
  /** Below this many bytes of text to parse, one thread does it all (starting a worker costs ~0.1 s). */
  readonly minBytes?: number;
  /** A worker that finishes no file for this long is given up on and its files are parsed here. */
  readonly stallMs?: number;
}

const WORKER = new URL("./parse-worker.js", import.meta.url);

export class ParseCache {
  private readonly byName = new Map<string, Map<string, ParsedFile>>();

  constructor(private readonly options: ParseOptions = {}) {}

  get(name: string, text: string): ParsedFile | undefined {
    return this.byName.get(name)?.get(text);
  }

  set(name: string, text: string, parsed: ParsedFile): void {
    let byText = this.byName.get(name);
    if (!byText) this.byName.set(name, (byText = new Map()));
    byText.set(text, parsed);
  }

  /** The file's objects, parsed now or on an earlier call; its diagnostics are added to `diagnostics` either way. */
  parse(name: string, text: string, diagnostics: Diagnostics): readonly RawObject[] {
    let parsed = this.get(name, text);
    if (!parsed) {
      const own = new Diagnostics();
      parsed = { objects: parseManifestText(name, text, own, this.options), diagnostics: own.items };
      this.set(name, text, parsed);
    }
    for (const d of parsed.diagnostics) diagnostics.add(d);
    return parsed.objects;
  }

  /**
   * Parses the files not parsed yet (each distinct name and text once), spread over threads: this
   * thread takes one share, worker threads the others, and this thread waits for them (the caller
   * stays synchronous). Afterwards `parse` answers from the cache. The result is the same as parsing
   * every file here: a worker runs the same parser and sends back the objects with their line index.
   */
  prefetch(files: readonly { readonly name: string; readonly text: string }[], options: PrefetchOptions = {}): void {
    const todo: { name: string; text: string }[] = [];
    const queued = new Map<string, Set<string>>();
    let bytes = 0;
    for (const f of files) {
      if (this.get(f.name, f.text) || queued.get(f.name)?.has(f.text)) continue;
      let texts = queued.get(f.name);
      if (!texts) queued.set(f.name, (texts = new Set()));
      texts.add(f.text);
      todo.push({ name: f.name, text: f.text });
      bytes += f.text.length;
    }
    const threads = Math.max(1, Math.min(options.threads ?? Math.min(availableParallelism(), 4), todo.length));
    const workerFile = WORKER.protocol === "file:" ? fileURLToPath(WORKER) : null;
    // Without the compiled worker (sources run from .ts, or a bundle) everything is parsed here.
    if (threads < 2 || bytes < (options.minBytes ?? 2_000_000) || !workerFile || !existsSync(workerFile)) {
      for (const f of todo) this.parse(f.name, f.text, new Diagnostics());
      return;
    }
    // Shares of about equal size, the largest files first into the smallest share.
    const shares: { files: { name: string; text: string }[]; bytes: number }[] = Array.from(
      { length: threads },
      () => ({ files: [], bytes: 0 }),
    );
    for (const f of [...todo].sort((a, b) => b.text.length - a.text.length)) {
      const share = shares.reduce((min, s) => (s.bytes < min.bytes ? s : min));
      share.files.push(f);
      share.bytes += f.text.length;
    }
    const workers = shares.slice(1).map((share) => {
      const signal = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new MessageChannel();
      try {
        const worker = new Worker(workerFile, {
          workerData: { files: share.files, options: this.options, port: port2, signal },
          transferList: [port2],
        });
        worker.unref();
        return { share, signal, port: port1, worker };
      } catch {
        port1.close();
        return { share, signal, port: null, worker: null };
      }
    });
    for (const f of shares[0].files) this.parse(f.name, f.text, new Diagnostics());
    const stallMs = options.stallMs ?? 60_000;
    for (const w of workers) {
      let done = w.signal[1];
      let since = Date.now();
      while (w.worker && Atomics.load(w.signal, 0) === 0) {
        Atomics.wait(w.signal, 0, 0, 200);
        const now = Atomics.load(w.signal, 1);
        if (now !== done) [done, since] = [now, Date.now()];
        else if (Date.now() - since > stallMs) break;
      }
      const message =
        w.port && Atomics.load(w.signal, 0) === 1
          ? (receiveMessageOnPort(w.port)?.message as
              | { results?: { objects: PortableObject[]; diagnostics: Diagnostic[] }[] }
              | undefined)
          : undefined;
      void w.worker?.terminate();
      w.port?.close();
      if (message?.results)
        w.share.files.forEach((f, i) =>
          this.set(f.name, f.text, {
            objects: message.results![i].objects.map(fromPortable),
            diagnostics: message.results![i].diagnostics,
          }),
        );
      // A worker that failed (or stalled): its files are parsed here, as they would have been.
      else for (const f of w.share.files) this.parse(f.name, f.text, new Diagnostics());
    }
  }
}
