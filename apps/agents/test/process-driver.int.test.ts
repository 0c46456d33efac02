import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createProcessDriver } from "../src/drivers/process-driver";
import { driverContract } from "./driver-contract";

const logDir = mkdtempSync(join(tmpdir(), "aios-driver-"));
driverContract("process", () =>
  createProcessDriver({ repoRoot: resolve(import.meta.dirname, "../../.."), stateDir: logDir }),
);
