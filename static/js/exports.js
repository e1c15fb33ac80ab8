/* "My exports": progress and the download link arrive live on the user's own socket room
   (`export_progress`); a row still running is also re-checked now and then in case an event was
   missed while the page was loading. */
(function () {
  "use strict";
  var table = document.getElementById("exports-table");
  if (!table) { return; }
  var labels = JSON.parse(table.dataset.labels || "{}");

  function render(data) {
    var row = table.querySelector('tr[data-export-id="' + data.id + '"]');
    if (!row) { return; }
    row.querySelector(".export-status").textContent = labels[data.status] || data.status;
    if (data.status === "failed" && data.error) {
      var note = document.createElement("small");
      note.className = "text-danger ml-1";
      note.textContent = data.error;
      row.querySelector(".export-status").appendChild(note);
    }
    var rows = String(data.rows_done || 0);
    if (data.rows_total !== null && data.rows_total !== undefined) { rows += " / " + data.rows_total; }
    row.querySelector(".export-rows").textContent = rows;
    var cell = row.querySelector(".export-link");
    if (data.status === "done" && data.download_url && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.href = data.download_url;
      link.className = "btn btn-sm btn-primary";
      link.textContent = labels.download;
      cell.appendChild(link);
    }
  }

  function pending() {
    return Array.prototype.filter.call(table.querySelectorAll("tr[data-export-id]"), function (row) {
      var text = row.querySelector(".export-status").textContent.trim();
      return text === labels.queued || text === labels.running;
    });
  }

  function refresh() {
    pending().forEach(function (row) {
      var url = table.dataset.statusUrl.replace(/0$/, row.dataset.exportId);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { render(data); } });
    });
  }

  var socket = window.kartotekaSocket;
  if (socket) { socket.on("export_progress", render); }
  refresh();
  window.setInterval(function () { if (pending().length) { refresh(); } }, 5000);
})();
