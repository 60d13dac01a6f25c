// A worker thread of ParseCache.prefetch: parses its share of the files and sends the objects back as
// plain data. It always signals the end (slot 0 of the shared array), even after an error; slot 1
// counts the files done, so that the waiting thread can tell a slow worker from a dead one.
import { workerData, type MessagePort } from "node:worker_threads";
import { Diagnostics } from "./diagnostics.js";
import { toPortable } from "./line-index.js";
import { parseManifestText, type ParseOptions } from "./parse.js";

interface Task {
  readonly files: readonly { readonly name: string; readonly text: string }[];
  readonly options: ParseOptions;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

const { files, options, port, signal } = workerData as Task;
try {
  const results = files.map((f) => {
    const diagnostics = new Diagnostics();
    const objects = parseManifestText(f.name, f.text, diagnostics, options).map(toPortable);
    Atomics.add(signal, 1, 1);
    return { objects, diagnostics: diagnostics.items };
  });
  port.postMessage({ results });
} catch (e) {
  port.postMessage({ error: (e as Error).stack ?? String(e) });
} finally {
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
