import { expect, test } from "../fixtures";
import { issueToken, localAdminToken } from "./auth-home";

const LISTS = [
  { path: "/network", title: "Network" },
  { path: "/components", title: "Components" },
  { path: "/blocks", title: "Blocks" },
  { path: "/vdags", title: "vDAGs" },
  { path: "/policies", title: "Policies" },
  { path: "/functions", title: "Functions" },
];

let viewer: { id: string; token: string };
test.beforeAll(async () => {
  viewer = await issueToken("viewer", `e2e viewer ${Date.now()}`);
});

test("without a session the console's port refuses calls and its pages send to sign-in", async ({ page }) => {
  const list = await page.request.get("/trpc/blocks.list");
  expect(list.status()).toBe(401);
  expect((await list.json()).error.message).toMatch(/token is required/);
  const apply = await page.request.post("/trpc/parser.applySpec", { data: { document: {} } });
  expect(apply.status()).toBe(401);

  await page.goto("/blocks");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fblocks$/);
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
});

test("a token the API does not accept is refused at sign-in, saying why", async ({ page, consoleErrors }) => {
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-token").fill("aios_not-a-real-token");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("sign-in-error")).toHaveText(/does not accept this token/);
  await expect(page).toHaveURL(/\/sign-in$/);
  // The refused POST /session is expected; Chromium logs it as a failed resource.
  const i = consoleErrors.findIndex((e) => e.includes("status of 401"));
  if (i >= 0) consoleErrors.splice(i, 1);
});

test("a viewer signs in, sees the lists, can deploy nothing, and signs out", async ({ page }) => {
  await page.goto("/functions");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ffunctions$/);
  await page.getByTestId("sign-in-token").fill(viewer.token);
  await page.getByTestId("sign-in-submit").click();
  await expect(page).toHaveURL(/\/functions$/);
  await expect(page.getByTestId("session")).toHaveAttribute("data-role", "viewer");
  await expect(page.getByTestId("session-role")).toHaveText("viewer");
  await expect(page.getByTestId("session-name")).toHaveText(/^e2e viewer/);

  // The session cookie is httpOnly and SameSite=Strict, and does not hold the token in clear.
  const cookie = (await page.context().cookies()).find((c) => c.name === "aios_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: false });
  expect(cookie?.value).not.toContain(viewer.token);

  for (const list of LISTS) {
    await page.goto(list.path);
    await expect(page.getByTestId("page-title")).toHaveText(list.title);
    await expect(page.getByRole("status")).toHaveCount(0);
    await expect(page.getByTestId("error-state")).toHaveCount(0);
  }
  await page.goto("/blocks");
  await expect(page.getByTestId("block-row-sentiment")).toBeVisible();
  await page.goto("/components");
  await expect(page.getByTestId("component-row-model.text-sentiment:1.0.0-stable")).toBeVisible();

  // Deploy: disabled, with the reason.
  await page.goto("/functions");
  const deploy = page.getByTestId("deploy-submit");
  await page.getByTestId("deploy-name").fill("tally");
  await expect(deploy).toBeDisabled();
  await expect(page.getByTestId("deploy-function").getByTestId("role-reason")).toHaveText(
    "Needs the operator role; you are signed in as a viewer.",
  );
  // Create a block, scale, remove: disabled too.
  await page.goto("/blocks/new");
  await expect(page.getByTestId("create-block-submit")).toBeDisabled();
  await page.goto("/blocks/sentiment");
  await expect(page.getByTestId("scale-submit")).toBeDisabled();
  await expect(page.getByTestId("remove")).toBeDisabled();
  // Apply a spec, dry-run or save a policy: disabled, each saying why.
  await page.goto("/components/new");
  await expect(page.getByTestId("apply-spec")).toBeDisabled();
  await page.goto("/policies/new?kind=loadBalancer");
  await expect(page.getByTestId("dry-run-button")).toBeDisabled();
  await expect(page.getByTestId("save-button")).toBeDisabled();
  await expect(page.getByTestId("dry-run-panel").getByTestId("role-reason")).toHaveText(
    "Needs the operator role; you are signed in as a viewer.",
  );

  // Forced through the console's port with the viewer's session: the API refuses, naming the role.
  const forced = await page.request.post("/trpc/functions.deploy", {
    data: { name: "tally", policyRuleURI: "tally:1.0.0-stable", clusterId: "local", replicas: 1 },
  });
  expect(forced.status()).toBe(403);
  expect((await forced.json()).error.message).toMatch(/operator.*viewer/);
  const scale = await page.request.post("/trpc/blocks.scale", { data: { id: "sentiment", instances: 2 } });
  expect(scale.status()).toBe(403);

  // A page of another site cannot use the session: its POST is refused before reaching the API.
  const crossSite = await page.request.post("/trpc/blocks.scale", {
    data: { id: "sentiment", instances: 2 },
    headers: { origin: "http://evil.example" },
  });
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()).error.message).toMatch(/from origin http:\/\/evil\.example/);

  // Sign out: the cookie goes, and the console's port refuses again.
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.context().cookies()).find((c) => c.name === "aios_session")).toBeUndefined();
  expect((await page.request.get("/trpc/blocks.list")).status()).toBe(401);
  await page.goto("/blocks");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fblocks$/);
});

test("an admin issues a token on the Tokens page, its secret shown once, and revoking it ends its session", async ({
  page,
  browser,
}) => {
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-token").fill(localAdminToken());
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await page.getByTestId("nav-tokens").click();
  await expect(page.getByTestId("page-title")).toHaveText("Tokens");
  await expect(page.getByTestId(`token-row-${viewer.id}`)).toBeVisible();

  const name = `e2e revoked ${Date.now()}`;
  await page.getByTestId("token-name").fill(name);
  await page.getByTestId("token-role").selectOption("viewer");
  await page.getByTestId("token-expires").fill("1d");
  await page.getByTestId("create-token-submit").click();
  const secret = (await page.getByTestId("token-secret-value").textContent()) ?? "";
  expect(secret).toMatch(/^aios_/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByTestId("token-state")).toHaveText("active");
  await expect(row).not.toContainText(secret);

  // Someone else signs in with it: a viewer, without the Tokens page.
  const other = await browser.newPage();
  await other.goto("/sign-in?next=%2Fblocks");
  await other.getByTestId("sign-in-token").fill(secret);
  await other.getByTestId("sign-in-submit").click();
  await expect(other).toHaveURL(/\/blocks$/);
  await expect(other.getByTestId("session-name")).toHaveText(name);
  await expect(other.getByTestId("nav-tokens")).toHaveCount(0);

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(row.getByTestId("token-state")).toHaveText("revoked");

  // Its session ends at the next page: back to sign-in, saying why, the cookie gone.
  await other.reload();
  await expect(other).toHaveURL(/\/sign-in\?next=%2Fblocks&ended=1$/);
  await expect(other.getByTestId("session-ended")).toBeVisible();
  expect((await other.context().cookies()).find((c) => c.name === "aios_session")).toBeUndefined();
  await other.close();
});
