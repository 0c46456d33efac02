import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { APIRequestContext } from "@playwright/test";
import { API_URL, expect, test } from "./fixtures";
import { mutate, uniqueName } from "./policy-api";

/**
 * The Assets page over assets uploaded through the API's data plane (`PUT /v1/assets/blobs/<sha256>`)
 * and named with `assets.register`, as `aios asset upload` does.
 */
async function uploadAsset(request: APIRequestContext, name: string, bytes: Buffer) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const put = await request.put(`${API_URL}/v1/assets/blobs/${sha256}`, {
    data: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
  expect(put.status(), await put.text()).toBe(201);
  await mutate(request, "assets.register", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    sha256,
    tags: ["e2e"],
    metadata: { fileName: `${name}.bin` },
  });
  return { name, uri: `${name}:1.0.0-stable`, sha256 };
}

/** A component whose pushed code is the asset: the registry then refuses to remove the asset. */
async function registerComponentUsing(request: APIRequestContext, asset: { uri: string; sha256: string }) {
  const name = uniqueName("e2e-pushed");
  await mutate(request, "parser.applySpec", {
    document: {
      header: { templateUri: "Parser/V1", action: "registerComponent" },
      body: {
        spec: {
          values: {
            componentId: { name, version: "0.1.0", releaseTag: "beta" },
            componentType: "tool",
            containerRegistryInfo: { componentMode: "aios" },
            runtime: { asset: { assetURI: asset.uri, sha256: asset.sha256 } },
          },
        },
      },
    },
  });
  return `tool.${name}:0.1.0-beta`;
}

test("an uploaded asset is listed with its size and digest, and downloads as the same bytes", async ({
  page,
  request,
}) => {
  const bytes = randomBytes(300_000);
  const asset = await uploadAsset(request, uniqueName("e2e-weights"), bytes);

  await page.goto("/assets");
  const row = page.getByTestId(`asset-row-${asset.uri}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("asset-size")).toHaveText("293 KiB");
  await expect(row.getByTestId("asset-sha256")).toHaveText(`${asset.sha256.slice(0, 12)}…`);
  await expect(row.getByTestId("asset-sha256")).toHaveAttribute("title", asset.sha256);
  await expect(row).toContainText("e2e");

  // The filter narrows the table client-side, by digest too.
  await page.getByPlaceholder("Filter by URI, SHA-256 or tag").fill(asset.sha256.slice(0, 10));
  await expect(row).toBeVisible();
  await page.getByPlaceholder("Filter by URI, SHA-256 or tag").fill("no-such-asset-anywhere");
  await expect(page.getByText("No asset matches")).toBeVisible();
  await page.getByPlaceholder("Filter by URI, SHA-256 or tag").fill("");

  await row.click();
  await expect(page).toHaveURL(new RegExp(`/assets/${encodeURIComponent(asset.uri)}$`));
  await expect(page.getByTestId("asset-sha256")).toHaveText(asset.sha256);
  await expect(page.locator("body")).toContainText(`"fileName": "${asset.name}.bin"`);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("asset-download").click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${asset.name}.bin`);
  const path = await download.path();
  const received = await readFile(path);
  expect(received.length).toBe(bytes.length);
  expect(received.equals(bytes)).toBe(true);
});

test("removing an asset a component uses shows the API's reason; an unused one is removed", async ({
  page,
  request,
  consoleErrors,
}) => {
  const used = await uploadAsset(request, uniqueName("e2e-bundle"), randomBytes(2048));
  const component = await registerComponentUsing(request, used);

  await page.goto(`/assets/${encodeURIComponent(used.uri)}`);
  await page.getByTestId("remove").click();
  await page.getByRole("button", { name: "Remove asset" }).click();
  const refusal = page.getByRole("dialog").getByRole("alert");
  await expect(refusal).toContainText(`asset ${used.uri} is used by component ${component}`);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("asset-sha256")).toHaveText(used.sha256);

  const unused = await uploadAsset(request, uniqueName("e2e-spare"), randomBytes(1024));
  await page.goto(`/assets/${encodeURIComponent(unused.uri)}`);
  await page.getByTestId("remove").click();
  await page.getByRole("button", { name: "Remove asset" }).click();
  await expect(page).toHaveURL(/\/assets$/);
  await expect(page.getByTestId(`asset-row-${used.uri}`)).toBeVisible();
  await expect(page.getByTestId(`asset-row-${unused.uri}`)).toHaveCount(0);
  // Its blob went with its last record.
  expect((await request.get(`${API_URL}/v1/assets/blobs/${unused.sha256}`)).status()).toBe(404);

  // Chromium logs the refused call (409) as a console error; it was expected here.
  const rest = consoleErrors.filter((e) => !/status of 409/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});
