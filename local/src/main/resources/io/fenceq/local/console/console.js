"use strict";
// Renders /api/state and polls it every few seconds. The dead-letter queue is read on request only;
// a redrive or delete is a dry run first, then the same request with the dry run's token.
const REFRESH_MS = 3000;

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "-" : String(text);
  return td;
}

function row(values) {
  const tr = document.createElement("tr");
  values.forEach(v => tr.appendChild(cell(v)));
  return tr;
}

function seconds(ms) {
  return ms == null ? "-" : Math.round(ms / 1000) + "s";
}

// The ring's epoch and lane count, and a reshard's progress while old lanes' barriers are pending.
function ringLine(ring) {
  if (!ring) return "";
  const lanes = ring.lanes === null ? "lane count not given (--lanes)" : ring.lanes + " lanes";
  const line = "ring: epoch " + ring.epoch + ", " + lanes;
  if (ring.pendingBarriers.length === 0) return line;
  return line + "; resharding from " + ring.previousLanes + " lanes: " + ring.pendingBarriers.length +
    " of " + ring.previousLanes + " old lanes' barriers pending (" + ring.pendingBarriers.slice(0, 8).join(", ") +
    (ring.pendingBarriers.length > 8 ? ", ..." : "") + ")";
}

function render(state) {
  const queues = document.querySelector("#queues tbody");
  queues.replaceChildren();
  [["queue", state.queue], ["dead-letter queue", state.dlq]].forEach(([name, q]) => {
    if (q) queues.appendChild(row([name, q.visible, q.inFlight, q.delayed]));
  });
  document.getElementById("ring").textContent = ringLine(state.ring);
  const lanes = document.getElementById("lanes");
  lanes.replaceChildren();
  const leaders = document.querySelector("#leaders tbody");
  leaders.replaceChildren();
  state.leases.forEach(l => {
    if (l.kind === "leader") {
      leaders.appendChild(row([l.id, l.holder, l.fence, l.renewals, seconds(l.expiresInMillis)]));
      return;
    }
    const div = document.createElement("div");
    div.className = "lane " + l.state;
    div.dataset.lease = l.id;
    div.title = l.state + (l.expiresAt ? ", expiry hint " + l.expiresAt : "");
    const id = document.createElement("div");
    id.className = "id";
    id.textContent = l.id + " fence " + l.fence;
    const holder = document.createElement("div");
    holder.className = "holder";
    holder.textContent = l.holder || "(free)";
    const meta = document.createElement("div");
    meta.textContent = "renewals " + l.renewals + (l.holder ? ", expires in " + seconds(l.expiresInMillis) : "");
    div.append(id, holder, meta);
    lanes.appendChild(div);
  });
  const mode = document.getElementById("mode");
  mode.textContent = state.readOnly ? "read-only" : "writes allowed";
  mode.className = state.readOnly ? "badge" : "badge writes";
  writesAllowed = !state.readOnly;
  document.getElementById("dlq").hidden = !state.deadLetters;
  renderStats(state.stats);
  document.getElementById("updated").textContent = "as of " + state.now;
  document.getElementById("error").textContent = "";
}

async function refresh() {
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (!response.ok) throw new Error(response.status + " " + (await response.text()));
    render(await response.json());
  } catch (e) {
    document.getElementById("error").textContent = "could not read /api/state: " + e.message;
  }
}

const SVG = "http://www.w3.org/2000/svg";
const CHARTS = [
  ["applied", "jobs applied /s"],
  ["failures", "failures /s"],
  ["fenced", "fenced writes /s"],
  ["leaseRefusals", "lease refusals /s"],
];

