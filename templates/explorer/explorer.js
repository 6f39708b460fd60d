// The explorer's one script, hand-written, no dependencies. The server renders every field
// from the API description; this file reads the form, asks the gateway for the request and the
// Python snippet the values mean (POST preview/{operation}), checks fields before sending and
// sends exactly the previewed request through the gateway with the gateway token.
"use strict";

// Every page: light or dark, following the system's choice until the toggle says otherwise.
(function () {
  const KEY = "explorer-theme";
  const button = document.getElementById("theme");
  const media = matchMedia("(prefers-color-scheme: dark)");
  const stored = () => { try { return localStorage.getItem(KEY); } catch (e) { return null; } };
  function apply() {
    const chosen = stored();
    const dark = chosen ? chosen === "dark" : media.matches;
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    if (button) button.setAttribute("aria-pressed", String(dark));
  }
  apply();
  media.addEventListener("change", apply);
  if (button) button.addEventListener("click", () => {
    const dark = document.documentElement.dataset.theme !== "dark";
    try { localStorage.setItem(KEY, dark ? "dark" : "light"); } catch (e) { /* storage blocked */ }
    apply();
  });
})();

// The index: filter the list of operations as you type.
(function () {
  const filter = document.getElementById("filter");
  if (!filter) return;
  const count = document.getElementById("filter-count");
  document.getElementById("filter-form").addEventListener("submit", (event) => event.preventDefault());
  // parameter names by operation, fetched once (they would double the index page's size)
  let params = {};
  const loaded = fetch(document.getElementById("filter-form").dataset.index, { credentials: "omit" })
    .then((r) => r.json()).then((names) => { params = names; }).catch(() => {});
  const idOf = (li) => decodeURIComponent(li.querySelector("a").getAttribute("href").split("/").pop());
  filter.addEventListener("input", async () => {
    await loaded;
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const group of document.querySelectorAll("[data-group]")) {
      let visible = 0;
      for (const li of group.querySelectorAll("li")) {
        const text = `${li.textContent} ${params[idOf(li)] || ""}`.toLowerCase();
        li.hidden = !words.every((w) => text.includes(w));
        if (!li.hidden) visible++;
      }
      group.hidden = visible === 0;
      shown += visible;
    }
    count.textContent = words.length ? `${shown} operation${shown === 1 ? "" : "s"} shown.` : "";
  });
})();

