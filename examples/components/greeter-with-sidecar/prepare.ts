// The greeter's init container: writes the greeting into the folder it shares with its instance
// (AIOS_WORK_DIR), then exits 0. With FAIL_WITH set it fails with that exit code instead.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const failWith = Number(process.env.FAIL_WITH ?? 0);
if (failWith) {
  console.error(`prepare: told to fail with ${failWith}`);
  process.exit(failWith);
}
const dir = process.env.AIOS_WORK_DIR;
if (!dir) {
  console.error("prepare: no AIOS_WORK_DIR");
  process.exit(2);
}
const greeting = process.env.GREETING ?? "hello";
writeFileSync(join(dir, "greeting.txt"), `${greeting}\n`);
console.log(
  `prepare: wrote greeting "${greeting}" for the instance on port ${process.env.AIOS_INSTANCE_PORT}`,
);
