// The explorer's second round in Chromium: snippet tabs, per-call headers and the idempotency
// key, what comes back (time, headers, schema, next page), history, links, dark mode, search,
// file uploads. Prints what it saw as JSON; tests/explorer/test_explorer_round_two.py asserts.
//
// node round_two.mjs '{"gateway": URL, "token": T, "features": URL, "artifacts": DIR,
//                      "userDataDir": DIR}'
import path from "node:path";
import { drive, freshBrowser, unnamedControls, widths } from "./common.mjs";

const config = JSON.parse(process.argv[2]);
const OP = "PostAccountLinks";
const allowed = [new URL(config.gateway).origin, new URL(config.features).origin];
const report = { requests: [], offHost: [], responses: [], console: [] };
const opPage = `${config.gateway}/_gateway/operations/${OP}`;

const text = (page, selector) => page.locator(selector).textContent();

async function previewed(page, needle) {
  await page.waitForFunction((n) => document.getElementById("snippet").textContent.includes(n), needle);
}

async function answered(page, count) {
  // the send-status line names each response; wait for the count-th entry in the history
  await page.waitForFunction((n) => document.querySelectorAll("#history li").length >= n, count);
  await page.waitForFunction(() => /^Answered/.test(document.getElementById("send-status").textContent));
  return {
    status: await text(page, "#response-status"),
    time: await text(page, "#response-time"),
    headers: await page.locator("#response-headers dt").allTextContents(),
    headersBox: await page.locator("#response-headers-box").isVisible(),
    bodyOpen: await page.locator("#response-body-box").evaluate((d) => d.open),
    body: await text(page, "#response-body"),
  };
}

async function tabs(page) {
  const out = {};
  for (const [name, id] of [["Command line", "snippet-cli"], ["curl", "snippet-curl"], ["Python", "snippet"]]) {
    await page.getByRole("tab", { name }).click();
    out[id] = { text: await text(page, `#${id}`), visible: await page.locator(`#${id}`).isVisible() };
  }
  // the arrow keys move between tabs (Python -> Command line)
  await page.getByRole("tab", { name: "Python" }).focus();
  await page.keyboard.press("ArrowRight");
  out.arrowSelected = await page.evaluate(() => document.activeElement.textContent);
  return out;
}

async function stripeFlow(ctx) {
  const page = await ctx.newPage();
  await page.goto(opPage);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const out = {};
  const key = page.getByRole("textbox", { name: "Idempotency-Key" });
  out.keyFirst = await key.inputValue();
  await page.getByRole("button", { name: "New key" }).click();
  out.keyRenewed = await key.inputValue();
  await page.getByRole("textbox", { name: /^Gateway token/ }).fill(config.token);
  await page.getByRole("textbox", { name: /^account\b/ }).fill("acct_1Tabs");
  await page.getByRole("combobox", { name: /^type\b/ }).selectOption("account_onboarding");
  await page.getByRole("button", { name: "Add item to expand" }).click();
  await page.keyboard.type("url");
  await page.getByRole("textbox", { name: "Stripe-Account" }).fill("acct_1Connected");
  await previewed(page, "acct_1Connected");
  await previewed(page, '"url"');
  out.key = await key.inputValue();
  out.tabs = await tabs(page);
  out.request = await text(page, "#request");
  await page.getByRole("tab", { name: "Python" }).click();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  out.response = await answered(page, 1);
  out.keyAfterSend = await key.inputValue(); // a new call gets a new key
  out.schema = await page.evaluate(() => Array.from(document.querySelectorAll("details.model")).map((d) => ({
    name: d.querySelector("summary").textContent,
    open: d.open,
    rows: Array.from(d.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.children).map((c) => c.textContent.trim())),
  })));
  // history: kept over a reload, never the token; Resend sends the same call again
  out.historyStored = await page.evaluate(() => localStorage.getItem("explorer-history"));
  await page.reload();
  out.historyAfterReload = await page.locator("#history li").allTextContents();
  await page.getByRole("button", { name: "Resend call 1" }).click();
  out.resent = await answered(page, 2);
  out.resentAccount = await page.getByRole("textbox", { name: /^account\b/ }).inputValue();
  // a link to this form: opened in another browser (its own storage), the form comes back
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.waitForFunction(() => location.hash.startsWith("#state="));
  out.link = page.url();
  out.linkStatus = await text(page, "#send-status");
  const other = await freshBrowser();
  try {
    const fresh = await (await other.newContext()).newPage();
    await fresh.goto(out.link);
    await fresh.waitForFunction(() => document.getElementById("snippet").textContent.includes("acct_1Tabs"));
    out.restored = {
      account: await fresh.locator("#f-body-account").inputValue(),
      type: await fresh.locator("#f-body-type").inputValue(),
      expand: await fresh.locator("fieldset[data-key='expand'] li.item input").evaluateAll((els) => els.map((e) => e.value)),
      stripeAccount: await fresh.getByRole("textbox", { name: "Stripe-Account" }).inputValue(),
      token: await fresh.locator("#token").inputValue(),
      key: await fresh.getByRole("textbox", { name: "Idempotency-Key" }).inputValue(),
    };
  } finally {
    await other.close();
  }
  // the chosen tab is remembered
  await page.getByRole("tab", { name: "curl" }).click();
  await page.reload();
  out.tabAfterReload = await page.locator("[role=tab][aria-selected=true]").textContent();
  await page.getByRole("tab", { name: "Python" }).click();
  // clearing the history
  await page.getByRole("button", { name: "Clear history" }).click();
  out.historyCleared = await page.locator("#history li").count();
  out.historyStoredAfterClear = await page.evaluate(() => localStorage.getItem("explorer-history"));
  out.axMissing = await unnamedControls(ctx, page);
  await page.close();
  return out;
}

