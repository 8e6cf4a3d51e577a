import { INSPECTOR_SCRIPT } from "./inspector-script.js";
import { INSPECTOR_STYLE } from "./inspector-style.js";

/** What the page needs to know. */
export interface InspectorPageOptions {
  /** Where the inspector is mounted, e.g. `/__inspector`. */
  basePath: string;
  /** The CSP nonce of this response's inline script and style. */
  nonce: string;
}

const escapeAttribute = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The inspector page: one HTML document with its CSS and script inline (no framework, no build step, no
 * request to anywhere but the inspector's own API). Captured data is only ever inserted as text.
 */
export function renderInspectorPage(options: InspectorPageOptions): string {
  const nonce = escapeAttribute(options.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>responses-bridge inspector</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${INSPECTOR_STYLE}</style>
</head>
<body data-base="${escapeAttribute(options.basePath)}">
<header class="top">
  <h1>responses-bridge <span>inspector</span></h1>
  <p id="feed-status" class="feed-status" role="status" data-state="connecting">Connecting…</p>
  <label class="follow"><input type="checkbox" id="follow" checked> Follow newest turn</label>
</header>
<main class="layout">
  <section class="turns" aria-labelledby="turns-heading">
    <div class="turns-head">
      <h2 id="turns-heading">Recent turns</h2>
      <span id="turn-count" class="muted">0</span>
    </div>
    <div id="turn-list" class="turn-list" role="listbox" aria-labelledby="turns-heading"></div>
    <p id="empty" class="empty">No turns yet. Send a request to the bridge (<code>POST /v1/responses</code>) and it appears here as it happens.</p>
  </section>
  <section class="detail" aria-labelledby="detail-title">
    <p id="placeholder" class="placeholder">Select a turn to see its translation, timeline and response.</p>
    <div id="turn-detail" hidden>
      <div class="detail-head">
        <div>
          <h2 id="detail-title"></h2>
          <p id="detail-sub" class="muted"></p>
        </div>
        <button type="button" id="export" class="button">Export turn (JSON)</button>
      </div>
      <dl id="metrics" class="metrics"></dl>
      <div id="tool-calls" class="tool-calls" aria-label="Tool calls"></div>
      <div class="tabs" role="tablist" aria-label="Turn details">
        <button type="button" role="tab" id="tab-translation" aria-controls="panel-translation" aria-selected="true">Translation</button>
        <button type="button" role="tab" id="tab-timeline" aria-controls="panel-timeline" aria-selected="false" tabindex="-1">Timeline</button>
        <button type="button" role="tab" id="tab-response" aria-controls="panel-response" aria-selected="false" tabindex="-1">Response</button>
      </div>
      <div role="tabpanel" id="panel-translation" aria-labelledby="tab-translation" class="panel">
        <ul id="notes" class="notes" aria-label="What the translation changed"></ul>
        <div class="side-by-side">
          <section class="column" aria-labelledby="request-heading">
            <h3 id="request-heading">Responses request <span class="muted">as received, secrets redacted</span></h3>
            <ol id="request-items" class="entries"></ol>
            <details><summary>Raw JSON</summary><pre id="request-raw"></pre></details>
          </section>
          <section class="column" aria-labelledby="chat-heading">
            <h3 id="chat-heading">Chat request <span class="muted" id="chat-sub">sent upstream</span></h3>
            <ol id="chat-messages" class="entries"></ol>
            <details><summary>Raw JSON</summary><pre id="chat-raw"></pre></details>
          </section>
        </div>
      </div>
      <div role="tabpanel" id="panel-timeline" aria-labelledby="tab-timeline" class="panel" hidden>
        <dl id="timing" class="metrics small"></dl>
        <div id="lanes" class="lanes" aria-hidden="true"></div>
        <p id="timeline-counts" class="counts"></p>
        <div class="table-wrap">
          <table id="timeline" class="timeline">
            <caption class="visually-hidden">Upstream chunks and the Responses events sent for them, in time order</caption>
            <thead><tr><th scope="col">ms</th><th scope="col">Upstream chunk</th><th scope="col">Responses events sent</th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </div>
      <div role="tabpanel" id="panel-response" aria-labelledby="tab-response" class="panel" hidden>
        <div id="problems"></div>
        <h3>previous_response_id chain</h3>
        <ol id="chain" class="chain"></ol>
        <h3>Final Response object</h3>
        <pre id="response-raw"></pre>
      </div>
    </div>
  </section>
</main>
<script nonce="${nonce}">${INSPECTOR_SCRIPT}</script>
</body>
</html>
`;
}
