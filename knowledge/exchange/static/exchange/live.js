// The organiser's live view: every table's progress, from the session's websocket. A fresh snapshot
// arrives on every (re)connection, so a dropped connection loses nothing. An ES module: the websocket
// is the portal's shared connection (portal/static/js/connection.js).
import { Connection } from "../js/connection.js";

function startLive() {
  const root = document.getElementById("live");
  if (!root) return;
  const connection = document.getElementById("connection");
  let currentRound = null;

  function row(number) { return root.querySelector('tr[data-table="' + number + '"]'); }
  function setRow(entry, total) {
    const tr = row(entry.table);
    if (!tr) return;
    tr.querySelector(".sheets").textContent = entry.sheets;
    tr.querySelector(".answers").textContent = entry.answers;
    tr.querySelector(".yes").textContent = entry.yes;
    const bar = tr.querySelector("progress");
    if (total !== undefined) { tr.querySelector(".total").textContent = total; bar.max = Math.max(total, 1); }
    bar.value = entry.sheets;
    tr.classList.add("updated");
    setTimeout(function () { tr.classList.remove("updated"); }, 800);
  }

  // Reconnects after 1 s doubling up to 30 s, from 1 s again once open; a refusal (4400-4499) ends it.
  const socket = new Connection(root.dataset.wsPath, {
    onOpen: function () { document.body.dataset.connection = "connected"; connection.textContent = ""; },
    onFrame: function (frame) {
      if (frame.type === "state") {
        if (currentRound !== null && frame.round !== currentRound) { location.reload(); return; }
        currentRound = frame.round;
        frame.tables.forEach(function (entry) { setRow(entry, frame.round_sheets); });
      } else if (frame.type === "progress") {
        if (frame.round === currentRound) setRow(frame);
      } else if (frame.type === "round" || frame.type === "seating") {
        socket.send({ type: "state" });
      } else if (frame.type === "error" && frame.code === "rate_limited") {
        // Asked too often: the server says when to ask again.
        setTimeout(function () { socket.send({ type: "state" }); }, (Number(frame.retry_after) || 1) * 1000 + 100);
      }
    },
    onClose: function (event, outcome) {
      document.body.dataset.connection = "disconnected";
      if (!outcome.refused) connection.textContent = "…";
    },
  });
  // Time since the round started, to pace the sheets (round_minutes each).
  const clock = document.getElementById("round-clock");
  const started = Date.parse(root.dataset.started || "");
  if (clock && root.dataset.running && !isNaN(started)) {
    setInterval(function () {
      const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      clock.textContent = "⏱ " + Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    }, 1000);
  }
  socket.start();
}

startLive();