async function darkMode(ctx) {
  const out = {};
  // the system's choice, in a browser that prefers dark
  const other = await freshBrowser();
  try {
    const dark = await (await other.newContext({ colorScheme: "dark", viewport: { width: 1280, height: 900 } })).newPage();
    await dark.goto(opPage);
    await dark.waitForFunction(() => document.getElementById("snippet").textContent !== "");
    out.systemTheme = await dark.evaluate(() => document.documentElement.dataset.theme);
    out.systemBackground = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    out.pressed = await dark.getByRole("button", { name: "Dark mode" }).getAttribute("aria-pressed");
    await dark.screenshot({ path: path.join(config.artifacts, "explorer-dark.png"), fullPage: true });
    await dark.setViewportSize({ width: 390, height: 844 });
    out.mobile = await widths(dark);
    await dark.screenshot({ path: path.join(config.artifacts, "explorer-dark-mobile.png"), fullPage: true });
  } finally {
    await other.close();
  }
  // the toggle, in a browser that prefers light; the choice is kept
  const page = await ctx.newPage();
  await page.goto(opPage);
  out.lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole("button", { name: "Dark mode" }).click();
  out.toggled = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.reload();
  out.toggledAfterReload = await page.evaluate(() => document.documentElement.dataset.theme);
  out.toggledBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole("button", { name: "Dark mode" }).click();
  out.untoggled = await page.evaluate(() => document.documentElement.dataset.theme);
  // search over parameter names on the index
  await page.goto(`${config.gateway}/_gateway/`);
  await page.getByRole("searchbox", { name: "Filter operations" }).fill("collection_options");
  out.searchParam = await text(page, "#filter-count");
  await page.close();
  return out;
}