// One small line chart of a series of per-second rates, scaled to its own maximum.
function chart(name, title, series) {
  const width = 260, height = 70;
  const div = document.createElement("div");
  div.className = "chart " + name;
  div.dataset.chart = name;
  const values = series.map(p => Number(p[name]));
  const max = Math.max(1, ...values);
  const now = values.length ? values[values.length - 1] : 0;
  div.appendChild(text("div", title + ": " + now.toFixed(1) + " (max " + max.toFixed(1) + ")", "title"));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  const line = document.createElementNS(SVG, "polyline");
  const step = values.length > 1 ? width / (values.length - 1) : width;
  line.setAttribute("points", values.map((v, i) =>
    (i * step).toFixed(1) + "," + (height - 2 - (v / max) * (height - 4)).toFixed(1)).join(" "));
  svg.appendChild(line);
  div.appendChild(svg);
  return div;
}

function renderStats(stats) {
  const section = document.getElementById("stats");
  section.hidden = !stats;
  if (!stats) return;
  if (stats.error) {
    document.getElementById("stats-workers").textContent = stats.error;
    return;
  }
  document.getElementById("stats-workers").textContent =
    stats.workers.length + " worker(s) publishing, sampled every " + seconds(stats.sampleEveryMillis);
  const charts = document.getElementById("charts");
  charts.replaceChildren(...CHARTS.map(([name, title]) => chart(name, title, stats.series)));
  const body = document.querySelector("#backlog tbody");
  body.replaceChildren();
  const lanes = stats.lanes.slice().sort((a, b) => b.backlog - a.backlog).slice(0, 20);
  lanes.forEach(l => {
    const tr = row([l.lane, l.enqueued, l.applied, l.backlog]);
    tr.dataset.lane = l.lane;
    if (l.nearScanWindow) tr.className = "near";
    body.appendChild(tr);
  });
  const near = stats.lanes.filter(l => l.nearScanWindow);
  const warning = document.getElementById("backlog-warning");
  warning.hidden = near.length === 0;
  warning.textContent = near.length === 0 ? "" :
    near.map(l => l.lane).join(", ") + ": backlog near the FIFO scan window (" + stats.fifoScanWindow +
    " messages); other lanes may starve";
}

let writesAllowed = false;
let pending = null;

function text(tag, value, className) {
  const e = document.createElement(tag);
  e.textContent = value;
  if (className) e.className = className;
  return e;
}

function selected() {
  return Array.from(document.querySelectorAll("#dlq-jobs .pick:checked")).map(c => c.value);
}

function updateButtons() {
  const none = selected().length === 0;
  document.querySelectorAll("#dlq .write").forEach(b => { b.disabled = !writesAllowed || none; });
  document.querySelectorAll("#dlq-jobs .redrive-key").forEach(b => { b.disabled = !writesAllowed; });
}

