/* Card transactions: add and remove without reloading, totals previewed live.
   Money is integer cents (BigInt), never floats, by the server's rule (services/platform/money.py):
   total = signed sum (top-up, work-off +; fee, refund −); commission per row = amount × rate / 100
   rounded half up for a percent, or the fixed rate; profit = total − commission.
   The server's figures replace the preview after every save. */
(function (root) {
  "use strict";

  var SIGN = { top_up: 1n, work_off: 1n, fee: -1n, refund: -1n };
  var MONEY_RE = /^(\d{0,12})(?:\.(\d{0,2}))?$/;

  function parseCents(text) {
    var cleaned = String(text == null ? "" : text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    var match = MONEY_RE.exec(cleaned);
    if (!cleaned || !match || (match[1] === "" && !match[2])) { return null; }
    return BigInt(match[1] || "0") * 100n + BigInt(((match[2] || "") + "00").slice(0, 2));
  }

  function commissionCents(amountCents, kind, rateCents) {
    if (kind === "fixed") { return rateCents; }
    // amount × rate / 100 in money = amountCents × rateCents / 10000 in cents; half up (both ≥ 0).
    return (amountCents * rateCents + 5000n) / 10000n;
  }

  function figures(rows) {
    var total = 0n, commission = 0n;
    rows.forEach(function (row) {
      total += SIGN[row.type] * row.amount;
      commission += row.commission;
    });
    return { total: total, commission: commission, profit: total - commission };
  }

  function formatCents(cents) {
    var negative = cents < 0n, abs = negative ? -cents : cents;
    var whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    var fraction = (abs % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + whole + "." + fraction;
  }

  var api = { parseCents: parseCents, commissionCents: commissionCents, figures: figures, formatCents: formatCents };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  if (typeof document === "undefined") { return; }
  root.cardMoney = api;

  // The panel of the card's page, or of the tracker's move modal once it is loaded (init again).
  function init(panel) {
    if (!panel) { return; }
    var addForm = document.getElementById("tx-add-form");
    var tbody = document.getElementById("tx-rows");
    var errorsCell = document.getElementById("tx-errors");
    var typeLabels = JSON.parse(panel.getAttribute("data-type-labels") || "{}");

    function field(name) { return addForm ? addForm.elements.namedItem(name) : null; }

    function currentRows() {
      return Array.prototype.map.call(tbody.querySelectorAll("tr.tx-row"), function (tr) {
        return {
          type: tr.getAttribute("data-type"),
          amount: parseCents(tr.getAttribute("data-amount")),
          commission: parseCents(tr.getAttribute("data-commission"))
        };
      });
    }

    function newRow() {
      if (!addForm) { return null; }
      var amount = parseCents(field("amount").value), rate = parseCents(field("commission_rate").value);
      var kind = field("commission_kind").value, type = field("type").value;
      if (amount === null || amount <= 0n || rate === null || !(type in SIGN)) { return null; }
      return { type: type, amount: amount, commission: commissionCents(amount, kind, rate) };
    }

    function show(id, cents) {
      var element = document.getElementById(id);
      if (element) { element.textContent = formatCents(cents); }
    }

    function refresh() {
      var rows = currentRows(), now = figures(rows);
      show("tx-total", now.total); show("tx-commission", now.commission); show("tx-profit", now.profit);
      var preview = document.getElementById("tx-preview"), extra = newRow();
      var commissionCell = document.getElementById("tx-new-commission");
      if (commissionCell) { commissionCell.textContent = extra ? formatCents(extra.commission) : ""; }
      if (!preview) { return; }
      if (!extra) { preview.classList.add("d-none"); return; }
      var next = figures(rows.concat([extra]));
      show("tx-preview-total", next.total); show("tx-preview-commission", next.commission); show("tx-preview-profit", next.profit);
      preview.classList.remove("d-none");
    }

    function parseSigned(text) {
      text = String(text);
      var cents = parseCents(text.replace(/^-/, ""));
      return cents !== null && text.charAt(0) === "-" ? -cents : cents;
    }

    function serverFigures(data) {
      // The server is the authority: if the preview ever disagrees, its numbers win.
      ["total", "commission", "profit"].forEach(function (name) {
        var cents = parseSigned(data[name]);
        if (cents !== null) { show("tx-" + name, cents); }
      });
    }

    function showErrors(data) {
      if (!errorsCell) { return; }
      var messages = [data.message].concat(Object.keys(data.errors || {}).map(function (k) { return data.errors[k]; }));
      errorsCell.textContent = messages.filter(Boolean).join(" ");
    }

    function post(form) {
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return { ok: false }; });
      });
    }

    function cell(text, className) {
      var td = document.createElement("td");
      td.textContent = text;
      if (className) { td.className = className; }
      return td;
    }

    function removeForm(id) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = addForm.action + "/" + id + "/delete";
      form.className = "js-tx-remove d-inline";
      var token = addForm.querySelector('input[name="csrf_token"]').cloneNode();
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "btn btn-sm btn-outline-danger";
      button.textContent = panel.getAttribute("data-msg-remove") || "×";
      form.appendChild(token); form.appendChild(button);
      return form;
    }

    function appendRow(row) {
      var tr = document.createElement("tr");
      tr.className = "tx-row";
      tr.setAttribute("data-id", row.id);
      tr.setAttribute("data-type", row.type);
      tr.setAttribute("data-amount", row.amount);
      tr.setAttribute("data-commission", row.commission);
      var rate = row.commission_kind === "percent" ? row.commission_rate + " %"
        : formatCents(parseCents(row.commission_rate)) + " (" + (panel.getAttribute("data-msg-fixed") || "") + ")";
      [cell(row.date, "text-nowrap"), cell(typeLabels[row.type] || row.type_label),
       cell(formatCents(parseCents(row.amount)), "text-right text-nowrap"), cell(rate, "text-nowrap"),
       cell(formatCents(parseCents(row.commission)), "text-right text-nowrap"), cell(row.note, "text-break")]
        .forEach(function (td) { tr.appendChild(td); });
      var actions = cell("", "text-right");
      actions.appendChild(removeForm(row.id));
      tr.appendChild(actions);
      tbody.appendChild(tr);
    }

    if (addForm) {
      addForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = document.getElementById("tx-add-button");
        if (button) { button.disabled = true; }
        post(addForm).then(function (data) {
          if (!data.ok) { showErrors(data); return; }
          appendRow(data.row);
          field("amount").value = ""; field("note").value = "";
          errorsCell.textContent = "";
          refresh(); serverFigures(data.figures);
        }).catch(function () {
          errorsCell.textContent = panel.getAttribute("data-msg-failed");
        }).finally(function () { if (button) { button.disabled = false; } });
      });
      ["input", "change"].forEach(function (name) {
        document.getElementById("tx-new").addEventListener(name, refresh);
      });
    }

    panel.addEventListener("submit", function (event) {
      var form = event.target.closest(".js-tx-remove");
      if (!form) { return; }
      event.preventDefault();
      if (!window.confirm(panel.getAttribute("data-msg-confirm"))) { return; }
      post(form).then(function (data) {
        if (!data.ok) { showErrors(data); return; }
        var tr = form.closest("tr");
        if (tr) { tr.parentNode.removeChild(tr); }
        refresh(); serverFigures(data.figures);
      }).catch(function () {
        if (errorsCell) { errorsCell.textContent = panel.getAttribute("data-msg-failed"); }
      });
    });

    refresh();
  }
  root.kartotekaTransactions = init;
  init(document.getElementById("transactions"));
})(typeof window !== "undefined" ? window : this);