async function features(ctx) {
  const page = await ctx.newPage();
  const out = {};
  const base = `${config.features}/_gateway/operations`;
  // a paged list, with a header parameter; its schema tables link the nested models
  await page.goto(`${base}/GetNotes`);
  await page.getByRole("textbox", { name: /^Gateway token/ }).fill(config.token);
  await page.getByRole("textbox", { name: /^limit\b/ }).fill("2");
  await page.getByRole("textbox", { name: /^X-Trace\b/ }).fill("trace-7");
  await previewed(page, "trace-7");
  out.listRequest = await text(page, "#request");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  out.firstPage = await answered(page, 1);
  out.nextVisible = await page.getByRole("button", { name: "Next page" }).isVisible();
  await page.getByRole("button", { name: "Next page" }).click();
  out.secondPage = await answered(page, 2);
  out.startingAfter = await page.getByRole("textbox", { name: /^starting_after\b/ }).inputValue();
  out.nextAfterLast = await page.getByRole("button", { name: "Next page" }).isVisible();
  out.schemaLinks = await page.evaluate(() => Array.from(document.querySelectorAll("details.model td a")).map((a) => a.getAttribute("href")));
  out.schemaNames = await page.locator("details.model > summary").allTextContents();
  out.responseExamples = {
    titles: (await page.locator("details.example > summary").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim()),
    first: await page.locator("details.example pre").first().textContent(),
  };
  // a multipart upload: a file and a plain part
  await page.goto(`${base}/PostFiles`);
  await page.locator("#f-body-file").setInputFiles({ name: "evidence.txt", mimeType: "text/plain", buffer: Buffer.from("receipt #42\n") });
  await page.getByRole("combobox", { name: /^purpose\b/ }).selectOption("dispute_evidence");
  await previewed(page, "evidence.txt");
  out.uploadSnippets = {
    python: await text(page, "#snippet"),
    cli: await text(page, "#snippet-cli"),
    curl: await text(page, "#snippet-curl"),
  };
  await page.getByRole("button", { name: "Send", exact: true }).click();
  out.upload = await answered(page, 3);
  // a raw body: the file is the body
  await page.goto(`${base}/PutBlobsBlob`);
  await page.getByRole("textbox", { name: /^blob\b/ }).fill("b1");
  await page.locator("#f-body-body").setInputFiles({ name: "photo.bin", mimeType: "application/octet-stream", buffer: Buffer.from([0, 1, 2, 255, 254]) });
  await previewed(page, "photo.bin");
  out.rawSnippets = { curl: await text(page, "#snippet-curl") };
  await page.getByRole("button", { name: "Send", exact: true }).click();
  out.raw = await answered(page, 4);
  // a page over its size budget: the big object's fields come when asked
  const settings = await page.goto(`${base}/PostSettings`);
  out.deferred = { pageBytes: (await settings.body()).length };
  out.deferred.before = await page.locator("fieldset[data-key='settings'] input").count();
  await page.getByRole("textbox", { name: /^name\b/ }).fill("n");
  await page.getByRole("button", { name: "Show the fields of settings" }).click();
  await page.locator("#f-body-settings-option_007").waitFor();
  out.deferred.after = await page.locator("fieldset[data-key='settings'] input").count();
  await page.locator("#f-body-settings-option_007").fill("seven");
  await previewed(page, "seven");
  out.deferred.snippet = await text(page, "#snippet");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await answered(page, 5);
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.waitForFunction(() => location.hash.startsWith("#state="));
  const link = page.url();
  await page.goto("about:blank");
  await page.goto(link);
  await page.locator("#f-body-settings-option_007").waitFor();
  out.deferred.restored = await page.locator("#f-body-settings-option_007").inputValue();
  // the spec's named examples fill the form (loading the deferred object they fill)
  await page.goto(`${base}/PostSettings`);
  const picker = page.getByRole("combobox", { name: "Fill the form from the spec's example" });
  out.example = { choices: await picker.locator("option").allTextContents() };
  await picker.selectOption({ label: "full: Everything set" });
  await previewed(page, "option_001");
  out.example.name = await page.locator("#f-body-name").inputValue();
  out.example.option = await page.locator("#f-body-settings-option_001").inputValue();
  out.example.snippet = await text(page, "#snippet");
  // a streamed response: the first event shows before the second has been sent
  await page.goto(`${base}/GetEvents`);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator("#response-events li").first().waitFor();
  out.events = {
    first: await page.locator("#response-events li").allTextContents(),
    statusMeanwhile: await text(page, "#send-status"),
  };
  await answered(page, 6);
  out.events.final = await page.locator("#response-events li").allTextContents();
  out.events.answered = await text(page, "#send-status");
  // history across operations: another operation's entry reopens on its own page
  await page.goto(`${base}/GetNotes`);
  const reopen = page.getByRole("link", { name: /^Reopen call 3: PUT/ });
  out.otherReopenHref = await reopen.getAttribute("href");
  await page.screenshot({ path: path.join(config.artifacts, "explorer-features.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  out.mobile = await widths(page);
  await page.close();
  return out;
}

await drive(config, report, allowed, { stripe: stripeFlow, dark: darkMode, features });
