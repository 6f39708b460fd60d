// Drives Debian's chromium through the explorer, as a person would, and prints what it saw as
// JSON on stdout; tests/test_explorer_browser.py starts the gateways, runs this script once and
// asserts on its report (and on what the recording upstream received).
//
// node explorer.mjs '{"gateway": URL, "token": T, "xssGateway": URL, "xssOperation": ID,
//                    "artifacts": DIR, "userDataDir": DIR}'
import { drive, unnamedControls, widths } from "./common.mjs";
import path from "node:path";

const config = JSON.parse(process.argv[2]);
const OP = "PostAccountLinks";
const allowed = [new URL(config.gateway).origin, new URL(config.xssGateway).origin];
const report = { requests: [], offHost: [], responses: [], console: [] };


const snippet = (page) => page.locator("#snippet").textContent();

async function changedSnippet(page, before) {
  await page.waitForFunction((prev) => {
    const now = document.getElementById("snippet").textContent;
    return now !== "" && now !== prev;
  }, before);
  return snippet(page);
}

async function answered(page) {
  await page.waitForFunction(() => document.getElementById("response-status").textContent !== "");
  return {
    status: await page.locator("#response-status").textContent(),
    requestId: await page.locator("#response-request-id").textContent(),
    body: await page.locator("#response-body").textContent(),
    sendStatus: await page.locator("#send-status").textContent(),
  };
}

