#!/usr/bin/env node
// The `reachdiff` executable (package.json bin): the command line in cli.ts, its exit code as the process's.
import { main } from "./cli.js";

process.exitCode = main(process.argv.slice(2));
