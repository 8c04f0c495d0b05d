"use strict";
// Renders /api/state and polls it every few seconds. Read-only: it only ever GETs.
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

function render(state) {
  const queues = document.querySelector("#queues tbody");
  queues.replaceChildren();
  [["queue", state.queue], ["dead-letter queue", state.dlq]].forEach(([name, q]) => {
    if (q) queues.appendChild(row([name, q.visible, q.inFlight, q.delayed]));
  });
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

refresh();
setInterval(refresh, REFRESH_MS);
