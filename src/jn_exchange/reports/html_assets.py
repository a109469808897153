"""The HTML report's stylesheet and script, inlined in the page (it must work opened from disk on
an office network without internet: nothing is fetched, the page's Content-Security-Policy
allows only these two blocks).

The script only enhances: without it the page is whole (groups open or closed as written, every
example in the markup); with it the filters by severity, rule and table appear, the groups can
be expanded or collapsed together, a link to a rule opens its group, and printing expands all."""

from __future__ import annotations

import base64
import hashlib

_CSS = """
:root { --ink:#1d2939; --muted:#5d6b82; --line:#d9dee7; --bg:#f4f6f9; --brand:#1f3a5f;
  --err:#b42318; --err-bg:#fef3f2; --warn:#b54708; --warn-bg:#fffaeb; --info:#175cd3; --info-bg:#eff8ff;
  --ok:#067647; --ok-bg:#ecfdf3; }
* { box-sizing:border-box; }
[hidden] { display:none !important; }
html { -webkit-text-size-adjust:100%; }
body { margin:0; background:var(--bg); color:var(--ink); font-size:14px; line-height:1.6;
  font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", sans-serif; }
.page { max-width:1120px; margin:0 auto; padding:0 24px 40px; }
header.top { background:var(--brand); color:#fff; }
header.top .page { padding-top:20px; padding-bottom:20px; display:flex; align-items:center; gap:24px; }
header.top .titles { flex:1; min-width:0; }
header.top .std { font-size:13px; opacity:.85; letter-spacing:.04em; }
header.top h1 { margin:2px 0 0; font-size:24px; font-weight:700; }
header.top .src { font-size:13px; opacity:.85; overflow-wrap:anywhere; margin-top:4px; }
.verdict { flex:none; font-size:22px; font-weight:700; padding:10px 26px; border-radius:8px;
  border:2px solid #fff; letter-spacing:.08em; }
.verdict.valid { background:var(--ok); }
.verdict.invalid { background:var(--err); }
.cards { display:flex; gap:16px; margin:20px 0 6px; }
.card { flex:1 1 0; min-width:0; background:#fff; border:1px solid var(--line); border-left:5px solid var(--line);
  border-radius:8px; padding:10px 18px; }
.card .n { font-size:28px; font-weight:700; line-height:1.2; font-variant-numeric:tabular-nums; }
.card .l { color:var(--muted); font-size:13px; }
.card.error { border-left-color:var(--err); } .card.error .n { color:var(--err); }
.card.warning { border-left-color:var(--warn); } .card.warning .n { color:var(--warn); }
.card.info { border-left-color:var(--info); } .card.info .n { color:var(--info); }
.card.zero .n { color:var(--muted); }
.failon, .scope { color:var(--muted); font-size:13px; margin:4px 0 0; }
section.box { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:18px 0; }
h2 { font-size:17px; margin:0 0 12px; padding-bottom:8px; border-bottom:1px solid var(--line); }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; vertical-align:top; padding:6px 10px; border-bottom:1px solid var(--line); }
th { background:#f8f9fb; color:var(--muted); font-weight:600; font-size:13px; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
td.hit-error { color:var(--err); font-weight:700; } td.hit-warning { color:var(--warn); font-weight:700; }
td.hit-info { color:var(--info); font-weight:700; }
.scroll { overflow-x:auto; }
table.kv th { width:150px; background:none; border:none; padding:4px 10px 4px 0; font-size:14px; white-space:normal; }
table.kv td { border:none; padding:4px 0; overflow-wrap:anywhere; }
.mono, code, td.f, td.v, td.k { font-family:"Noto Sans Mono CJK SC", Consolas, "Courier New", monospace;
  font-size:.95em; }
.code, .pill, .count, .nw { white-space:nowrap; }
.pill { display:inline-block; border-radius:999px; padding:1px 10px; font-size:12px; font-weight:600;
  border:1px solid transparent; }
.pill.error { color:var(--err); background:var(--err-bg); border-color:#fecdca; }
.pill.warning { color:var(--warn); background:var(--warn-bg); border-color:#fedf89; }
.pill.info { color:var(--info); background:var(--info-bg); border-color:#b2ddff; }
.muted { color:var(--muted); }
.sub { display:block; color:var(--muted); font-size:12px; }
table.rules td.code { width:1%; }
a { color:#1849a9; }
.none { padding:18px; text-align:center; color:var(--ok); font-weight:600; }
.filters { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; margin:0 0 10px; padding:10px 12px;
  background:#f8f9fb; border:1px solid var(--line); border-radius:8px; }
.filters label { white-space:nowrap; }
.filters select { font:inherit; max-width:100%; min-width:0; padding:3px 4px; }
.filters .sel { display:flex; gap:8px; flex:1 1 220px; min-width:0; }
.filters .sel select { flex:1 1 0; }
.filters button { font:inherit; padding:3px 12px; border:1px solid var(--line); border-radius:6px; background:#fff;
  cursor:pointer; }
.status { color:var(--muted); font-size:13px; margin:0 0 6px; }
.status:empty { display:none; }
summary { cursor:pointer; list-style:none; }
summary::-webkit-details-marker { display:none; }
summary::before { content:"\\25B8"; color:var(--muted); display:inline-block; width:1em; flex:none; }
details[open] > summary::before { content:"\\25BE"; }
details.rule { background:#fff; border:1px solid var(--line); border-left:5px solid var(--line); border-radius:8px;
  margin:10px 0; }
details.rule.error { border-left-color:var(--err); } details.rule.warning { border-left-color:var(--warn); }
details.rule.info { border-left-color:var(--info); }
details.rule > summary { display:flex; flex-wrap:wrap; align-items:baseline; gap:4px 10px; padding:10px 16px; }
details.rule > summary .code { font-weight:700; }
details.rule > summary .t { font-weight:600; font-size:15px; flex:1 1 12em; min-width:0; }
.count { font-weight:700; font-variant-numeric:tabular-nums; }
.rule-body { padding:0 16px 12px 20px; }
dl.about { display:grid; grid-template-columns:7em 1fr; gap:4px 14px; margin:0 0 8px; }
dl.about dt { color:var(--muted); }
dl.about dd { margin:0; min-width:0; overflow-wrap:break-word; }
details.tally { border-top:1px solid var(--line); }
details.tally > summary { padding:8px 0; display:flex; flex-wrap:wrap; gap:2px 10px; align-items:baseline; }
details.tally > summary .tn { font-weight:600; }
table.examples { margin-bottom:8px; }
table.examples td { overflow-wrap:break-word; }
table.examples td.v { overflow-wrap:anywhere; min-width:5em; }
table.examples col.m { width:50%; }
td.nil { font-family:inherit; }
td.r { white-space:nowrap; text-align:right; font-variant-numeric:tabular-nums; }
.trunc { margin:0 0 10px; font-size:13px; color:var(--muted); }
footer { color:var(--muted); font-size:12px; padding:8px 0 0; border-top:1px solid var(--line); margin-top:28px;
  overflow-wrap:anywhere; }
@media (max-width:640px) {
  body { font-size:14px; }
  .page { padding:0 12px 28px; }
  header.top .page { padding-top:14px; padding-bottom:14px; gap:12px; flex-wrap:wrap; }
  header.top .titles { flex-basis:100%; }   /* the verdict below the titles: a long one would squeeze them */
  header.top h1 { font-size:19px; }
  .verdict { font-size:17px; padding:6px 12px; letter-spacing:.04em; }
  .cards { gap:8px; margin-top:14px; }
  .card { padding:8px 10px; border-left-width:4px; }
  .card .n { font-size:21px; }
  section.box { padding:12px; }
  th, td { padding:6px 5px; }
  .wide { display:none; }
  table.kv th { width:6.5em; }
  details.rule > summary { padding:10px 10px; }
  .rule-body { padding:0 10px 10px 12px; }
  dl.about { grid-template-columns:1fr; gap:0; }
  dl.about dd { margin-bottom:6px; }
  table.examples, table.examples tbody, table.examples tr, table.examples td { display:block; width:auto; }
  table.examples thead, table.examples colgroup { display:none; }
  table.examples tr { padding:7px 0; border-bottom:1px solid var(--line); }
  table.examples td { border:none; padding:1px 0; text-align:left; }
  table.examples td.r, table.examples td.f { display:inline; }
  table.examples td.nil, table.examples td:empty { display:none; }
  table.examples td.r { font-weight:600; margin-right:10px; }
  table.examples td.v::before, table.examples td.k::before, table.examples td.r::before { color:var(--muted);
    font-family:"Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-weight:400; }
}
@media print {
  body { background:#fff; font-size:11px; }
  .page { max-width:none; padding:0; }
  header.top { background:#fff; color:var(--ink); border-bottom:3px solid var(--brand); }
  .verdict { border-color:transparent; color:#fff; -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  .filters, .no-print { display:none !important; }
  summary::before { content:none; }
  details::details-content { content-visibility:visible; display:block; }
  section.box, details.rule { border-color:#bbb; }
  tr, .card { break-inside:avoid; }
  a { color:inherit; text-decoration:none; }
}
"""