function button(label, className, onClick) {
  const b = text("button", label, className);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

async function readDeadLetters() {
  const result = document.getElementById("dlq-result");
  result.textContent = "reading...";
  try {
    const response = await fetch("/api/dlq", { cache: "no-store" });
    if (!response.ok) throw new Error(response.status + " " + (await response.text()));
    const dlq = await response.json();
    const body = document.querySelector("#dlq-jobs tbody");
    body.replaceChildren();
    dlq.jobs.forEach(j => {
      const tr = document.createElement("tr");
      tr.dataset.job = j.jobId;
      const pick = document.createElement("input");
      pick.type = "checkbox";
      pick.className = "pick";
      pick.value = j.jobId;
      pick.addEventListener("change", updateButtons);
      const first = document.createElement("td");
      first.appendChild(pick);
      tr.appendChild(first);
      tr.appendChild(cell(j.jobId));
      tr.appendChild(cell(j.key));
      tr.appendChild(cell(j.type));
      const reason = cell(j.problem ? "malformed: " + j.problem : j.reason);
      reason.className = "reason";
      tr.appendChild(reason);
      tr.appendChild(cell(j.attempts));
      tr.appendChild(cell(j.enqueuedAt));
      tr.appendChild(cell(j.lane));
      const actions = document.createElement("td");
      actions.appendChild(button("show", "show", () => show(j.jobId)));
      if (j.key != null) {
        actions.appendChild(button("redrive key", "redrive-key", () => plan("redrive", { key: [j.key] })));
      }
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    document.getElementById("dlq-count").textContent =
      dlq.jobs.length + " readable of about " + dlq.approximateCount;
    result.textContent = "";
    updateButtons();
  } catch (e) {
    result.textContent = "could not read the dead-letter queue: " + e.message;
  }
}

async function show(jobId) {
  const detail = document.getElementById("dlq-detail");
  const response = await fetch("/api/dlq/job?jobId=" + encodeURIComponent(jobId), { cache: "no-store" });
  detail.textContent = response.ok
    ? JSON.stringify(await response.json(), null, 2)
    : response.status + " " + (await response.text());
  detail.hidden = false;
}

function form(selection, token) {
  const f = new URLSearchParams();
  Object.entries(selection).forEach(([name, values]) => values.forEach(v => f.append(name, v)));
  if (token) f.append("token", token);
  return f;
}

async function post(action, selection, token) {
  const response = await fetch("/api/dlq/" + action, { method: "POST", body: form(selection, token) });
  if (!response.ok) throw new Error(response.status + " " + (await response.text()));
  return response.json();
}

function describe(report) {
  const list = document.createElement("div");
  const verb = report.dryRun ? "would " + report.action : report.action === "redrive" ? "redriven" : "deleted";
  const done = report.action === "redrive" ? report.redriven : report.deleted;
  list.appendChild(text("div", verb + ": " + done.length + " job(s)", "summary"));
  const ul = document.createElement("ul");
  done.forEach(j => ul.appendChild(text("li", j.jobId + (j.key ? " (key " + j.key + ")" : "") + (j.lane ? " to " + j.lane : ""))));
  (report.refused || []).forEach(k =>
    ul.appendChild(text("li", "refused key " + k.key + " (" + k.jobs + " job(s)): " + k.why, "refused")));
  (report.unroutable || []).forEach(id => ul.appendChild(text("li", "not redriven " + id + ": malformed", "refused")));
  (report.failed || []).forEach(f => ul.appendChild(text("li", "failed " + (f.jobId || f) + (f.why ? ": " + f.why : ""), "refused")));
  list.appendChild(ul);
  return list;
}

async function plan(action, selection) {
  const result = document.getElementById("dlq-result");
  result.textContent = "";
  try {
    const report = await post(action, selection, null);
    const box = document.getElementById("dlq-confirm");
    const planDiv = document.getElementById("dlq-plan");
    planDiv.replaceChildren(describe(report));
    if (!report.token) {
      pending = null;
      document.getElementById("dlq-confirm-yes").hidden = true;
    } else {
      pending = { action: action, selection: selection, token: report.token };
      document.getElementById("dlq-confirm-yes").hidden = false;
      document.getElementById("dlq-confirm-yes").textContent = "Confirm " + action;
    }
    box.hidden = false;
  } catch (e) {
    result.textContent = action + " refused: " + e.message;
  }
}

async function confirmPending() {
  const box = document.getElementById("dlq-confirm");
  const result = document.getElementById("dlq-result");
  if (!pending) return;
  const p = pending;
  pending = null;
  box.hidden = true;
  try {
    const report = await post(p.action, p.selection, p.token);
    result.replaceChildren(describe(report));
    await readDeadLetters();
    result.replaceChildren(describe(report));
  } catch (e) {
    result.textContent = p.action + " failed: " + e.message;
  }
}

document.getElementById("dlq-read").addEventListener("click", readDeadLetters);
document.getElementById("dlq-redrive-selected").addEventListener("click", () => plan("redrive", { jobId: selected() }));
document.getElementById("dlq-delete-selected").addEventListener("click", () => plan("delete", { jobId: selected() }));
document.getElementById("dlq-confirm-yes").addEventListener("click", confirmPending);
document.getElementById("dlq-confirm-no").addEventListener("click", () => {
  pending = null;
  document.getElementById("dlq-confirm").hidden = true;
});

refresh();
setInterval(refresh, REFRESH_MS);
