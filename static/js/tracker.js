/* Task tracker: columns with keyset paging, the move modal, drag and drop, live updates. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var messages = document.getElementById("board-messages").dataset;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var template = document.getElementById("task-template");
  var $modal = window.jQuery("#move-modal");
  var modalContent = document.getElementById("move-modal-content");

  function url(kind, id, extra) {
    var base = board.dataset[kind + "Url"].replace(/\/0(\/|\?|$)/, "/" + id + "$1");
    if (!extra) { return base; }
    return base + (base.indexOf("?") === -1 ? "?" : "&") + extra;
  }

  function columnBody(stageId) {
    return board.querySelector('.board-column[data-stage-id="' + stageId + '"] .board-column-body');
  }

  function renderTask(row) {
    var item = template.content.firstElementChild.cloneNode(true);
    item.dataset.subjectId = row.subject_id;
    item.dataset.taskId = row.task_id;
    item.classList.toggle("task-overdue", !!row.overdue);
    item.querySelector(".task-title").textContent = row.title;
    item.querySelector(".task-detail").textContent = row.detail;
    item.querySelector(".task-assignee").textContent = row.assignee;
    item.querySelector(".task-deadline").textContent = row.deadline;
    return item;
  }

  function setEmpty(body) {
    var column = body.parentElement;
    var empty = column.querySelector(".board-empty");
    if (!body.children.length && !empty) {
      empty = document.createElement("p");
      empty.className = "board-empty";
      empty.textContent = messages.empty;
      column.appendChild(empty);
    } else if (body.children.length && empty) {
      empty.remove();
    }
  }

  function loadColumn(stageId, append) {
    var body = columnBody(stageId);
    if (!body) { return Promise.resolve(); }
    var cursor = append ? body.dataset.cursor : "";
    if (append && !cursor) { return Promise.resolve(); }
    body.dataset.loading = "1";
    return fetch(url("column", stageId, cursor ? "after=" + encodeURIComponent(cursor) : ""), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!append) { body.innerHTML = ""; }
        data.rows.forEach(function (row) { body.appendChild(renderTask(row)); });
        body.dataset.cursor = data.next || "";
        delete body.dataset.loading;
        setEmpty(body);
        watchEnd(body);
      })
      .catch(function () {
        delete body.dataset.loading;
        window.setTimeout(function () { watchEnd(body); }, 5000);
      });
  }

  // Keyset paging: the first page comes with the HTML; the next one when a column's last task comes
  // into sight, whether the column scrolls, the page scrolls (narrow screens) or it is not long
  // enough to scroll at all.
  var watched = new WeakMap();
  var endWatcher = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var body = entry.target.parentElement;
      if (!entry.isIntersecting || !body || watched.get(body) !== entry.target) { return; }
      endWatcher.unobserve(entry.target);
      watched.delete(body);
      if (body.dataset.cursor && !body.dataset.loading) { loadColumn(body.parentElement.dataset.stageId, true); }
    });
  }, { rootMargin: "0px 0px 120px 0px" });

  function watchEnd(body) {
    var last = watched.get(body);
    if (last) { endWatcher.unobserve(last); watched.delete(body); }
    if (body.dataset.cursor && body.lastElementChild) {
      watched.set(body, body.lastElementChild);
      endWatcher.observe(body.lastElementChild);
    }
  }

  function applyCounts(counts) {
    board.querySelectorAll("[data-count-for]").forEach(function (badge) {
      badge.textContent = counts[badge.dataset.countFor] || 0;
    });
  }

  function refreshCounts() {
    return fetch(board.dataset.countsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(applyCounts);
  }

  board.querySelectorAll(".board-column-body").forEach(watchEnd);

  function showErrors(form, data) {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; el.style.display = ""; });
    var box = form.querySelector("#move-message");
    box.textContent = data.message || messages.failed;
    box.classList.remove("d-none");
    Object.keys(data.errors || {}).forEach(function (name) {
      var feedback = form.querySelector('[data-error-for="' + name + '"]');
      var input = form.querySelector('[name="field.' + name + '"]');
      if (feedback) { feedback.textContent = data.errors[name]; feedback.style.display = "block"; }
      if (input) { input.classList.add("is-invalid"); }
    });
  }

  function openModal(subjectId, toStage) {
    fetch(url("modal", subjectId, toStage ? "to=" + toStage : ""), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        modalContent.innerHTML = html;
        var form = modalContent.querySelector("#move-form");
        if (form) { showConditionalFields(form); }
        if (window.kartotekaTransactions) { window.kartotekaTransactions(modalContent.querySelector("#transactions")); }
        $modal.modal("show");
      })
      .catch(function () { window.alert(messages.failed); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "move-form") { return; }
    event.preventDefault();
    var button = event.submitter || form.querySelector('button[value="move"]');
    var action = button.value === "step" ? "step" : "move";
    button.disabled = true;
    fetch(url(action, form.dataset.subjectId), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: new FormData(form)
    })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (result) {
        button.disabled = false;
        if (!result.ok) { showErrors(form, result.data); return; }
        $modal.modal("hide");
        refreshAfterMove(result.data);
        if (action === "move") { offerUndo(result.data); } else if (result.data.message) { tell(result.data.message); }
      })
      .catch(function () { button.disabled = false; showErrors(form, {}); });
  });

  function tell(text) {
    var notice = document.getElementById("board-notice");
    notice.textContent = text;
    notice.classList.remove("d-none");
    window.clearTimeout(tell.timer);
    tell.timer = window.setTimeout(function () { notice.classList.add("d-none"); }, 8000);
  }

  // After a move, its mover may take it back for a few seconds (the engine's undo, in the history).
  var UNDO_SHOWN_MS = 10000;
  function offerUndo(change) {
    var notice = document.getElementById("board-notice");
    notice.textContent = messages.moved + " ";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "btn btn-sm btn-outline-dark ml-2";
    undo.id = "board-undo";
    undo.textContent = messages.undo;
    undo.addEventListener("click", function () {
      undo.disabled = true;
      var body = new FormData();
      body.append("version", change.version);
      fetch(url("undo", change.subject_id), {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
      })
        .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
        .then(function (result) {
          notice.textContent = result.ok ? messages.undone : (result.data.message || messages.failed);
          if (result.ok) { refreshAfterMove(result.data); }
        })
        .catch(function () { notice.textContent = messages.failed; });
    });
    notice.appendChild(undo);
    notice.classList.remove("d-none");
    window.clearTimeout(offerUndo.timer);
    offerUndo.timer = window.setTimeout(function () { notice.classList.add("d-none"); }, UNDO_SHOWN_MS);
  }

  // A field required only on another field's answer shows with that answer ("answer_received=yes"),
  // one asked only on the move to a stage with that target ("to=lost"); a move back asks for none of
  // the stage's fields.
  function showConditionalFields(form) {
    var target = form.querySelector("#move-to");
    var chosen = target && target.selectedOptions[0];
    var back = !!(chosen && chosen.dataset.back);
    form.querySelectorAll(".modal-body > .form-group").forEach(function (group) {
      if (group.contains(target)) { return; }
      var condition = group.dataset.shownIf ? group.dataset.shownIf.split("=") : null;
      var wanted = condition && condition.slice(1).join("=");
      var value = null;
      if (condition && condition[0] === "to") {
        value = chosen && !chosen.dataset.back ? chosen.dataset.code : null;
      } else if (condition) {
        var source = form.querySelector('[name="field.' + condition[0] + '"]');
        value = source ? source.value : null;
      }
      group.hidden = back || (condition !== null && value !== wanted);
    });
    var note = form.querySelector("#move-back-note");
    if (note) { note.classList.toggle("d-none", !back); }
  }

  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.id === "move-form") { showConditionalFields(event.target.form); }
  });

  // A person field offers the people of the chosen target stage: another target, another list.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (event.target.id !== "move-to" || !form || !form.querySelector("[data-person-field]")) { return; }
    openModal(form.dataset.subjectId, event.target.value);
  });

  function refreshAfterMove(change) {
    var jobs = [loadColumn(change.to, false)];
    if (change.from !== change.to) { jobs.push(loadColumn(change.from, false)); }
    if (change.counts) { applyCounts(change.counts); } else { jobs.push(refreshCounts()); }
    return Promise.all(jobs);
  }

  // Click or Enter opens the modal; dragging a task onto another column opens it with that target.
  board.addEventListener("click", function (event) {
    var task = event.target.closest(".task");
    if (task) { openModal(task.dataset.subjectId, null); }
  });
  board.addEventListener("keydown", function (event) {
    var task = event.target.closest(".task");
    if (task && event.key === "Enter") { openModal(task.dataset.subjectId, null); }
  });
  // A drop where the engine allows no move is refused at once, with the reason; no modal opens.
  var notice = document.getElementById("board-notice");
  function refuseDrop(source, target) {
    notice.textContent = messages.notAllowed.replace("{source}", source.dataset.label).replace("{target}", target.dataset.label);
    notice.classList.remove("d-none");
    window.clearTimeout(refuseDrop.timer);
    refuseDrop.timer = window.setTimeout(function () { notice.classList.add("d-none"); }, 6000);
  }
  board.addEventListener("dragstart", function (event) {
    var task = event.target.closest(".task");
    if (!task) { return; }
    event.dataTransfer.setData("text/plain", task.dataset.subjectId + ":" + task.closest(".board-column").dataset.stageId);
  });
  board.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      var dragged = (event.dataTransfer.getData("text/plain") || "").split(":");
      var subjectId = dragged[0], source = board.querySelector('.board-column[data-stage-id="' + dragged[1] + '"]');
      if (!subjectId || !source || source === column) { return; }
      if (source.dataset.targets.split(" ").indexOf(column.dataset.stageId) === -1) { refuseDrop(source, column); return; }
      notice.classList.add("d-none");
      openModal(subjectId, column.dataset.stageId);
    });
  });

  // "?open=<subject id>" (a task on the home page's "my day") opens that subject's modal at once.
  var opened = new URLSearchParams(window.location.search).get("open");
  if (opened && /^[0-9]{1,18}$/.test(opened)) { openModal(opened, null); }

  // Filters apply at once.
  var filters = document.getElementById("board-filters");
  filters.addEventListener("change", function () { filters.submit(); });

  // Live: join the board's room; every move anywhere refreshes the two columns and the counts.
  var socket = window.kartotekaSocket;
  var live = document.getElementById("board-live");
  if (socket) {
    var join = function () {
      socket.emit("join", { room: board.dataset.room }, function (reply) {
        if (reply && reply.ok) { live.textContent = messages.live; live.className = "board-live badge badge-success mb-1"; }
      });
    };
    socket.on("connect", join);
    if (socket.connected) { join(); }
    socket.on("disconnect", function () { live.textContent = messages.offline; live.className = "board-live badge badge-secondary mb-1"; });
    socket.on("board_changed", function (change) { refreshAfterMove(change); });
  }
})();
