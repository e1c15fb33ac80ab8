/* Card transactions: added and removed at once (the details page, the tracker's modal) or kept in
   the card's form and saved with it (the edit page: data-saved="with-the-card"); totals live.
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
    var draft = document.getElementById("tx-new");
    var withTheCard = panel.getAttribute("data-saved") === "with-the-card";
    var tbody = document.getElementById("tx-rows");
    var errorsCell = document.getElementById("tx-errors");
    var typeLabels = JSON.parse(panel.getAttribute("data-type-labels") || "{}");

    function field(name) { return draft ? draft.querySelector('[name="' + name + '"]') : null; }

    function rowCommission(tr) {
      if (!tr.classList.contains("tx-pending")) { return parseCents(tr.getAttribute("data-commission")); }
      var amount = parseCents(tr.getAttribute("data-amount")), rate = parseCents(tr.getAttribute("data-rate"));
      return amount === null || rate === null ? 0n : commissionCents(amount, tr.getAttribute("data-kind"), rate);
    }

    function currentRows() {
      return Array.prototype.map.call(tbody.querySelectorAll("tr.tx-row:not(.tx-removed)"), function (tr) {
        return { type: tr.getAttribute("data-type"), amount: parseCents(tr.getAttribute("data-amount")) || 0n, commission: rowCommission(tr) };
      });
    }

    function newRow() {
      if (!draft) { return null; }
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
      Array.prototype.forEach.call(tbody.querySelectorAll("tr.tx-pending .tx-pending-commission"), function (td) {
        td.textContent = formatCents(rowCommission(td.closest("tr")));
      });
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

    // A row of the table: its data-* attributes, its cells, and the cell of its actions.
    function rowElement(className, data, cells, actions) {
      var tr = document.createElement("tr");
      tr.className = className;
      Object.keys(data).forEach(function (name) { tr.setAttribute("data-" + name, data[name]); });
      cells.concat([actions]).forEach(function (td) { tr.appendChild(td); });
      tbody.appendChild(tr);
      return tr;
    }

    function appendRow(row) {
      var actions = cell("", "text-right");
      actions.appendChild(removeForm(row.id));
      rowElement("tx-row", { id: row.id, type: row.type, amount: row.amount, commission: row.commission },
        [cell(row.date, "text-nowrap"), cell(typeLabels[row.type] || row.type_label),
         cell(formatCents(parseCents(row.amount)), "text-right text-nowrap"), cell(rateText(row.commission_kind, row.commission_rate), "text-nowrap"),
         cell(formatCents(parseCents(row.commission)), "text-right text-nowrap"), cell(row.note, "text-break")], actions);
    }

    function rateText(kind, rate) {
      return kind === "percent" ? rate + " %" : formatCents(parseCents(rate)) + " (" + (panel.getAttribute("data-msg-fixed") || "") + ")";
    }

    // The edit page: a new row joins the form as hidden fields; a removed one is marked, kept until Save.
    var nextKey = tbody.querySelectorAll("tr.tx-pending").length;

    function addPending() {
      var row = newRow();
      if (!row || !field("date").value) { errorsCell.textContent = panel.getAttribute("data-msg-amount"); return; }
      var values = {};
      ["date", "type", "amount", "commission_kind", "commission_rate", "note"].forEach(function (name) { values[name] = field(name).value; });
      var dateCell = cell(values.date + " ", "text-nowrap"), badge = document.createElement("span");
      badge.className = "badge badge-info"; badge.textContent = panel.getAttribute("data-msg-pending");
      dateCell.appendChild(badge);
      var actions = cell("", "text-right"), key = nextKey++;
      Object.keys(values).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "tx_new-" + key + "-" + name; input.value = values[name];
        actions.appendChild(input);
      });
      var drop = document.createElement("button");
      drop.type = "button"; drop.className = "btn btn-sm btn-outline-danger js-tx-drop";
      drop.textContent = panel.getAttribute("data-msg-remove");
      actions.appendChild(drop);
      rowElement("tx-row tx-pending",
        { type: values.type, amount: values.amount, kind: values.commission_kind, rate: values.commission_rate },
        [dateCell, cell(typeLabels[values.type] || values.type), cell(formatCents(row.amount), "text-right text-nowrap"),
         cell(rateText(values.commission_kind, values.commission_rate), "text-nowrap"),
         cell(formatCents(row.commission), "text-right text-nowrap"), cell(values.note, "text-break")], actions);
      field("amount").value = ""; field("note").value = "";
      errorsCell.textContent = "";
      refresh();
    }

    function toggleRemoved(button) {
      var tr = button.closest("tr"), kept = tr.querySelector('input[name="tx_remove"]');
      if (kept) {
        kept.remove(); tr.classList.remove("tx-removed");
        button.textContent = panel.getAttribute("data-msg-remove");
      } else {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "tx_remove"; input.value = tr.getAttribute("data-id");
        button.parentNode.appendChild(input); tr.classList.add("tx-removed");
        button.textContent = panel.getAttribute("data-msg-keep");
      }
      refresh();
    }

    if (withTheCard && draft) {
      document.getElementById("tx-add-button").addEventListener("click", addPending);
      ["input", "change"].forEach(function (name) { draft.addEventListener(name, refresh); });
      panel.addEventListener("click", function (event) {
        var mark = event.target.closest(".js-tx-mark"), drop = event.target.closest(".js-tx-drop");
        if (mark) { toggleRemoved(mark); }
        if (drop) { drop.closest("tr").remove(); refresh(); }
      });
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
