/* An import's page while it is checked or applied: its progress, read every second, then the page
   again once the job is over. */
(function () {
  "use strict";
  var box = document.getElementById("import");
  if (!box || ["checking", "importing"].indexOf(box.dataset.status) === -1) { return; }
  var shown = document.getElementById("import-progress");
  var template = shown ? shown.textContent.replace(/\d+/, "{done}") : "";
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status !== box.dataset.status) { window.location.reload(); return; }
        if (shown) { shown.textContent = template.replace("{done}", data.done) + (data.total ? " / " + data.total : ""); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
