/* Home page: when a card moves anywhere, re-fetch the page's figures (a small JSON) and put the new
   numbers in place; no reload. */
(function () {
  "use strict";
  var page = document.getElementById("dashboard");
  if (!page || !page.dataset.figuresUrl) { return; }
  var timer = null;

  function setText(selector, value) {
    var node = page.querySelector(selector);
    if (node && value !== undefined && value !== null) { node.textContent = value; }
  }

  function renderOverdue(rows) {
    var table = document.getElementById("owner-overdue");
    if (!table) { return; }
    var body = table.querySelector("tbody");
    body.innerHTML = "";
    if (!rows.length) {
      var empty = document.createElement("tr");
      var cell = document.createElement("td");
      cell.className = "text-muted";
      cell.textContent = table.dataset.empty;
      empty.appendChild(cell);
      body.appendChild(empty);
      return;
    }
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var name = document.createElement("td");
      var link = document.createElement("a");
      link.href = row.url;
      link.textContent = row.name;
      name.appendChild(link);
      var count = document.createElement("td");
      count.className = "text-right text-danger";
      count.textContent = row.count;
      tr.appendChild(name);
      tr.appendChild(count);
      body.appendChild(tr);
    });
  }

  function apply(data) {
    Object.keys(data.figures || {}).forEach(function (key) {
      setText('[data-value="' + key + '"]', data.figures[key]);
    });
    var owner = data.owner;
    if (!owner) { return; }
    owner.stages.forEach(function (stage) { setText('[data-stage="' + stage.id + '"]', stage.count); });
    ["work_off", "profit"].forEach(function (kind) {
      setText('[data-money="' + kind + '_this"]', owner.money[kind + "_this"].value);
      setText('[data-money="' + kind + '_last"]', owner.money[kind + "_last"].value);
    });
    renderOverdue(owner.overdue);
    if (owner.jobs) {
      setText('[data-jobs="queued"]', owner.jobs.queued);
      setText('[data-jobs="failed"]', owner.jobs.failed);
      setText('[data-jobs="workers"]', owner.jobs.workers);
      var badge = page.querySelector('[data-jobs="scheduler"]');
      if (badge) {
        badge.textContent = owner.jobs.scheduler_alive ? badge.dataset.alive : badge.dataset.dead;
        badge.className = "badge " + (owner.jobs.scheduler_alive ? "badge-success" : "badge-danger");
      }
    }
  }

  function refresh() {
    timer = null;
    fetch(page.dataset.figuresUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data); } });
  }

  // Several moves in a burst cost one fetch.
  function soon() {
    if (!timer) { timer = window.setTimeout(refresh, 300); }
  }

  var socket = window.kartotekaSocket;
  if (!socket) { return; }
  var join = function () {
    socket.emit("join", { room: "dashboard" });
    if (page.dataset.room) { socket.emit("join", { room: page.dataset.room }); }
  };
  socket.on("connect", join);
  if (socket.connected) { join(); }
  socket.on("board_changed", soon);
}());
