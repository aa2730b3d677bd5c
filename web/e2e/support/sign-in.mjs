// Opens a fresh browser context and logs the suite's user in through the
// login form, as a person would; resolves with the page on /projects.
export async function signIn(browser, tally, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");
  return page;
}
