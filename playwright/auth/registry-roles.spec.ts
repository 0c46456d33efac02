import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures";
import { AUTH_API_URL, issueToken, localAdminToken } from "./auth-home";

/**
 * The Assets and Container registries pages as a viewer, in token mode: the console's blob proxy
 * downloads with the session's token, admins' and operators' controls are offered to nobody else,
 * and a registry's password is never in the page.
 */
const admin = () => ({ authorization: `Bearer ${localAdminToken()}` });
const suffix = Date.now().toString(36);

async function adminCall(path: string, input: unknown): Promise<void> {
  const res = await fetch(`${AUTH_API_URL}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...admin() },
    body: JSON.stringify(input),
  });
  expect(res.status, `${path}: ${await res.text()}`).toBe(200);
}

async function signIn(page: Page, token: string, path: string): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByTestId("sign-in-token").fill(token);
  await page.getByTestId("sign-in-submit").click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

test("a viewer downloads an asset through the console, and cannot remove it", async ({ page }) => {
  const viewer = await issueToken("viewer", `e2e asset viewer ${suffix}`);
  const bytes = randomBytes(4096);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const put = await fetch(`${AUTH_API_URL}/v1/assets/blobs/${sha256}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", ...admin() },
    body: bytes,
  });
  expect(put.status).toBe(201);
  const name = `e2e-viewed-${suffix}`;
  await adminCall("assets.register", { name, version: "1.0.0", releaseTag: "stable", sha256 });

  // Without a session the console's proxy sends no token, and the API refuses.
  expect((await page.request.get(`/v1/assets/blobs/${sha256}`)).status()).toBe(401);

  const uri = `${name}:1.0.0-stable`;
  await signIn(page, viewer.token, `/assets/${encodeURIComponent(uri)}`);
  await expect(page.getByTestId("asset-sha256")).toHaveText(sha256);
  await expect(page.getByTestId("remove")).toBeDisabled();
  await expect(page.getByTestId("role-reason")).toHaveText(
    "Needs the operator role; you are signed in as a viewer.",
  );
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("asset-download").click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${name}-1.0.0-stable`);
  expect((await readFile(await download.path())).equals(bytes)).toBe(true);
});

test("a viewer sees a registry's credentials as yes, never its password, and no Add or Remove", async ({
  page,
}) => {
  const viewer = await issueToken("viewer", `e2e registry viewer ${suffix}`);
  const id = `e2e-private-${suffix}`;
  const password = `pw-${suffix}-never-shown`;
  await adminCall("containerRegistries.create", {
    containerRegistryId: id,
    url: "registry.e2e.local",
    username: "robot",
    password,
  });

  await signIn(page, viewer.token, "/container-registries");
  const row = page.getByTestId(`registry-row-${id}`);
  await expect(row.getByTestId("registry-credentials")).toHaveText("yes");
  await expect(row.getByTestId("remove")).toBeDisabled();
  const form = page.getByTestId("add-registry");
  await expect(form.getByTestId("role-reason")).toHaveText(
    "Needs the admin role; you are signed in as a viewer.",
  );
  await expect(form.getByTestId("registry-password")).toHaveCount(0);
  expect(await page.content()).not.toContain(password);
});
