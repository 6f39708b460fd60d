// What the explorer's browser scripts share: Chromium's flags, recording every request (and
// refusing any to another host), the accessibility check and the page-width probe.
import path from "node:path";
import { chromium } from "playwright-core";

export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const INTERACTIVE = new Set([
  "button", "checkbox", "combobox", "link", "listbox", "menuitem", "radio", "searchbox",
  "slider", "spinbutton", "switch", "tab", "textbox",
]);

export async function launch(userDataDir) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15000);
  return context;
}

// A second, separate browser (its own storage): what a person who was sent a link sees.
export async function freshBrowser() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
}

export // Every request the browser makes is recorded; any to a host but the gateways is refused.
async function record(ctx, report, allowed) {
  await ctx.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed.includes(new URL(url).origin)) return route.continue();
    report.offHost.push(url);
    return route.abort();
  });
  ctx.on("request", (request) => {
    report.requests.push({
      url: request.url(),
      method: request.method(),
      headers: request.headers(),
      body: request.postData(),
    });
  });
  ctx.on("response", async (response) => {
    const entry = { url: response.url(), status: response.status(), headers: await response.allHeaders() };
    try { entry.body = await response.text(); } catch (e) { entry.body = null; }
    report.responses.push(entry);
  });
  ctx.on("page", (page) => page.on("console", (m) => report.console.push(`${m.type()}: ${m.text()}`)));
}

export async function widths(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

export // Controls (by Chromium's own accessibility tree) that have no accessible name.
async function unnamedControls(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  const controls = nodes.filter((n) => !n.ignored && n.role && INTERACTIVE.has(n.role.value));
  return {
    count: controls.length,
    unnamed: controls
      .filter((n) => !(n.name && String(n.name.value).trim()))
      .map((n) => `${n.role.value}#${n.backendDOMNodeId}`),
  };
}


// Runs each flow (name -> async (context) => findings) in one browser, in order, and prints the
// report as JSON; on a failure the report says where, and failure.png shows the page.
export async function drive(config, report, allowed, flows) {
  const context = await launch(config.userDataDir);
  try {
    await record(context, report, allowed);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: allowed[0] });
    for (const [name, flow] of Object.entries(flows)) report[name] = await flow(context);
  } catch (error) {
    report.error = String(error && error.stack ? error.stack : error);
    for (const page of context.pages()) {
      await page.screenshot({ path: path.join(config.artifacts, "failure.png"), fullPage: true }).catch(() => {});
    }
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(report));
}
