/* Financial report: the chart by month from the report's JSON, and "Download PNG". */
(function () {
  "use strict";
  var canvas = document.getElementById("finance-chart");
  if (!canvas || !window.Chart) { return; }
  var button = document.getElementById("finance-chart-png");
  var labels = canvas.dataset;

  fetch(canvas.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var months = data.by_month || [];
      var chart = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: months.map(function (row) { return row.label; }),
          datasets: [
            { label: labels.labelWorkOff, data: months.map(function (row) { return Number(row.work_off); }), backgroundColor: "#4e79a7" },
            { label: labels.labelProfit, data: months.map(function (row) { return Number(row.profit); }), backgroundColor: "#59a14f" }
          ]
        },
        options: {
          animation: false,
          plugins: { legend: { position: "bottom" } },
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true } }
        }
      });
      button.disabled = false;
      button.addEventListener("click", function () {
        var link = document.createElement("a");
        link.href = chart.toBase64Image("image/png", 1);
        link.download = canvas.dataset.filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
}());
