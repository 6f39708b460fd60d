// The explorer's one script, hand-written, no dependencies. The server renders every field
// from the API description; this file reads the form, asks the gateway for the request and the
// Python snippet the values mean (POST preview/{operation}), checks fields before sending and
// sends exactly the previewed request through the gateway with the gateway token.
"use strict";

// The index: filter the list of operations as you type.
(function () {
  const filter = document.getElementById("filter");
  if (!filter) return;
  const count = document.getElementById("filter-count");
  document.getElementById("filter-form").addEventListener("submit", (event) => event.preventDefault());
  filter.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const group of document.querySelectorAll("[data-group]")) {
      let visible = 0;
      for (const li of group.querySelectorAll("li")) {
        const text = li.textContent.toLowerCase();
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
  let latest = null; // the newest preview answer
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
    const input = control(el);
    if (kind === "checkbox") return input.checked ? true : el.hasAttribute("data-required") ? false : undefined;
    if (kind === "file") return undefined;
    return input.value === "" ? undefined : input.value;
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
    if (!input || kind === "checkbox" || kind === "file") return;
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
  function addItem(list) {
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
    if (first) first.focus();
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

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    if (button.dataset.action === "add") addItem(button.closest("fieldset"));
    else removeItem(button);
    schedulePreview();
  });

  // Preview: the request and the snippet, from the gateway --------------------------------
  async function refreshPreview() {
    const seq = ++previewSeq;
    let answer;
    try {
      const response = await fetch(form.dataset.preview, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ values: values(), base_url: baseUrl }),
        credentials: "omit",
        cache: "no-store",
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.error || `preview failed (${response.status})`);
    } catch (error) {
      if (seq === previewSeq) $("request").textContent = `Could not preview: ${error.message}`;
      return null;
    }
    if (seq !== previewSeq) return null; // a newer preview is on its way
    latest = answer;
    $("snippet").textContent = answer.snippet;
    $("request").textContent = rawRequest(answer);
    const checks = $("checks");
    checks.replaceChildren();
    for (const problem of answer.problems) {
      const li = document.createElement("li");
      li.textContent = problem.param ? `${problem.param}: ${problem.message}` : problem.message;
      checks.appendChild(li);
    }
    return answer;
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
    try {
      const response = await fetch(target(p), {
        method: p.method,
        headers,
        body: p.body === null ? undefined : p.body,
        credentials: "omit",
        cache: "no-store",
        redirect: "manual",
      });
      const text = await response.text();
      showResponse(response, text);
      $("send-status").textContent = `Answered ${response.status}.`;
    } catch (error) {
      $("send-status").textContent = `Not answered: ${error.message}`;
    } finally {
      send.disabled = false;
    }
  });

  function showResponse(response, text) {
    $("response-empty").hidden = true;
    $("response-meta").hidden = false;
    const status = $("response-status");
    status.textContent = `${response.status} ${response.statusText}`.trim();
    status.className = response.ok ? "status-ok" : "status-bad";
    $("response-request-id").textContent = response.headers.get("request-id") || "(none)";
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
    const body = $("response-body");
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
    return { param: null, message: text.slice(0, 500) || "(empty answer)" };
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
    const text = $("snippet").textContent;
    const status = $("copy-status");
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Copied.";
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($("snippet"));
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  });

  refreshPreview();
})();
