// The secretary's screen: the current sheet and one YES/NO per firm of the table.
// Every toggle goes into a queue kept in localStorage and is POSTed at once; what the server has not
// acknowledged is resent after a reload, a dropped connection or the "online" event. The server
// treats a replay as the same answer, so resending is always safe. An ES module: the websocket is
// the portal's shared connection (portal/static/js/connection.js).
import { Connection } from "../js/connection.js";

function startTable() {
  const root = document.getElementById("secretary");
  const dataNode = document.getElementById("table-data");
  if (!root || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const labels = root.dataset;
  const queueKey = data.storageKey + "-queue";
  const positionKey = data.storageKey + "-position";
  const answers = Object.assign({}, data.answers);
  let queue = load(queueKey, []);
  let position = Math.min(load(positionKey, 0), Math.max(data.sheets.length - 1, 0));
  let sending = false;
  let retryTimer = null;

  function load(key, fallback) {
    try { const value = JSON.parse(localStorage.getItem(key)); return value === null ? fallback : value; }
    catch (e) { return fallback; }
  }
  function save(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ } }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Answers waiting in the queue win over what the page was rendered with.
  queue.forEach(function (item) { answers[item.sheet + ":" + item.organisation] = item.interested; });

  function status(text, state) {
    const node = document.getElementById("save-status");
    if (node) { node.textContent = text; node.dataset.state = state; }
    document.body.dataset.queue = String(queue.length);
  }
  function showQueue() {
    if (!navigator.onLine && queue.length) status(labels.offline + " (" + queue.length + ")", "offline");
    else if (queue.length) status(queue.length + " " + labels.pending, "pending");
    else status(labels.saved, "saved");
  }

  function render() {
    const sheet = data.sheets[position];
    if (!sheet) return;
    document.getElementById("sheet-position").textContent = (position + 1) + " / " + data.sheets.length;
    document.getElementById("sheet-category").textContent = sheet.category;
    document.getElementById("sheet-organisation").textContent = sheet.organisation;
    document.getElementById("sheet-title").textContent = sheet.title;
    document.getElementById("sheet-description").textContent = sheet.description;
    document.getElementById("sheet-quantity").textContent = sheet.quantity || "";
    const list = document.getElementById("firms");
    list.replaceChildren();
    data.firms.forEach(function (firm, index) {
      const item = document.createElement("li");
      item.className = "firm-answer";
      item.dataset.firm = firm.id;
      const name = document.createElement("span");
      name.className = "firm-name";
      name.textContent = (index + 1) + ". " + firm.name;
      item.appendChild(name);
      if (firm.id === sheet.organisationId) {
        const own = document.createElement("span");
        own.className = "muted";
        own.textContent = labels.own;
        item.appendChild(own);
      } else {
        const answer = answers[sheet.id + ":" + firm.id];
        [[true, labels.yes, "yes"], [false, labels.no, "no"]].forEach(function (choice) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "answer answer-" + choice[2];
          button.textContent = choice[1];
          button.setAttribute("aria-pressed", answer === choice[0] ? "true" : "false");
          button.setAttribute("aria-label", firm.name + " : " + choice[1]);
          button.addEventListener("click", function () { record(sheet.id, firm.id, choice[0]); });
          item.appendChild(button);
        });
      }
      list.appendChild(item);
    });
    save(positionKey, position);
  }

  function record(sheetId, firmId, interested) {
    const key = sheetId + ":" + firmId;
    answers[key] = interested;
    queue = queue.filter(function (item) { return item.key !== key; });
    queue.push({ key: key, sheet: sheetId, organisation: firmId, interested: interested });
    save(queueKey, queue);
    render();
    flush();
  }

  function retryLater() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, 2000);
  }

  async function flush() {
    showQueue();
    if (sending || !queue.length) return;
    sending = true;
    try {
      while (queue.length) {
        const item = queue[0];
        let response;
        try {
          response = await fetch(data.answerUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ sheet: item.sheet, organisation: item.organisation, interested: item.interested }),
          });
        } catch (e) {
          showQueue();
          retryLater();
          return;
        }
        if (response.status >= 500) { retryLater(); return; }
        let body = {};
        try { body = await response.json(); } catch (e) { /* an error page */ }
        // Saved, or refused for good (closed session, another table): either way it leaves the queue,
        // unless a newer toggle of the same answer was queued meanwhile.
        if (queue[0] === item) queue.shift();
        save(queueKey, queue);
        if (!response.ok) status(body.error || String(response.status), "error");
      }
      showQueue();
    } finally {
      sending = false;
    }
  }

  function move(step) {
    position = Math.max(0, Math.min(data.sheets.length - 1, position + step));
    render();
  }

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const sheet = data.sheets[position];
    if (event.key === "ArrowRight" || event.key === "n" || event.key === "N") { move(1); event.preventDefault(); }
    else if (event.key === "ArrowLeft" || event.key === "p" || event.key === "P") { move(-1); event.preventDefault(); }
    else if (sheet && /^[1-9]$/.test(event.key)) {
      const firm = data.firms[Number(event.key) - 1];
      if (!firm || firm.id === sheet.organisationId) return;
      const current = answers[sheet.id + ":" + firm.id];
      record(sheet.id, firm.id, current !== true);
      event.preventDefault();
    }
  });

  const previous = document.getElementById("previous-sheet");
  const next = document.getElementById("next-sheet");
  if (previous) previous.addEventListener("click", function () { move(-1); });
  if (next) next.addEventListener("click", function () { move(1); });
  window.addEventListener("online", flush);
  window.addEventListener("offline", showQueue);

  // The organiser starting the next round (or closing the session) reloads the screen.
  // Reconnects after 1 s doubling up to 30 s; a refusal (4400-4499) ends it.
  const connection = new Connection(data.wsPath, {
    onFrame: function (frame) {
      if ((frame.type === "round" || frame.type === "state") && (frame.round !== data.round || frame.status !== data.status)) {
        flush().then(function () { if (!queue.length) location.reload(); });
      }
    },
  });

  if (data.sheets.length) render();
  connection.start();
  flush();
}

startTable();
