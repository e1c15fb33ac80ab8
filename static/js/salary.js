/* Salary pages: when what a shown person earns changes (a ledger entry, an adjustment), the server
   names him on the socket (`salary_changed`); the page re-reads itself and swaps its live part, so
   the figures, the forecast and the adjustments stay current without a reload. */
(function () {
  "use strict";
  var live = document.querySelector("[data-salary-live]");
  var socket = window.kartotekaSocket;
  if (!live || !socket) { return; }
  var timer = null;

  function shown() {
    return (live.dataset.people || "").split(",").filter(Boolean).map(Number);
  }

  function refresh() {
    timer = null;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-salary-live]");
        if (fresh) {
          live.innerHTML = fresh.innerHTML;
          live.dataset.people = fresh.dataset.people || "";
          live.dispatchEvent(new CustomEvent("salary:refreshed", { bubbles: true }));
        }
      });
  }

  socket.on("salary_changed", function (data) {
    var people = shown();
    var concerned = (data.user_ids || []).some(function (id) { return people.indexOf(id) !== -1; });
    if (concerned && timer === null) { timer = window.setTimeout(refresh, 300); }
  });
})();