# The filters work on data-* attributes written by the page (never by building selectors from
# vendor text); counts are the tallies' exact counts, not the examples shown.
SCRIPT = """
(function () {
  "use strict";
  var root = document.getElementById("findings"), bar = root && root.querySelector(".filters");
  if (!bar) { return; }
  var status = root.querySelector(".status");
  var rules = Array.prototype.slice.call(root.querySelectorAll("details.rule"));
  var sevs = Array.prototype.slice.call(bar.querySelectorAll("input[name=sev]"));
  var ruleSel = bar.querySelector("select[name=rule]"), tableSel = bar.querySelector("select[name=table]");
  var num = function (n) { return n.toLocaleString("en-US"); };
  function apply(open) {
    var on = {}, code = ruleSel.value, table = tableSel.value, nr = 0, nf = 0;
    sevs.forEach(function (b) { on[b.value] = b.checked; });
    rules.forEach(function (r) {
      var keep = on[r.dataset.sev] && (!code || r.dataset.code === code), any = false;
      Array.prototype.forEach.call(r.querySelectorAll("details.tally"), function (t) {
        var show = keep && (!table || t.dataset.table === table);
        t.hidden = !show;
        if (show) { any = true; nf += Number(t.dataset.n); if (open) { t.open = true; } }
      });
      r.hidden = !any;
      if (any) { nr += 1; if (open) { r.open = true; } }
    });
    status.textContent = status.dataset.tpl.replace("{r}", num(nr)).replace("{n}", num(nf));
  }
  function showAll() {
    sevs.forEach(function (b) { b.checked = true; });
    ruleSel.value = ""; tableSel.value = "";
    apply(false);
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1)), el = id ? document.getElementById(id) : null;
    if (!el || !root.contains(el)) { return; }
    if (el.hidden) { showAll(); }
    for (var p = el; p; p = p.parentElement) { if (p.tagName === "DETAILS") { p.open = true; } }
    el.scrollIntoView();
  }
  function setAll(open) {
    root.querySelectorAll("details").forEach(function (d) { if (!d.hidden) { d.open = open; } });
  }
  bar.addEventListener("change", function (ev) { apply(ev.target.tagName === "SELECT" && ev.target.value !== ""); });
  bar.querySelector("button[name=expand]").addEventListener("click", function () { setAll(true); });
  bar.querySelector("button[name=collapse]").addEventListener("click", function () { setAll(false); });
  document.querySelectorAll("a[data-table]").forEach(function (a) {
    a.addEventListener("click", function () { showAll(); tableSel.value = a.dataset.table; apply(true); });
  });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [];
    root.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); });
  window.addEventListener("hashchange", reveal);
  bar.hidden = false;
  apply(false);
  reveal();
}());
"""


def stylesheet(labels: dict[str, str]) -> str:
    """The page's CSS, with the labels the phone layout puts before a row's number, value and key
    (on a narrow screen the example table becomes one card per finding, without headings)."""
    def css_string(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    narrow = (f"@media (max-width:640px) {{ table.examples td.r::before {{ content:{css_string(labels['row'] + ' ')}; }}"
              f" table.examples td.v::before {{ content:{css_string(labels['value'] + labels['sep'])}; }}"
              f" table.examples td.k::before {{ content:{css_string(labels['key'] + labels['sep'])}; }} }}\n")
    return _CSS + narrow


def csp_hash(block: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline block."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str) -> str:
    """Nothing may load or connect; only this page's own style and script blocks run."""
    return (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(SCRIPT)}; "
            "base-uri 'none'; form-action 'none'")
