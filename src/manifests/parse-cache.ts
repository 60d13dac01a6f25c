// Parse results by file name and content, for the two sides of a diff: a pull request changes a few
// files of thousands, and every file whose name and text are the same on both sides is parsed once.
// The objects are shared (the model only reads them); each side still gets the file's diagnostics.
import { Diagnostics, type Diagnostic } from "./diagnostics.js";
import { parseManifestText, type ParseOptions, type RawObject } from "./parse.js";

export interface ParsedFile {
  readonly objects: readonly RawObject[];
  readonly diagnostics: readonly Diagnostic[];
}

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
}