// An operation's page.
(function () {
  const form = document.getElementById("op-form");
  if (!form) return;

  const $ = (id) => document.getElementById(id);
  const token = $("token");
  const TOKEN_KEY = "gateway-token";
  const tokenRequired = form.hasAttribute("data-token-required");
  const root = new URL(form.dataset.root, location.href);
  const baseUrl = root.href.replace(/\/$/, "");
  let idCounter = 0;
  let previewSeq = 0;
  let latest = null; // the newest preview
  let timer = 0;

  // Reading the form --------------------------------------------------------------------
  // A field element carries data-kind; groups hold fields, lists hold <li class="item">s.
  const childFields = (el) => el.querySelectorAll(":scope > [data-kind]");
  const listItems = (el) => el.querySelector(":scope > ol.items").children;
  const control = (el) => el.querySelector(":scope input, :scope select, :scope textarea");

  // The field's value (undefined: not sent), naming it by its bracket path on the way.
  function read(el, param) {
    el.dataset.param = param;
    const kind = el.dataset.kind;
    if (kind === "group") {
      const out = {};
      let given = false; // an unchecked required checkbox alone does not send its group
      for (const child of childFields(el)) {
        const value = read(child, param ? `${param}[${child.dataset.key}]` : child.dataset.key);
        if (value === undefined) continue;
        out[child.dataset.key] = value;
        given = given || !(child.dataset.kind === "checkbox" && value === false);
      }
      return given ? out : undefined;
    }
    if (kind === "array" || kind === "map") {
      const items = kind === "array" ? [] : {};
      Array.from(listItems(el)).forEach((li, index) => {
        const inner = li.querySelector(":scope > [data-kind]:not([data-kind='key'])");
        if (kind === "array") {
          const value = read(inner, `${param}[${index}]`);
          if (value !== undefined) items.push(value);
        } else {
          const key = control(li.querySelector(":scope > [data-kind='key']")).value;
          const value = read(inner, `${param}[${key}]`);
          if (key !== "" && value !== undefined) items[key] = value;
        }
      });
      return (Array.isArray(items) ? items.length : Object.keys(items).length) ? items : undefined;
    }
    if (kind === "deferred") return undefined; // its fields are not on the page: nothing typed
    const input = control(el);
    if (kind === "checkbox") return input.checked ? true : el.hasAttribute("data-required") ? false : undefined;
    if (kind === "file") return input.files.length ? input.files[0].name : undefined; // the page sends the file
    return input.value === "" ? undefined : input.value;
  }

  // The client's per-call headers (request_options): profile headers, the idempotency key.
  function options(withKey = true) {
    const out = {};
    for (const input of form.querySelectorAll("[data-option]")) {
      if (input.value === "" || (!withKey && input.hasAttribute("data-renew"))) continue;
      out[input.dataset.option] = input.value;
    }
    return out;
  }

  function renewKey() {
    const input = form.querySelector("[data-renew]");
    if (input) input.value = crypto.randomUUID();
  }

  function values() {
    const out = {};
    for (const el of childFields(form)) {
      const value = read(el, el.dataset.param);
      if (value !== undefined) out[el.dataset.key] = value;
    }
    return out;
  }

  // Checking fields before sending: required, enum and number format --------------------
  function check(el, present, problems) {
    const kind = el.dataset.kind;
    const required = el.hasAttribute("data-required");
    if (kind === "group") {
      const here = (present && required) || read(el, el.dataset.param) !== undefined;
      for (const child of childFields(el)) check(child, here, problems);
      return;
    }
    if (kind === "array" || kind === "map") {
      if (present && required && listItems(el).length === 0) problems.push([el, "Add at least one."]);
      for (const li of listItems(el)) {
        const inner = li.querySelector(":scope > [data-kind]:not([data-kind='key'])");
        check(inner, true, problems);
      }
      return;
    }
    const input = control(el);
    if (!input || kind === "checkbox" || kind === "file" || kind === "deferred") return;
    const value = input.value;
    if (value === "") {
      if (present && required) problems.push([el, "Required: fill this in."]);
      return;
    }
    if (kind === "integer" && !/^-?\d+$/.test(value.trim())) problems.push([el, "Enter a whole number, like 42."]);
    if (kind === "number" && !(value.trim() !== "" && Number.isFinite(Number(value)))) problems.push([el, "Enter a number, like 4.5."]);
    if (kind === "select" && !Array.from(input.options).some((o) => o.value === value)) problems.push([el, "Choose one of the listed values."]);
    if (kind === "json") {
      try { JSON.parse(value); } catch (e) { problems.push([el, "Enter valid JSON."]); }
    }
  }

  function errorSlot(el) {
    return el.querySelector(":scope > .error");
  }

  function flag(el, message) {
    const slot = errorSlot(el);
    if (slot) { slot.textContent = message; slot.hidden = false; }
    const marked = el.matches("fieldset") ? el : control(el);
    if (marked) marked.setAttribute("aria-invalid", "true");
  }

  function clearFlags() {
    for (const slot of form.querySelectorAll(".error")) { slot.hidden = true; slot.textContent = ""; }
    for (const bad of form.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
    $("token-err").hidden = true;
    token.removeAttribute("aria-invalid");
  }

  function focusable(el) {
    return el.matches("fieldset") ? el.querySelector("input, select, textarea, button") : control(el);
  }

  // Lists: add and remove items ----------------------------------------------------------
  function addItem(list, focus = true) {
    const copy = list.querySelector(":scope > template").content.cloneNode(true);
    const renamed = new Map();
    for (const el of copy.querySelectorAll("[id]")) {
      const fresh = `${el.id}-${++idCounter}`;
      renamed.set(el.id, fresh);
      el.id = fresh;
    }
    for (const attr of ["for", "aria-describedby", "aria-labelledby", "aria-controls"]) {
      for (const el of copy.querySelectorAll(`[${attr}]`)) {
        el.setAttribute(attr, el.getAttribute(attr).split(" ").map((id) => renamed.get(id) || id).join(" "));
      }
    }
    const item = copy.querySelector("li");
    list.querySelector(":scope > ol.items").appendChild(copy);
    renumber(list);
    const first = item.querySelector("input, select, textarea");
    if (first && focus) first.focus();
  }

  function removeItem(button) {
    const item = button.closest("li.item");
    const list = item.closest("fieldset");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    renumber(list);
    const focus = next ? next.querySelector("input, select, textarea") : list.querySelector(":scope > button.add");
    if (focus) focus.focus();
  }

  function renumber(list) {
    Array.from(listItems(list)).forEach((li, index) => {
      for (const el of li.querySelectorAll("[data-numbered]")) {
        if (el.closest("li.item") === li) el.textContent = `${el.dataset.numbered} ${index + 1}`;
      }
    });
  }

  // A big object or list whose fields the page loads when asked (see fields.html.jinja).
  async function load(el) {
    const response = await fetch(el.querySelector(":scope > button[data-action='load']").dataset.src, { credentials: "omit" });
    if (!response.ok) throw new Error(`could not load the fields (${response.status})`);
    const template = document.createElement("template");
    template.innerHTML = await response.text();
    const fresh = template.content.querySelector("[data-kind]");
    el.replaceWith(fresh);
    return fresh;
  }

  form.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    if (button.dataset.action === "load") {
      const fresh = await load(button.closest("fieldset"));
      const first = fresh.querySelector("input, select, textarea, button");
      if (first) first.focus();
      return;
    }
    if (button.dataset.action === "add") addItem(button.closest("fieldset"));
    else removeItem(button);
    schedulePreview();
  });

  // Preview: the request and the snippet, from the gateway --------------------------------
  async function refreshPreview() {
    const seq = ++previewSeq;
    let preview;
    try {
      let response;
      for (let attempt = 0; ; attempt++) {
        response = await fetch(form.dataset.preview, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ values: values(), options: options(), base_url: baseUrl }),
          credentials: "omit",
          cache: "no-store",
        });
        if (response.status !== 429 || attempt === 4) break;
        // the gateway limits previews per address: wait as it says, unless a newer one started
        const after = Math.min(Number(response.headers.get("retry-after")) || 1, 5);
        await new Promise((done) => setTimeout(done, after * 1000));
        if (seq !== previewSeq) return null;
      }
      preview = await response.json();
      if (!response.ok) throw new Error(preview.error || `preview failed (${response.status})`);
    } catch (error) {
      if (seq === previewSeq) $("request").textContent = `Could not preview: ${error.message}`;
      return null;
    }
    if (seq !== previewSeq) return null; // a newer preview is on its way
    latest = preview;
    $("snippet").textContent = preview.snippets.python;
    $("snippet-cli").textContent = preview.snippets.cli;
    $("snippet-curl").textContent = preview.snippets.curl;
    $("request").textContent = rawRequest(preview);
    const checks = $("checks");
    checks.replaceChildren();
    for (const problem of preview.problems) {
      const li = document.createElement("li");
      li.textContent = problem.param ? `${problem.param}: ${problem.message}` : problem.message;
      checks.appendChild(li);
    }
    return preview;
  }

  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 120);
  }

  // The previewed target is relative to the gateway's root, which the page's URL tells.
  const target = (p) => new URL(p.target.replace(/^\//, ""), root);

  function rawRequest(p) {
    const url = target(p);
    const lines = [`${p.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
    lines.push("Authorization: Bearer <your gateway token>");
    for (const [name, value] of Object.entries(p.headers)) lines.push(`${name}: ${value}`);
    return lines.join("\n") + (p.body !== null ? `\n\n${p.body}` : "\n");
  }

  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", schedulePreview);

  // Sending ------------------------------------------------------------------------------
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFlags();
    const problems = [];
    for (const el of childFields(form)) check(el, true, problems);
    for (const [el, message] of problems) flag(el, message);
    const missingToken = tokenRequired && token.value.trim() === "";
    if (missingToken) {
      $("token-err").textContent = "Enter your gateway token first.";
      $("token-err").hidden = false;
      token.setAttribute("aria-invalid", "true");
    }
    if (problems.length || missingToken) {
      const count = problems.length + (missingToken ? 1 : 0);
      $("send-status").textContent = `Not sent: ${count} field${count === 1 ? " needs" : "s need"} attention.`;
      const first = missingToken ? token : focusable(problems[0][0]);
      if (first) first.focus();
      return;
    }
    clearTimeout(timer);
    const p = await refreshPreview();
    if (!p) {
      $("send-status").textContent = "Not sent: the request could not be previewed.";
      return;
    }
    const send = $("send");
    send.disabled = true;
    $("send-status").textContent = "Sending…";
    const headers = Object.assign({}, p.headers);
    if (token.value.trim()) headers.Authorization = `Bearer ${token.value.trim()}`;
    const fileOf = (key) => form.querySelector(`:scope > [data-key="${CSS.escape(key)}"] input[type=file]`).files[0];
    let body = p.body === null ? undefined : p.body;
    if (p.parts) { // multipart: the parts the client would send, then the files, as it orders them
      body = new FormData();
      for (const [name, value, type] of p.parts) body.append(name, type ? new Blob([value], { type }) : value);
      for (const [key, name] of Object.entries(p.files)) body.append(name, fileOf(key));
      delete headers["Content-Type"]; // the browser writes it, with the boundary
    } else if (p.raw) {
      body = fileOf(p.raw);
    }
    const sent = { values: values(), options: options(false) };
    try {
      const started = performance.now();
      const response = await fetch(target(p), {
        method: p.method,
        headers,
        body,
        credentials: "omit",
        cache: "no-store",
        redirect: "manual",
      });
      const streamed = response.ok && $("response-events") && response.body;
      const text = streamed ? await readStream(response) : await response.text();
      const ms = Math.round(performance.now() - started);
      showResponse(response, text, ms);
      remember({ op: form.dataset.op, method: p.method, target: p.target, status: response.status, ms, at: Date.now(), ...sent });
      renewKey(); // the next Send is another call: a new key, or the API would replay this response
      schedulePreview();
      $("send-status").textContent = `Answered ${response.status} in ${ms} ms.`;
    } catch (error) {
      $("send-status").textContent = `Not answered: ${error.message}`;
    } finally {
      send.disabled = false;
    }
  });

  function showResponse(response, text, ms) {
    $("response-empty").hidden = true;
    $("response-meta").hidden = false;
    const status = $("response-status");
    status.textContent = `${response.status} ${response.statusText}`.trim();
    status.className = response.ok ? "status-ok" : "status-bad";
    $("response-time").textContent = `${ms} ms`;
    $("response-request-id").textContent = response.headers.get("request-id") || "(none)";
    const list = $("response-headers");
    list.replaceChildren();
    for (const [name, value] of response.headers) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    }
    $("response-headers-box").hidden = false;
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
    offerNextPage(response.ok ? parsed : null, response);
    const body = $("response-body");
    $("response-body-box").hidden = false;
    body.hidden = false;
    body.textContent = parsed === null ? text : JSON.stringify(parsed, null, 2);
    const box = $("response-error");
    const error = response.ok ? null : describeError(parsed, text);
    box.hidden = !error;
    if (!error) return;
    $("response-error-param").textContent = error.param || "(none)";
    $("response-error-message").textContent = error.message;
    const el = error.param ? form.querySelector(`[data-param="${CSS.escape(error.param)}"]`) : null;
    if (el) flag(el, error.message);
  }

  // {error: {param, message}} (Stripe's shape) or application/problem+json
  function describeError(parsed, text) {
    if (parsed && typeof parsed.error === "object" && parsed.error) {
      return { param: parsed.error.param, message: String(parsed.error.message || text) };
    }
    if (parsed && (parsed.detail || parsed.title)) {
      const first = (parsed.invalid_params || [])[0];
      return { param: first && first.name, message: String((first && first.reason) || parsed.detail || parsed.title) };
    }
    return { param: null, message: text.slice(0, 500) || "(empty response)" };
  }

  // Gateway token: local storage only ----------------------------------------------------
  const note = $("token-note");
  $("token-form").addEventListener("submit", (event) => event.preventDefault());
  try { token.value = localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { /* storage blocked */ }
  // a status region: announce only what changed, not every keystroke
  const say = (text) => { if (note.textContent !== text) note.textContent = text; };
  say(token.value ? "Saved in this browser." : "Not saved yet.");
  token.addEventListener("input", () => {
    try {
      if (token.value) localStorage.setItem(TOKEN_KEY, token.value);
      else localStorage.removeItem(TOKEN_KEY);
      say(token.value ? "Saved in this browser." : "Not saved yet.");
    } catch (e) {
      say("This browser does not allow saving it; it is kept for this page only.");
    }
  });
  $("token-toggle").addEventListener("click", (event) => {
    const show = token.type === "password";
    token.type = show ? "text" : "password";
    event.currentTarget.setAttribute("aria-pressed", String(show));
  });
  $("token-forget").addEventListener("click", () => {
    token.value = "";
    try { localStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage blocked */ }
    say("Forgotten.");
    token.focus();
  });

  $("copy").addEventListener("click", async () => {
    const panel = activePanel();
    const text = panel.textContent;
    const status = $("copy-status");
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(panel);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  });

  // Snippet tabs: Python, the command line, curl; the choice is remembered ---------------
  const TAB_KEY = "explorer-tab";
  const tabs = Array.from(document.querySelectorAll("[role=tab]"));
  const activePanel = () => $(tabs.find((t) => t.getAttribute("aria-selected") === "true").getAttribute("aria-controls"));
  function choose(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    try { localStorage.setItem(TAB_KEY, tab.dataset.tab); } catch (e) { /* storage blocked */ }
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => choose(tab, false));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      choose(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length], true);
    });
  }
  try {
    const saved = tabs.find((t) => t.dataset.tab === localStorage.getItem(TAB_KEY));
    if (saved) choose(saved, false);
  } catch (e) { /* storage blocked */ }

  // Filling the form from saved values (history, links): the inverse of read() -----------
  function fill(el, value) {
    const kind = el.dataset.kind;
    if (kind === "group") {
      for (const child of childFields(el)) fill(child, value && typeof value === "object" ? value[child.dataset.key] : undefined);
      return;
    }
    if (kind === "array" || kind === "map") {
      el.querySelector(":scope > ol.items").replaceChildren();
      const entries = value && typeof value === "object" ? Object.entries(value) : [];
      for (const [key, item] of entries) {
        addItem(el, false);
        const li = Array.from(listItems(el)).at(-1);
        if (kind === "map") control(li.querySelector(":scope > [data-kind='key']")).value = key;
        fill(li.querySelector(":scope > [data-kind]:not([data-kind='key'])"), item);
      }
      return;
    }
    const input = control(el);
    if (!input || kind === "file") return;
    if (kind === "checkbox") input.checked = value === true;
    else input.value = value === undefined || value === null ? "" : String(value);
  }

  async function fillForm(given) {
    for (let el of childFields(form)) {
      const value = given[el.dataset.key];
      if (el.dataset.kind === "deferred" && value !== undefined) el = await load(el);
      fill(el, value);
    }
  }

  // The spec's named examples of the body: the chosen one fills the form (by wire name).
  $("examples")?.addEventListener("change", async (event) => {
    if (!event.target.value) return;
    const body = JSON.parse(event.target.value);
    const given = {};
    for (const el of childFields(form)) {
      if (el.dataset.param === "" || el.dataset.param === "body") given[el.dataset.key] = el.dataset.kind === "json" ? JSON.stringify(body) : body;
      else if (body && typeof body === "object" && el.dataset.param in body) given[el.dataset.key] = body[el.dataset.param];
    }
    await fillForm(given);
    refreshPreview();
  });

  async function restore(state) {
    await fillForm(state.values || {});
    for (const input of form.querySelectorAll("[data-option]:not([data-renew])")) {
      input.value = (state.options || {})[input.dataset.option] || "";
    }
    renewKey();
    refreshPreview();
  }

  // Links: the operation and its form in the URL fragment (never the token) ---------------
  const encodeState = (state) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(state))))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  function decodeState(text) {
    const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }
  $("copy-link").addEventListener("click", async () => {
    const link = `${location.href.split("#")[0]}#state=${encodeState({ values: values(), options: options(false) })}`;
    history.replaceState(null, "", link);
    try {
      await navigator.clipboard.writeText(link);
      $("send-status").textContent = "Link copied: it holds the form, never the token.";
    } catch (e) {
      $("send-status").textContent = "Link in the address bar: it holds the form, never the token.";
    }
  });

  // History: the last 50 calls, in this browser ------------------------------------------
  const HISTORY_KEY = "explorer-history";
  const opsRoot = new URL("./", location.href);
  function loadHistory() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveHistory(entries) {
    try { localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, 50))); } catch (e) { /* storage blocked */ }
  }
  function remember(entry) {
    saveHistory([entry, ...loadHistory()]);
    showHistory();
  }
  function showHistory() {
    const list = $("history");
    list.replaceChildren();
    loadHistory().forEach((entry, index) => {
      const li = document.createElement("li");
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = `${entry.method} ${entry.target.split("?")[0]} · ${entry.status} · ${entry.ms} ms · ${new Date(entry.at).toLocaleTimeString()}`;
      li.append(what);
      const here = entry.op === form.dataset.op;
      const reopen = document.createElement(here ? "button" : "a");
      reopen.textContent = "Reopen";
      if (here) {
        reopen.type = "button";
        reopen.addEventListener("click", () => restore(entry));
      } else {
        reopen.href = `${new URL(encodeURIComponent(entry.op), opsRoot)}#state=${encodeState(entry)}`;
      }
      reopen.setAttribute("aria-label", `Reopen call ${index + 1}: ${entry.method} ${entry.target.split("?")[0]}`);
      li.append(" ", reopen);
      if (here) {
        const resend = document.createElement("button");
        resend.type = "button";
        resend.textContent = "Resend";
        resend.setAttribute("aria-label", `Resend call ${index + 1}`);
        resend.addEventListener("click", async () => {
          await restore(entry);
          form.requestSubmit();
        });
        li.append(" ", resend);
      }
      list.append(li);
    });
    $("history-clear").disabled = list.children.length === 0;
  }
  $("history-clear").addEventListener("click", () => {
    try { localStorage.removeItem(HISTORY_KEY); } catch (e) { /* storage blocked */ }
    showHistory();
    $("history-status").textContent = "History cleared.";
  });

  // Paged responses: the next page is the same call with one argument changed ---------------
  function offerNextPage(parsed, response) {
    const button = $("next-page");
    if (!button) return;
    const found = parsed ? nextArgument(JSON.parse(button.dataset.paging), parsed, response) : null;
    const el = found && form.querySelector(`:scope > [data-key="${CSS.escape(found.param)}"]`);
    button.hidden = !el;
    button.onclick = el ? () => { fill(el, String(found.value)); form.requestSubmit(); } : null;
  }

  // The IR's pagination (see views/paging in the generator) read against one response.
  function nextArgument(p, body, response) {
    const at = (value, path) => path.reduce((v, key) => (v === null || v === undefined ? undefined : v[key]), value);
    const items = p.items.length ? at(body, p.items) : body;
    const listed = Array.isArray(items) && items.length > 0;
    const more = p.has_more.length ? at(body, p.has_more) === true : listed;
    const current = () => {
      const el = form.querySelector(`:scope > [data-key="${CSS.escape(p.param)}"]`);
      return el ? control(el).value : "";
    };
    let value = null;
    if (p.style === "stripe" && body.has_more) value = body.next_page || (listed ? items.at(-1).id : null);
    else if (p.style === "cursor") value = at(body, p.next);
    else if (p.style === "item_cursor" && more && listed) value = at(items.at(-1), p.next);
    else if (p.style === "header_cursor") value = response.headers.get(p.header);
    else if (p.style === "offset" && more) value = Number(current() || 0) + items.length;
    else if (p.style === "page" && more) value = Number(current() || p.start) + 1;
    return value === null || value === undefined || value === "" ? null : { param: p.param, value };
  }

  // Streamed responses (server-sent events, JSON lines): each event shown as it arrives --------
  async function readStream(response) {
    const list = $("response-events");
    const sse = list.dataset.stream === "sse";
    list.replaceChildren();
    $("response-empty").hidden = true;
    $("response-events-box").hidden = false;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let pending = "";
    const show = (part) => {
      if (!part.trim()) return;
      const li = document.createElement("li");
      // an event's data lines, joined; a JSON line as it is
      li.textContent = sse ? part.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n") || part : part;
      list.append(li);
      $("send-status").textContent = `Receiving: ${list.children.length} event${list.children.length === 1 ? "" : "s"} so far…`;
    };
    for (;;) {
      const { done, value } = await reader.read();
      const chunk = done ? decoder.decode() : decoder.decode(value, { stream: true });
      text += chunk;
      pending += chunk;
      const parts = pending.split(sse ? /\r?\n\r?\n/ : /\r?\n/);
      pending = done ? "" : parts.pop();
      parts.forEach(show);
      if (done) return text;
    }
  }

  $("idem-renew")?.addEventListener("click", () => { renewKey(); refreshPreview(); });
  if (location.hash.startsWith("#state=")) {
    try { restore(decodeState(location.hash.slice(7))); } catch (e) { $("send-status").textContent = "The link's form could not be read."; }
  } else {
    renewKey();
  }
  showHistory();
  refreshPreview();
})();
