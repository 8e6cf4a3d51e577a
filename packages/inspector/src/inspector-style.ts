/** The page's CSS: system fonts, AA contrast on every text colour, a visible focus ring, fits 1366x768. */
export const INSPECTOR_STYLE = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #16191d; --muted: #4a5361; --line: #d5d9e0;
  --accent: #0a55c2; --accent-bg: #e7effc; --ok: #116329; --ok-bg: #dcf5e3; --warn: #7a4a00; --warn-bg: #fff1d6;
  --bad: #a4161a; --bad-bg: #fde3e3; --live: #0a55c2; --chunk: #0a55c2; --event: #116329; --ka: #b35c00;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--text); background: var(--bg); display: flex; flex-direction: column; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
h1, h2, h3 { margin: 0; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.muted { color: var(--muted); font-weight: normal; }
.top { display: flex; align-items: center; gap: 20px; padding: 10px 18px; background: #14181f; color: #f2f4f7; }
.top h1 { font-size: 16px; font-weight: 650; letter-spacing: .2px; }
.top h1 span { color: #9ec3ff; font-weight: 500; }
.feed-status { margin: 0; font-size: 13px; display: flex; align-items: center; gap: 6px; }
.feed-status::before { content: ""; width: 9px; height: 9px; border-radius: 50%; background: #9aa3af; }
.feed-status[data-state="live"]::before { background: #3ddc84; box-shadow: 0 0 0 3px rgba(61,220,132,.25); }
.feed-status[data-state="down"]::before { background: #ff6b6b; }
.follow { margin-left: auto; font-size: 13px; display: flex; gap: 6px; align-items: center; }
.layout { flex: 1; display: grid; grid-template-columns: minmax(360px, 30%) 1fr; min-height: 0; }
.turns { border-right: 1px solid var(--line); background: var(--panel); display: flex; flex-direction: column; min-height: 0; }
.turns-head { display: flex; align-items: baseline; gap: 8px; padding: 12px 14px 8px; border-bottom: 1px solid var(--line); }
.turns-head h2 { font-size: 14px; }
.turn-list { overflow-y: auto; flex: 1; padding: 6px; }
.empty { margin: 14px; color: var(--muted); }
.turn { display: grid; grid-template-columns: auto 1fr auto; gap: 2px 10px; padding: 8px 10px; border-radius: 8px; border: 1px solid transparent; cursor: pointer; margin-bottom: 4px; }
.turn:hover { background: #f0f3f7; }
.turn[aria-selected="true"] { background: var(--accent-bg); border-color: #9dbcf0; }
.turn .time { font-family: var(--mono); color: var(--muted); font-size: 12.5px; }
.turn .model { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.turn .facts { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12.5px; color: var(--muted); }
.turn .facts b { color: var(--text); font-weight: 600; }
.turn .tools { grid-column: 1 / -1; font-size: 12.5px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.turn .tools b { font-family: var(--mono); font-size: 12px; color: #5b2a86; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: #eceff3; color: var(--text); white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.live { background: var(--accent-bg); color: var(--live); }
.detail { overflow-y: auto; min-height: 0; padding: 14px 18px 24px; }
.placeholder { color: var(--muted); margin-top: 40px; text-align: center; }
.detail-head { display: flex; align-items: flex-start; gap: 16px; justify-content: space-between; }
.detail-head h2 { font-size: 17px; }
.detail-head p { margin: 2px 0 0; font-size: 12.5px; }
.button { font: inherit; font-weight: 600; padding: 6px 14px; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; white-space: nowrap; }
.button:hover { background: #0847a3; }
.metrics { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 10px; }
.metrics div { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px; min-width: 104px; }
.metrics dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; }
.metrics dd { margin: 0; font-size: 15px; font-weight: 650; }
.metrics.small div { min-width: 92px; padding: 4px 10px; }
.metrics.small dd { font-size: 14px; }
.tool-calls { display: flex; flex-direction: column; gap: 4px; margin-bottom: 10px; }
.tool-calls .problem { margin: 0; }
.tool-call { background: #f5effb; border: 1px solid #dccbef; border-radius: 8px; padding: 6px 10px; font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.tool-call b { color: #5b2a86; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-top: 4px; }
.tabs [role="tab"] { font: inherit; font-weight: 600; padding: 7px 16px; border: 1px solid transparent; border-bottom: none; border-radius: 8px 8px 0 0; background: none; color: var(--muted); cursor: pointer; }
.tabs [role="tab"][aria-selected="true"] { background: var(--panel); color: var(--text); border-color: var(--line); margin-bottom: -1px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-top: none; border-radius: 0 0 8px 8px; padding: 12px 14px; }
.notes { list-style: none; margin: 0 0 12px; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.notes li { padding: 4px 10px; border-left: 4px solid var(--accent); background: #f4f7fc; border-radius: 0 6px 6px 0; font-size: 13px; }
.notes li.kind-warning { border-color: #c77700; background: var(--warn-bg); color: var(--warn); }
.notes li.kind-tools { border-color: #7b3fb5; background: #f7f1fc; }
.notes li.kind-reasoning { border-color: #0f7b6c; background: #eaf7f4; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.column { min-width: 0; }
.column h3 { font-size: 13.5px; margin-bottom: 6px; }
.column h3 .muted { font-size: 12px; margin-left: 4px; }
.entries { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.entries li { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; padding: 4px 8px; font-size: 12.5px; overflow-wrap: anywhere; }
.entries .label { font-weight: 650; margin-right: 6px; }
.entries .text { font-family: var(--mono); font-size: 12px; color: #2b3038; white-space: pre-wrap; }
.entries li.k-system, .entries li.k-developer, .entries li.k-instructions { border-left-color: #6b7280; }
.entries li.k-user { border-left-color: var(--accent); }
.entries li.k-assistant, .entries li.k-message { border-left-color: #0f7b6c; }
.entries li.k-call { border-left-color: #7b3fb5; background: #fbf8fe; }
.entries li.k-tool { border-left-color: #b35c00; background: #fffaf2; }
.entries li.k-reasoning { border-left-color: #0f7b6c; background: #f1faf8; }
.entries li.k-tools { border-left-color: #9aa3af; }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; font-size: 13px; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 420px; margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.lanes { margin: 4px 0 8px; }
.lanes svg { width: 100%; height: 84px; display: block; background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; }
.lanes text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.counts { margin: 0 0 6px; font-size: 13px; }
.table-wrap { max-height: 380px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.timeline { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.timeline th { position: sticky; top: 0; background: #eef1f5; text-align: left; padding: 5px 8px; font-size: 12px; }
.timeline td { border-top: 1px solid #e7eaef; padding: 3px 8px; vertical-align: top; overflow-wrap: anywhere; }
.timeline td:first-child { font-family: var(--mono); color: var(--muted); white-space: nowrap; width: 70px; }
.timeline td:nth-child(2) { width: 45%; font-family: var(--mono); color: #0a3f8f; }
.timeline td:nth-child(3) { font-family: var(--mono); color: #0c4d20; }
.timeline tr.ka td { background: #fff6ea; color: var(--ka); }
.timeline tr.mark td { background: #f3f5f8; color: var(--text); }
.timeline .event { display: block; }
.problems { display: flex; flex-direction: column; gap: 6px; }
.problem { padding: 6px 10px; border-radius: 6px; font-size: 13px; }
.problem.error { background: var(--bad-bg); color: var(--bad); }
.problem.warning { background: var(--warn-bg); color: var(--warn); }
.panel h3 { font-size: 13.5px; margin: 12px 0 6px; }
.panel h3:first-of-type { margin-top: 4px; }
.chain { margin: 0; padding-left: 20px; font-family: var(--mono); font-size: 12.5px; }
.chain a { color: var(--accent); }
@media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } .turns { max-height: 40vh; } .side-by-side { grid-template-columns: 1fr; } }
`;
