#!/usr/bin/env node
// The `aios` CLI runs from TypeScript source through tsx, like every process of the monorepo.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
