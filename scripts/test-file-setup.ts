import { allocateTestRedisDb } from "@aios/queue/testing";

/**
 * Vitest setup file of the integration project, run before each test file: the file's own Redis
 * database in AIOS_TEST_REDIS_URL (its own PostgreSQL database comes from createTestDatabase).
 * Everything that reads AIOS_TEST_REDIS_URL (test harnesses, agent processes a test starts)
 * therefore uses queues no other file sees.
 */
const base = process.env.AIOS_TEST_REDIS_BASE_URL;
if (base) process.env.AIOS_TEST_REDIS_URL = (await allocateTestRedisDb(base)).url;
