// Lets `node bench/app.ts` import the test helpers, which name their TypeScript siblings `./x.js` as
// tsc wants: a relative `.js` specifier that does not exist is tried as `.ts`.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (!/^\.\.?\//.test(specifier) || !specifier.endsWith(".js")) throw error;
      return next(specifier.replace(/\.js$/, ".ts"), context);
    }
  },
});
