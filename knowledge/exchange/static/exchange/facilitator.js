// The facilitator's screen: the sheet being announced, the time left for it and for the round, and
// the running order, from the round's start and the minutes per sheet. It follows the session's
// websocket as the secretary's screen does: a new round or a closed session reloads the page, a
// change of timing (a "state" frame) resets the clock. Text only through textContent.
import { Connection } from "../js/connection.js";
import { formatSeconds, roundClock } from "./facilitator-clock.js";

function startFacilitator() {
  const root = document.getElementById("facilitator");
  const dataNode = document.getElementById("facilitator-data");
  if (!root || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const offsetKey = data.storageKey + "-offset";
  let offset = 0;
  try { offset = Number(localStorage.getItem(offsetKey)) || 0; } catch (e) { /* private mode */ }
  const startedAt = Date.parse(data.startedAt || "");
  let shown = -1;

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  function showSheet(index) {
    const sheet = data.sheets[index];
    if (!sheet || index === shown) return;
    shown = index;
    setText("sheet-position", (index + 1) + " / " + data.sheets.length);
    setText("sheet-category", sheet.category);
    setText("sheet-title", sheet.title);
    setText("sheet-organisation", sheet.organisation);
    setText("sheet-description", sheet.description);
    setText("sheet-quantity", sheet.quantity || "");
    document.querySelectorAll("#running-order li").forEach(function (item) {
      const current = Number(item.dataset.index) === index;
      if (current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      item.classList.toggle("done", Number(item.dataset.index) < index);
    });
  }

  function tick() {
    if (!data.sheets.length || isNaN(startedAt)) return;
    const clock = roundClock({
      startedAt: startedAt,
      now: Date.now(),
      minutesPerSheet: data.minutesPerSheet,
      sheetCount: data.sheets.length,
      offset: offset,
    });
    setText("sheet-clock", formatSeconds(clock.sheetSecondsLeft));
    setText("round-clock", formatSeconds(clock.roundSecondsLeft));
    setText("round-over", clock.over ? root.dataset.over : "");
    document.body.dataset.sheetIndex = String(clock.index);
    showSheet(clock.index);
  }

  function step(by) {
    offset += by;
    try { localStorage.setItem(offsetKey, String(offset)); } catch (e) { /* private mode */ }
    shown = -1;
    tick();
  }

  const previous = document.getElementById("previous-sheet");
  const next = document.getElementById("next-sheet");
  if (previous) previous.addEventListener("click", function () { step(-1); });
  if (next) next.addEventListener("click", function () { step(1); });

  const connection = new Connection(data.wsPath, {
    onFrame: function (frame) {
      if ((frame.type === "round" || frame.type === "state") && (frame.round !== data.round || frame.status !== data.status)) {
        location.reload();
      } else if (frame.type === "state" && frame.round_minutes && frame.round_minutes !== data.minutesPerSheet) {
        data.minutesPerSheet = frame.round_minutes;
        shown = -1;
        tick();
      }
    },
  });

  tick();
  setInterval(tick, 1000);
  connection.start();
}

startFacilitator();