async function mainFlow(ctx) {
  const page = await ctx.newPage();
  const out = {};
  const index = await page.goto(`${config.gateway}/`);
  out.indexUrl = page.url();
  out.indexCsp = index.headers()["content-security-policy"];
  const filter = page.getByRole("searchbox", { name: "Filter operations" });
  await filter.fill("nothing matches this");
  out.filterNone = await page.locator("#filter-count").textContent();
  out.linkHidden = await page.getByRole("link", { name: /Create an account link/ }).isHidden();
  await filter.fill("POST account");
  out.filterOne = await page.locator("#filter-count").textContent();
  await page.getByRole("link", { name: /Create an account link/ }).click();
  await page.waitForURL(`**/_gateway/operations/${OP}`);
  out.pageUrl = page.url();
  await page.waitForFunction(() => document.getElementById("snippet").textContent !== "");
  const snippets = [await snippet(page)];
  await page.getByRole("textbox", { name: /^Gateway token/ }).fill(config.token);
  await page.getByRole("textbox", { name: /^account\b/ }).fill("acct_1Explorer");
  snippets.push(await changedSnippet(page, snippets.at(-1)));
  await page.getByRole("combobox", { name: /^type\b/ }).selectOption("account_onboarding");
  snippets.push(await changedSnippet(page, snippets.at(-1)));
  const group = page.getByRole("group", { name: /^collection_options/ });
  await group.getByRole("combobox", { name: /^fields\b/ }).selectOption("eventually_due");
  snippets.push(await changedSnippet(page, snippets.at(-1)));
  out.snippets = snippets;
  out.rawRequest = await page.locator("#request").textContent();
  out.checks = await page.locator("#checks li").allTextContents();
  await page.getByRole("button", { name: "Copy snippet" }).click();
  await page.waitForFunction(() => document.getElementById("copy-status").textContent !== "");
  out.copyStatus = await page.locator("#copy-status").textContent();
  out.clipboard = await page.evaluate(() => navigator.clipboard.readText()).catch((e) => `unreadable: ${e}`);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  out.response = await answered(page);
  out.opCsp = (await page.request.get(page.url())).headers()["content-security-policy"];
  out.scripts = await page.evaluate(() => Array.from(document.scripts).map((s) => s.src || "inline"));
  out.inlineStyles = await page.evaluate(() => document.querySelectorAll("[style], style").length);
  out.axMissing = await unnamedControls(ctx, page);
  await page.screenshot({ path: path.join(config.artifacts, "explorer-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  out.mobile = await widths(page);
  await page.screenshot({ path: path.join(config.artifacts, "explorer-mobile.png"), fullPage: true });
  await page.goto(`${config.gateway}/_gateway/`);
  out.mobileIndex = await widths(page);
  out.indexAxMissing = await unnamedControls(ctx, page);
  await page.screenshot({ path: path.join(config.artifacts, "explorer-index-mobile.png"), fullPage: true });
  await page.close();
  return out;
}

async function emptyAccount(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${config.gateway}/_gateway/operations/${OP}`);
  await page.waitForFunction(() => document.getElementById("snippet").textContent !== "");
  await page.getByRole("combobox", { name: /^type\b/ }).selectOption("account_update");
  // a list: add two items, remove the first; the other takes its place and its number
  const add = page.getByRole("button", { name: "Add item to expand" });
  await add.click();
  await page.keyboard.type("first");
  await add.click();
  await page.keyboard.type("second");
  const two = await changedSnippet(page, await snippet(page)).catch(() => snippet(page));
  await page.getByRole("button", { name: "Remove expand item 1" }).click();
  const one = await changedSnippet(page, two);
  const items = page.locator("fieldset[data-key='expand'] li.item");
  const list = {
    two,
    one,
    count: await items.count(),
    label: await items.first().locator("label").textContent(),
    value: await items.first().locator("input").inputValue(),
    focused: await page.evaluate(() => document.activeElement.closest("li.item") !== null),
  };
  const before = report.requests.length;
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const error = page.locator("#f-body-account-err");
  await error.waitFor({ state: "visible" });
  await page.waitForTimeout(300); // anything sent would have left by now
  const out = {
    message: await error.textContent(),
    invalid: await page.getByRole("textbox", { name: /^account\b/ }).getAttribute("aria-invalid"),
    focused: await page.evaluate(() => document.activeElement.id),
    description: await page.evaluate(() => {
      const el = document.getElementById("f-body-account");
      return el.getAttribute("aria-describedby");
    }),
    sendStatus: await page.locator("#send-status").textContent(),
    sent: report.requests.slice(before).map((r) => `${r.method} ${new URL(r.url).pathname}`),
    list,
  };
  await page.close();
  return out;
}

async function keyboardOnly(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${config.gateway}/_gateway/operations/${OP}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => document.getElementById("snippet").textContent !== "");
  const visited = [];
  async function tabTo(id, { back = false, limit = 60 } = {}) {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press(back ? "Shift+Tab" : "Tab");
      const here = await page.evaluate(() => {
        const el = document.activeElement;
        const label = el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute("aria-label") || el.textContent;
        return { id: el.id, tag: el.tagName.toLowerCase(), label: (label || "").replace(/\s+/g, " ").trim() };
      });
      visited.push(here);
      if (here.id === id || (id instanceof RegExp && id.test(here.label))) return here;
    }
    throw new Error(`Tab never reached ${id}; visited ${JSON.stringify(visited.slice(-10))}`);
  }
  await tabTo("token");
  await page.keyboard.type(config.token);
  await tabTo("f-body-account");
  await page.keyboard.type("acct_1Keyboard");
  await tabTo("f-body-type");
  await page.keyboard.press("ArrowDown");
  const typeValue = await page.locator("#f-body-type").inputValue();
  await tabTo(/^Add item to expand$/);
  await page.keyboard.press("Enter"); // adds an item and moves focus into it
  const itemFocused = await page.evaluate(() => document.activeElement.closest("li.item") !== null);
  await page.keyboard.type("url");
  const itemId = await page.evaluate(() => document.activeElement.id);
  await tabTo("f-body-collection_options-fields");
  await page.keyboard.press("ArrowDown");
  const fieldsValue = await page.locator("#f-body-collection_options-fields").inputValue();
  await tabTo(itemId, { back: true }); // back to a text field: Enter there submits
  const snippetBefore = await snippet(page);
  await page.keyboard.press("Enter");
  const response = await answered(page);
  const out = {
    visited,
    typeValue,
    fieldsValue,
    itemFocused,
    response,
    snippet: await snippet(page),
    snippetBefore,
    itemLabel: await page.locator(`label[for="${itemId}"]`).textContent(),
    axMissing: await unnamedControls(ctx, page),
    stored: await page.evaluate(() => localStorage.getItem("gateway-token")),
  };
  await page.close();
  return out;
}

// The upstream responds to this Send with a 400 naming a parameter (queued by the test).
async function apiError(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${config.gateway}/_gateway/operations/${OP}`);
  await page.getByRole("textbox", { name: /^account\b/ }).fill("acct_missing");
  await page.getByRole("combobox", { name: /^type\b/ }).selectOption("account_update");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const response = await answered(page);
  const out = {
    response,
    param: await page.locator("#response-error-param").textContent(),
    message: await page.locator("#response-error-message").textContent(),
    fieldMessage: await page.locator("#f-body-account-err").textContent(),
    fieldVisible: await page.locator("#f-body-account-err").isVisible(),
    invalid: await page.locator("#f-body-account").getAttribute("aria-invalid"),
  };
  await page.close();
  return out;
}

async function crafted(ctx) {
  const page = await ctx.newPage();
  await page.goto(`${config.xssGateway}/_gateway/operations/${config.xssOperation}`);
  await page.waitForFunction(() => document.getElementById("snippet").textContent !== "");
  await page.waitForTimeout(200);
  const out = await page.evaluate(() => ({
    pwned: window.__pwned === undefined ? null : window.__pwned,
    title: document.querySelector("h1").textContent,
    description: document.querySelector(".primary > .prose").textContent,
    paramDescription: document.querySelector("form .about .prose").textContent,
    images: document.querySelectorAll("main img").length,
    scripts: Array.from(document.scripts).map((s) => s.src || "inline"),
    links: Array.from(document.querySelectorAll("main a")).map((a) => a.getAttribute("href")),
    iframes: document.querySelectorAll("iframe").length,
  }));
  await page.getByRole("textbox", { name: /^note\b/ }).fill("<img src=x onerror=\"window.__pwned=9\">");
  await changedSnippet(page, await snippet(page)).catch(() => null);
  await page.waitForTimeout(200);
  out.pwnedAfterInput = await page.evaluate(() => (window.__pwned === undefined ? null : window.__pwned));
  out.snippet = await snippet(page);
  const options = page.getByRole("group", { name: /^options/ });
  await options.getByRole("textbox", { name: /^label\b/ }).fill("x");
  out.groupSnippet = await changedSnippet(page, out.snippet);
  await options.getByRole("checkbox", { name: /^enabled\b/ }).check();
  out.checkedSnippet = await changedSnippet(page, out.groupSnippet);
  const before = report.requests.length;
  const count = page.getByRole("textbox", { name: /^count\b/ });
  await count.fill("4.5x");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator("#f-body-count-err").waitFor({ state: "visible" });
  await page.waitForTimeout(300);
  out.countMessage = await page.locator("#f-body-count-err").textContent();
  out.countSent = report.requests.slice(before).filter((r) => r.url.endsWith("/v1/notes")).length;
  await page.close();
  return out;
}

await drive(config, report, allowed, {
  main: mainFlow,
  emptyAccount,
  keyboard: keyboardOnly,
  apiError,
  xss: crafted,
});
