/**
 * The page's script (plain ES2020, no framework): the turn list as a keyboard-navigable listbox fed by
 * server-sent events, and the selected turn's detail fetched as JSON. Every captured value is inserted
 * with `textContent`, never as HTML. Written without template literals so it can live in one.
 */
export const INSPECTOR_SCRIPT = `
(function () {
  "use strict";
  var BASE = document.body.getAttribute("data-base");
  var turns = [];
  var selectedId = null;
  var detail = null;
  var reloadTimer = null;
  var listEl = document.getElementById("turn-list");
  var followEl = document.getElementById("follow");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var key in attrs) {
      if (key === "text") node.textContent = attrs[key]; else node.setAttribute(key, String(attrs[key]));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function clip(text, max) {
    text = text === null || text === undefined ? "" : String(text);
    return text.length > max ? text.slice(0, max) + "… (" + text.length + " chars)" : text;
  }
  function ms(value) {
    if (value === null || value === undefined) return "–";
    return value >= 10000 ? (value / 1000).toFixed(1) + " s" : Math.round(value) + " ms";
  }
  function clock(epoch) {
    var d = new Date(epoch);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }
  function statusBadge(t) {
    if (t.live) return el("span", { class: "badge live", text: "streaming" });
    var label = t.outcome || String(t.status);
    var kind = "ok";
    if ((t.status && t.status >= 400) || t.outcome === "failed" || t.error) kind = "bad";
    else if (t.outcome === "incomplete" || t.aborted) kind = "warn";
    if (t.status && t.status >= 400) label = t.status + (t.outcome ? " " + t.outcome : "");
    return el("span", { class: "badge " + kind, text: label });
  }
  function tokens(t) {
    if (t.inputTokens === null && t.outputTokens === null) return "–";
    return (t.inputTokens === null ? "?" : t.inputTokens) + " in / " + (t.outputTokens === null ? "?" : t.outputTokens) + " out";
  }

  // ---- the turn list (listbox, selection follows focus) ----
  function renderList() {
    var focused = document.activeElement && document.activeElement.parentNode === listEl
      ? document.activeElement.getAttribute("data-id") : null;
    clear(listEl);
    document.getElementById("empty").hidden = turns.length > 0;
    document.getElementById("turn-count").textContent = turns.length + (turns.length === 1 ? " turn" : " turns");
    turns.forEach(function (t, index) {
      var selected = t.id === selectedId;
      var facts = el("div", { class: "facts" }, [
        el("span", null, ["tokens ", el("b", { text: tokens(t) })]),
        el("span", null, ["TTFT ", el("b", { text: ms(t.timeToFirstTokenMs) })]),
        el("span", null, ["took ", el("b", { text: t.live ? "…" : ms(t.durationMs) })])
      ]);
      var label = clock(t.startedAt) + " " + (t.model || "?") + ", " + (t.live ? "streaming" : (t.outcome || t.status)) +
        ", " + t.toolCalls.length + " tool calls";
      var option = el("div", {
        class: "turn", role: "option", id: "opt-" + t.id, "data-id": t.id,
        "aria-selected": selected ? "true" : "false", "aria-label": label,
        tabindex: selected || (selectedId === null && index === 0) ? "0" : "-1"
      }, [
        el("span", { class: "time", text: clock(t.startedAt) }),
        el("span", { class: "model", text: (t.model || "?") + (t.route === "chat" ? " (chat)" : "") }),
        statusBadge(t),
        facts,
        el("div", { class: "tools" + (t.toolCalls.length ? "" : " none") }, [
          (t.toolCalls.length === 1 ? "1 tool call" : t.toolCalls.length + " tool calls") + (t.toolCalls.length ? ": " : ""),
          t.toolCalls.length ? el("b", { text: t.toolCalls.map(function (c) { return c.name; }).join(", ") }) : null
        ])
      ]);
      listEl.appendChild(option);
    });
    if (focused) {
      var again = document.getElementById("opt-" + focused);
      if (again) again.focus();
    }
  }
  function select(id, byUser) {
    if (byUser) followEl.checked = turns.length > 0 && turns[0].id === id;
    if (selectedId === id) return;
    selectedId = id;
    renderList();
    loadDetail();
  }
  listEl.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (!option) return;
    select(option.getAttribute("data-id"), true);
    option.focus();
  });
  listEl.addEventListener("keydown", function (event) {
    var options = Array.prototype.slice.call(listEl.querySelectorAll("[role=option]"));
    if (!options.length) return;
    var index = options.indexOf(document.activeElement);
    var next = index;
    if (event.key === "ArrowDown") next = Math.min(options.length - 1, index + 1);
    else if (event.key === "ArrowUp") next = Math.max(0, index - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = options.length - 1;
    else if (event.key === "Enter" || event.key === " ") next = index;
    else return;
    event.preventDefault();
    var target = options[next < 0 ? 0 : next];
    select(target.getAttribute("data-id"), true);
    var fresh = document.getElementById(target.id);
    if (fresh) fresh.focus();
  });

  function upsert(summary) {
    var index = turns.findIndex(function (t) { return t.id === summary.id; });
    if (index >= 0) turns[index] = summary;
    else {
      turns.unshift(summary);
      turns.sort(function (a, b) { return b.startedAt - a.startedAt || (b.id > a.id ? 1 : -1); });
    }
    if (followEl.checked && turns.length && selectedId !== turns[0].id) {
      selectedId = turns[0].id;
      renderList();
      loadDetail();
      return;
    }
    renderList();
    if (summary.id === selectedId) scheduleReload();
  }
  function scheduleReload(delay) {
    if (reloadTimer) return;
    reloadTimer = setTimeout(function () { reloadTimer = null; loadDetail(); }, delay || 250);
  }

  // ---- live feed ----
  var statusEl = document.getElementById("feed-status");
  function connect() {
    var source = new EventSource(BASE + "/api/feed");
    source.addEventListener("open", function () {
      statusEl.dataset.state = "live";
      statusEl.textContent = "Live";
    });
    source.addEventListener("error", function () {
      statusEl.dataset.state = "down";
      statusEl.textContent = "Reconnecting…";
    });
    source.addEventListener("snapshot", function (event) {
      turns = JSON.parse(event.data).turns;
      if (selectedId && !turns.some(function (t) { return t.id === selectedId; })) selectedId = null;
      if ((followEl.checked || selectedId === null) && turns.length) selectedId = turns[0].id;
      renderList();
      if (selectedId) loadDetail();
    });
    source.addEventListener("turn", function (event) { upsert(JSON.parse(event.data)); });
    source.addEventListener("evicted", function (event) {
      var id = JSON.parse(event.data).id;
      turns = turns.filter(function (t) { return t.id !== id; });
      renderList();
    });
  }

  // ---- detail ----
  function loadDetail() {
    var id = selectedId;
    if (!id) { showDetail(null); return; }
    fetch(BASE + "/api/turns/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (turn) { if (id === selectedId) showDetail(turn); })
      .catch(function () {});
  }
  function metric(list, name, value) {
    list.appendChild(el("div", null, [el("dt", { text: name }), el("dd", { text: value })]));
  }
  function textOf(content) {
    if (content === null || content === undefined) return "";
    if (typeof content === "string") return content;
    if (Array.isArray(content)) return content.map(function (part) {
      if (typeof part === "string") return part;
      if (part && (part.text || part.refusal)) return part.text || part.refusal;
      return part && part.type ? "[" + part.type + "]" : "";
    }).join("");
    return JSON.stringify(content);
  }
  function entry(kind, label, text) {
    return el("li", { class: "k-" + kind }, [el("span", { class: "label", text: label }), el("span", { class: "text", text: clip(text, 320) })]);
  }
  function requestEntries(turn) {
    var request = turn.request;
    var list = clear(document.getElementById("request-items"));
    if (!request) {
      if (turn.summary.route === "chat") list.appendChild(entry("system", "chat pass-through", "POST /chat/completions: no Responses request; the chat request on the right went upstream as received"));
      else if (turn.truncated.request) list.appendChild(entry("system", "not captured", "the request was larger than the inspector's per-turn bound"));
      else list.appendChild(entry("system", "no request", "the request was rejected before it was parsed (see Response)"));
      return;
    }
    if (request.instructions) list.appendChild(entry("instructions", "instructions", textOf(request.instructions)));
    if (request.previous_response_id) list.appendChild(entry("system", "previous_response_id", request.previous_response_id));
    var items = typeof request.input === "string" ? [{ type: "message", role: "user", content: request.input }] : (request.input || []);
    items.forEach(function (item) {
      var type = item.type || (item.role ? "message" : "item");
      if (type === "message") list.appendChild(entry(item.role || "message", "message · " + (item.role || "?"), textOf(item.content)));
      else if (type === "function_call" || type === "custom_tool_call") list.appendChild(entry("call", type + " · " + item.name, item.arguments || item.input || ""));
      else if (type === "function_call_output" || type === "custom_tool_call_output") list.appendChild(entry("tool", type + " · " + item.call_id, textOf(item.output)));
      else if (type === "reasoning") list.appendChild(entry("reasoning", "reasoning", (item.summary || []).map(function (s) { return s.text; }).join(" ") || (item.encrypted_content ? "[encrypted]" : "")));
      else list.appendChild(entry("system", type, JSON.stringify(item)));
    });
    if (request.tools && request.tools.length) {
      list.appendChild(entry("tools", "tools", request.tools.map(function (tool) {
        return tool.type === "function" ? tool.name : tool.type + (tool.name ? " " + tool.name : "");
      }).join(", ")));
    }
  }
  function chatEntries(turn) {
    var list = clear(document.getElementById("chat-messages"));
    var calls = turn.upstreamRequests;
    var last = calls.length ? calls[calls.length - 1] : null;
    document.getElementById("chat-sub").textContent = last
      ? "sent upstream to " + last.model + (calls.length > 1 ? " (attempt " + last.attempt + " of " + calls.length + ")" : "")
      : "not sent";
    var params = last && last.params;
    document.getElementById("chat-raw").textContent = params ? JSON.stringify(params, null, 2) : "(none)";
    if (!params) return;
    (params.messages || []).forEach(function (message) {
      var role = message.role;
      if (role === "assistant" && message.tool_calls && message.tool_calls.length) {
        message.tool_calls.forEach(function (call) {
          var fn = call.function || call.custom || {};
          list.appendChild(entry("call", "assistant · tool_call " + (fn.name || "?"), fn.arguments || fn.input || ""));
        });
        if (message.reasoning_content || message.reasoning) list.appendChild(entry("reasoning", "assistant · reasoning restored", textOf(message.reasoning_content || message.reasoning)));
        if (message.content) list.appendChild(entry("assistant", "assistant", textOf(message.content)));
      } else if (role === "tool") {
        list.appendChild(entry("tool", "tool · " + message.tool_call_id, textOf(message.content)));
      } else {
        if (role === "assistant" && (message.reasoning_content || message.reasoning)) list.appendChild(entry("reasoning", "assistant · reasoning restored", textOf(message.reasoning_content || message.reasoning)));
        list.appendChild(entry(role, role, textOf(message.content)));
      }
    });
    if (params.tools && params.tools.length) {
      list.appendChild(entry("tools", "tools", params.tools.map(function (tool) {
        return (tool.function || tool.custom || {}).name || tool.type;
      }).join(", ")));
    }
  }
  function chunkText(chunk) {
    if (!chunk) return "";
    var parts = [];
    var choice = chunk.choices && chunk.choices[0];
    var delta = choice && choice.delta;
    if (delta) {
      if (delta.role) parts.push("role " + delta.role);
      if (delta.reasoning_content || delta.reasoning) parts.push("reasoning " + JSON.stringify(delta.reasoning_content || delta.reasoning));
      if (delta.content) parts.push(JSON.stringify(delta.content));
      (delta.tool_calls || []).forEach(function (call) {
        parts.push("tool_call[" + call.index + "]" + (call.function && call.function.name ? " " + call.function.name : "") +
          (call.function && call.function.arguments ? " " + JSON.stringify(call.function.arguments) : ""));
      });
    }
    if (choice && choice.finish_reason) parts.push("finish " + choice.finish_reason);
    if (chunk.usage) parts.push("usage " + chunk.usage.prompt_tokens + " in / " + chunk.usage.completion_tokens + " out");
    return parts.join(" · ") || "(empty chunk)";
  }
  function eventText(event) {
    if (!event) return "";
    var text = event.type;
    if (typeof event.delta === "string") text += " " + JSON.stringify(clip(event.delta, 80));
    else if (event.item && event.item.type) text += " (" + event.item.type + (event.item.name ? " " + event.item.name : "") + ")";
    return text;
  }
  function showTimeline(turn) {
    var summary = turn.summary;
    var entries = turn.timeline;
    var chunks = entries.filter(function (e) { return e.kind === "chunk"; });
    var events = entries.filter(function (e) { return e.kind === "event"; });
    var keepAlives = entries.filter(function (e) { return e.kind === "keep-alive"; });
    var request = entries.find(function (e) { return e.kind === "upstream-request"; });
    var firstContent = chunks.find(function (e) {
      var d = e.data && e.data.choices && e.data.choices[0] && e.data.choices[0].delta;
      return d && (d.content || d.reasoning_content || d.reasoning || (d.tool_calls && d.tool_calls.length));
    });
    var end = summary.durationMs || (entries.length ? entries[entries.length - 1].t : 0);
    var tps = null;
    if (summary.outputTokens && summary.timeToFirstTokenMs !== null && end > summary.timeToFirstTokenMs) {
      tps = summary.outputTokens / ((end - summary.timeToFirstTokenMs) / 1000);
    }
    var timing = clear(document.getElementById("timing"));
    metric(timing, "Upstream first byte", ms(summary.timeToFirstByteMs));
    metric(timing, "Prefill wait", firstContent && request ? ms(firstContent.t - request.t) : "–");
    metric(timing, "First token out", ms(summary.timeToFirstTokenMs));
    metric(timing, "Keep-alives", String(keepAlives.length));
    metric(timing, "Tokens / s", tps === null ? "–" : tps.toFixed(1));
    metric(timing, "Total", ms(summary.durationMs));
    document.getElementById("timeline-counts").textContent =
      chunks.length + " upstream chunks · " + events.length + " Responses events sent · " + keepAlives.length + " keep-alives" +
      (turn.truncated.entries ? " · " + turn.truncated.entries + " later entries not kept" : "");

    // Lanes: one tick per chunk (top) and per event (bottom) on a shared time axis.
    var lanes = clear(document.getElementById("lanes"));
    var width = 1000, span = Math.max(end, 1);
    var root = svg("svg", { viewBox: "0 0 " + width + " 84", preserveAspectRatio: "none", role: "img" });
    function x(t) { return 90 + (t / span) * (width - 100); }
    root.appendChild(svg("text", { x: 8, y: 26, text: "upstream" }));
    root.appendChild(svg("text", { x: 8, y: 58, text: "events out" }));
    root.appendChild(svg("line", { x1: 90, x2: width - 10, y1: 74, y2: 74, stroke: "#c5cbd3" }));
    root.appendChild(svg("text", { x: 90, y: 83, text: "0" }));
    root.appendChild(svg("text", { x: width - 60, y: 83, text: ms(end) }));
    if (request) root.appendChild(svg("line", { x1: x(request.t), x2: x(request.t), y1: 6, y2: 70, stroke: "#6b7280", "stroke-dasharray": "3 3" }));
    chunks.forEach(function (e) { root.appendChild(svg("rect", { x: x(e.t), y: 12, width: 2, height: 20, fill: "#0a55c2" })); });
    events.forEach(function (e) { root.appendChild(svg("rect", { x: x(e.t), y: 44, width: 2, height: 20, fill: "#116329" })); });
    keepAlives.forEach(function (e) { root.appendChild(svg("circle", { cx: x(e.t), cy: 38, r: 4, fill: "#b35c00" })); });
    lanes.appendChild(root);

    // The table: each chunk with the events it produced (those sent before the next chunk).
    var body = clear(document.querySelector("#timeline tbody"));
    var row = null, shown = 0, limit = 1500;
    function newRow(t, chunk, kind) {
      row = { tr: el("tr", kind ? { class: kind } : null), events: el("td") };
      row.tr.appendChild(el("td", { text: t.toFixed(1) }));
      row.tr.appendChild(el("td", { text: chunk }));
      row.tr.appendChild(row.events);
      if (shown++ < limit) body.appendChild(row.tr);
    }
    entries.forEach(function (e) {
      if (e.kind === "chunk") newRow(e.t, chunkText(e.data));
      else if (e.kind === "event") {
        if (!row) newRow(e.t, "–");
        row.events.appendChild(el("span", { class: "event", text: eventText(e.data) }));
      } else if (e.kind === "keep-alive") { newRow(e.t, "keep-alive comment sent (upstream still silent)", "ka"); row = null; }
      else if (e.kind === "upstream-request") { newRow(e.t, "→ chat request sent to " + (e.data ? e.data.model : "upstream") + (e.data && e.data.attempt > 1 ? " (attempt " + e.data.attempt + ")" : ""), "mark"); row = null; }
      else if (e.kind === "upstream-response") { newRow(e.t, e.data && e.data.ok === false ? "✗ upstream failed: " + e.data.error : "← upstream answered (headers)", "mark"); row = null; }
      else if (e.kind === "completion") newRow(e.t, "completion (not streamed): " + chunkText({ choices: (e.data && e.data.choices || []).map(function (c) { return { delta: c.message, finish_reason: c.finish_reason }; }), usage: e.data && e.data.usage }));
      else if (e.kind === "warning") { newRow(e.t, "warning: " + (e.data ? e.data.message : ""), "ka"); row = null; }
    });
    if (shown > limit) body.appendChild(el("tr", null, [el("td", { colspan: "3", text: (shown - limit) + " more rows: export the turn to see them all" })]));
  }
  function showResponse(turn) {
    var problems = clear(document.getElementById("problems"));
    problems.className = "problems";
    if (turn.error) problems.appendChild(el("p", { class: "problem error", text: "Error " + turn.error.status + " " + (turn.error.code || turn.error.type) + ": " + turn.error.message }));
    if (turn.aborted) problems.appendChild(el("p", { class: "problem warning", text: "The client left before the answer was fully written." }));
    turn.warnings.forEach(function (w) { problems.appendChild(el("p", { class: "problem warning", text: "Warning " + w.code + ": " + w.message })); });
    var t = turn.truncated;
    if (t.payloads || t.entries || t.request) problems.appendChild(el("p", { class: "problem warning", text: "Capture truncated to stay within the inspector's bounds: " + t.payloads + " payloads and " + t.entries + " timeline entries not kept." }));
    var chain = clear(document.getElementById("chain"));
    if (!turn.chain.length) chain.appendChild(el("li", { text: "none: this turn starts a conversation (or sends its history itself)" }));
    turn.chain.forEach(function (link) {
      if (link.turnId) {
        var a = el("a", { href: "#", text: link.responseId });
        a.addEventListener("click", function (event) { event.preventDefault(); select(link.turnId, true); });
        chain.appendChild(el("li", null, [a]));
      } else chain.appendChild(el("li", { text: link.responseId + " (not in the inspector's buffer)" }));
    });
    document.getElementById("response-raw").textContent = turn.response ? JSON.stringify(turn.response, null, 2) : "(no Response object)";
  }
  function showDetail(turn) {
    detail = turn;
    // A turn still streaming is re-read every second, so its timeline grows while you watch.
    if (turn && turn.summary.live) scheduleReload(1000);
    document.getElementById("placeholder").hidden = !!turn;
    document.getElementById("turn-detail").hidden = !turn;
    if (!turn) return;
    var s = turn.summary;
    document.getElementById("detail-title").textContent = (s.model || "?") + " · " + (s.responseId || s.requestId);
    document.getElementById("detail-sub").textContent = s.method + " " + s.path + " · started " + clock(s.startedAt) +
      " · request " + s.requestId + (s.stream ? " · streamed" : " · not streamed");
    var metrics = clear(document.getElementById("metrics"));
    metric(metrics, "Status", s.live ? "streaming…" : s.status + (s.outcome ? " " + s.outcome : ""));
    metric(metrics, "Tokens", tokens(s));
    metric(metrics, "First token", ms(s.timeToFirstTokenMs));
    metric(metrics, "Upstream TTFB", ms(s.timeToFirstByteMs));
    metric(metrics, "Duration", s.live ? "…" : ms(s.durationMs));
    metric(metrics, "Tool calls", String(s.toolCalls.length));
    var calls = clear(document.getElementById("tool-calls"));
    if (s.error) calls.appendChild(el("p", { class: "problem error", text: (s.status ? s.status + ": " : "") + s.error }));
    s.toolCalls.forEach(function (call) {
      calls.appendChild(el("div", { class: "tool-call" }, [el("b", { text: call.name }), el("span", { text: "(" + clip(call.arguments, 400) + ")" })]));
    });
    var notes = clear(document.getElementById("notes"));
    turn.translation.forEach(function (note) { notes.appendChild(el("li", { class: "kind-" + note.kind, text: note.text })); });
    turn.warnings.forEach(function (w) { notes.appendChild(el("li", { class: "kind-warning", text: "warning: " + w.message })); });
    if (!notes.firstChild) notes.appendChild(el("li", { text: s.route === "chat" ? "chat pass-through: the request went upstream as sent" : "no translation captured yet" }));
    requestEntries(turn);
    document.getElementById("request-raw").textContent = turn.request ? JSON.stringify(turn.request, null, 2) : "(not captured)";
    chatEntries(turn);
    showTimeline(turn);
    showResponse(turn);
  }

  // ---- tabs ----
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[role=tab]"));
  function activate(tab, focus) {
    tabs.forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
  }
  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { activate(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index + tabs.length - 1) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) { event.preventDefault(); activate(next, true); }
    });
  });

  document.getElementById("export").addEventListener("click", function () {
    if (!selectedId) return;
    var link = el("a", { href: BASE + "/api/turns/" + encodeURIComponent(selectedId) + "/export", download: selectedId + ".json" });
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  followEl.addEventListener("change", function () {
    if (followEl.checked && turns.length) select(turns[0].id, false);
  });

  connect();
})();
`;
