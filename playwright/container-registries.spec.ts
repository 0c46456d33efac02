import { expect, test } from "./fixtures";
import { mutate, uniqueName } from "./policy-api";

/** The Container registries page in open mode (the local caller is an admin). */

test("a registry added with a password shows credentials yes, and the password is nowhere in the page", async ({
  page,
}) => {
  const id = uniqueName("e2e-reg");
  const password = `pw-${uniqueName("secret")}-Zq9`;
  await page.goto("/container-registries");
  const form = page.getByTestId("add-registry");
  await form.getByTestId("registry-id").fill(id);
  await form.getByTestId("registry-url").fill("registry.e2e.local:5000");
  await form.getByTestId("registry-username").fill("ci-bot");
  await form.getByTestId("registry-password").fill(password);
  await form.getByTestId("registry-tags").fill("e2e, private");
  await form.getByTestId("add-registry-submit").click();

  const row = page.getByTestId(`registry-row-${id}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("registry-credentials")).toHaveText("yes");
  await expect(row).toContainText("registry.e2e.local:5000");
  await expect(row).toContainText("ci-bot");
  await expect(form.getByTestId("registry-password")).toHaveValue("");
  expect(await page.content()).not.toContain(password);
  // Nor after a fresh load (every read of the API leaves it out).
  await page.reload();
  await expect(row.getByTestId("registry-credentials")).toHaveText("yes");
  expect(await page.content()).not.toContain(password);

  await row.getByTestId("remove").click();
  await page.getByRole("button", { name: "Remove registry" }).click();
  await expect(row).toHaveCount(0);
});

test("an anonymous registry shows anonymous; the API's refusals land under their field", async ({
  page,
  consoleErrors,
}) => {
  await page.goto("/container-registries");
  const form = page.getByTestId("add-registry");
  await form.getByTestId("registry-id").fill("Not_A_Label");
  await form.getByTestId("registry-url").fill("https://ghcr.io/some/path");
  await form.getByTestId("registry-username").fill("ci-bot");
  await form.getByTestId("add-registry-submit").click();
  await expect(form.getByTestId("field-error-containerRegistryId")).toContainText("lowercase letters");
  await expect(form.getByTestId("field-error-url")).toContainText("host[:port] only");

  const id = uniqueName("e2e-anon");
  await form.getByTestId("registry-id").fill(id);
  await form.getByTestId("registry-url").fill("ghcr.io");
  await form.getByTestId("registry-username").fill("");
  await form.getByTestId("add-registry-submit").click();
  const row = page.getByTestId(`registry-row-${id}`);
  await expect(row.getByTestId("registry-credentials")).toHaveText("anonymous");
  await expect(form.getByTestId("field-error-url")).toHaveCount(0);

  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});

test("removing a registry a component names shows the API's reason", async ({
  page,
  request,
  consoleErrors,
}) => {
  const id = uniqueName("e2e-named");
  await mutate(request, "containerRegistries.create", { containerRegistryId: id, url: "ghcr.io" });
  const name = uniqueName("e2e-imaged");
  await mutate(request, "parser.applySpec", {
    document: {
      header: { templateUri: "Parser/V1", action: "registerComponent" },
      body: {
        spec: {
          values: {
            componentId: { name, version: "0.1.0", releaseTag: "beta" },
            componentType: "tool",
            containerRegistryInfo: {
              componentMode: "aios",
              containerImage: "ghcr.io/e2e/tool:0.1.0",
              containerRegistryId: id,
            },
          },
        },
      },
    },
  });

  await page.goto("/container-registries");
  const row = page.getByTestId(`registry-row-${id}`);
  await row.getByTestId("remove").click();
  await page.getByRole("button", { name: "Remove registry" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText(
    `container registry ${id} is named by component(s) tool.${name}:0.1.0-beta`,
  );
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();

  const rest = consoleErrors.filter((e) => !/status of 409/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});

test("the list shows 50 registries a page, with Previous and Next", async ({ page, request }) => {
  // Ids after every other test's ("e2e-…"), so theirs stay on the first page.
  const run = uniqueName("zz-page");
  const ids = Array.from({ length: 55 }, (_, i) => `${run}-${String(i).padStart(2, "0")}`);
  for (const id of ids)
    await mutate(request, "containerRegistries.create", { containerRegistryId: id, url: "ghcr.io" });
  try {
    await page.goto("/container-registries");
    const rows = page.locator('[data-testid^="registry-row-"]');
    await expect(page.getByTestId("pager-range")).toHaveText("Rows 1–50");
    await expect(rows).toHaveCount(50);
    await expect(page.getByTestId("pager-previous")).toBeDisabled();

    await page.getByTestId("pager-next").click();
    await expect(page.getByTestId("pager-range")).toContainText("Rows 51–");
    await expect(page.getByTestId(`registry-row-${ids[54]}`)).toBeVisible();
    await expect(page.getByTestId(`registry-row-${ids[0]}`)).toHaveCount(0);

    await page.getByTestId("pager-previous").click();
    await expect(page.getByTestId("pager-range")).toHaveText("Rows 1–50");
    await expect(rows).toHaveCount(50);
  } finally {
    for (const id of ids) await mutate(request, "containerRegistries.remove", { containerRegistryId: id });
  }
});
