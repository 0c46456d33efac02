// Preloaded into the prisma CLI via NODE_OPTIONS (see scripts/prisma.mjs).
// Why: Prisma 6's wasm schema engine leaves 10 s and 60 s timers pending after a
// migrate command has finished, so the CLI lingered ~60 s before exiting.
// Unref'ing long timers lets the process exit as soon as the real work is done;
// short timers (retries, polling) are left untouched.
const { promisify } = require("node:util");

const LONG_MS = 10_000;
const original = global.setTimeout;
global.setTimeout = function unrefLongTimeout(fn, ms, ...args) {
  const timer = original.call(this, fn, ms, ...args);
  if (typeof ms === "number" && ms >= LONG_MS && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
const originalInterval = global.setInterval;
global.setInterval = function unrefLongInterval(fn, ms, ...args) {
  const timer = originalInterval.call(this, fn, ms, ...args);
  if (typeof ms === "number" && ms >= LONG_MS && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
// Keep util.promisify(setTimeout) working after the wrap.
global.setTimeout[promisify.custom] = original[promisify.custom];
