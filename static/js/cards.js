/* Cards section: instant search in the small tabs (DataTables), whole rows open the card. */
(function () {
  "use strict";

  document.querySelectorAll(".js-cards-table").forEach(function (table) {
    if (!window.DataTable) { return; }
    var language = {};
    try { language = JSON.parse(table.getAttribute("data-i18n") || "{}"); } catch (e) { language = {}; }
    // Rows come newest first from the server; keep that order until a header is clicked.
    new window.DataTable(table, {
      order: [],
      pageLength: 50,
      lengthMenu: [25, 50, 100, 500],
      language: language,
      // Phones and card numbers are text, not numbers; only "days in stage" sorts as a number.
      columnDefs: [{ targets: "dt-num", type: "num" }, { targets: "_all", type: "html" }]
    });
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest(".js-card-row");
    if (!row || event.target.closest("a, button, input, select, label")) { return; }
    if (window.getSelection && String(window.getSelection())) { return; }
    window.location.assign(row.getAttribute("data-href"));
  });
})();
