/* A client's chat (the Chat tab of his page): the latest messages, then the earlier ones on demand;
   new ones arrive on the socket room `client_chat:<id>` (`chat_message` names the id, the page fetches
   what it has not shown); `chat_read` moves a reader's watermark and the receipts ("read by N of M",
   names on click) are worked out here from the watermarks; `chat_typing` shows who is writing;
   `room_closed` means the person lost the chat. */
(function () {
  "use strict";
  var panel = document.getElementById("client-chat");
  if (!panel) { return; }
  var socket = window.kartotekaSocket;
  var list = document.getElementById("chat-messages");
  var empty = document.getElementById("chat-empty");
  var earlier = document.getElementById("chat-earlier");
  var form = document.getElementById("chat-form");
  var body = document.getElementById("chat-body");
  var typing = document.getElementById("chat-typing");
  var errorBox = document.getElementById("chat-error");
  var clientId = Number(panel.dataset.clientId);
  var me = Number(panel.dataset.me);
  var room = panel.dataset.room;
  var url = panel.dataset.messagesUrl;
  var firstId = null, lastId = 0, reads = {}, participants = [], fetching = false, again = false;
  var closed = false, typingTimer = null, lastTypingSent = 0, readSent = 0;

  function csrf() { return form.querySelector('input[name="csrf_token"]').value; }

  function nodesOf(items) {
    var box = document.createElement("div");
    items.forEach(function (item) { box.insertAdjacentHTML("beforeend", item.html); });
    return Array.prototype.slice.call(box.children);
  }

  function remember(data) {
    participants = data.participants || participants;
    Object.keys(data.reads || {}).forEach(function (id) {
      reads[id] = Math.max(reads[id] || 0, data.reads[id]);
    });
  }

  function receipts() {
    Array.prototype.forEach.call(list.querySelectorAll(".chat-message"), function (node) {
      var id = Number(node.dataset.messageId), author = Number(node.dataset.authorId);
      var others = participants.filter(function (p) { return p.id !== author; });
      var readers = others.filter(function (p) { return (reads[String(p.id)] || 0) >= id; });
      var button = node.querySelector(".chat-receipt");
      var names = node.querySelector(".chat-readers");
      if (!others.length) { button.hidden = true; return; }
      button.hidden = false;
      button.textContent = (readers.length === others.length ? "✓✓ " : "✓ ") +
        panel.dataset.readText.replace("{n}", readers.length).replace("{m}", others.length);
      names.textContent = readers.map(function (p) { return p.name; }).join(", ");
    });
  }

  function markRead() {
    if (closed || document.hidden || lastId <= readSent) { return; }
    readSent = lastId;
    var data = new FormData();
    data.append("csrf_token", csrf());
    data.append("message_id", String(lastId));
    fetch(panel.dataset.readUrl, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      var badge = document.querySelector(".tab-badge-chat");
      if (response.ok && badge) { badge.remove(); }  // the tab's unread count: all read now
    });
  }

  function load(query) {
    return fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) { lose(); return null; }
        return response.ok ? response.json() : null;
      });
  }

  function latest() {
    load("").then(function (data) {
      if (!data) { return; }
      remember(data);
      nodesOf(data.messages).forEach(function (node) { list.appendChild(node); });
      if (data.messages.length) {
        firstId = data.messages[0].id;
        lastId = data.messages[data.messages.length - 1].id;
      }
      earlier.hidden = !data.more_before;
      empty.hidden = data.messages.length > 0;
      receipts();
      list.scrollTop = list.scrollHeight;
      markRead();
    });
  }

  function newer() {
    if (fetching) { again = true; return; }
    fetching = true;
    load("?after=" + lastId).then(function (data) {
      fetching = false;
      if (!data) { return; }
      remember(data);
      var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
      data.messages.forEach(function (item, index) {
        if (item.id > lastId) {
          list.appendChild(nodesOf([item])[0]);
          lastId = item.id;
          if (firstId === null) { firstId = item.id; }
        }
        return index;
      });
      empty.hidden = lastId > 0;
      receipts();
      if (atBottom) { list.scrollTop = list.scrollHeight; }
      markRead();
      if (again) { again = false; newer(); }
    });
  }

  earlier.addEventListener("click", function () {
    if (firstId === null) { return; }
    load("?before=" + firstId).then(function (data) {
      if (!data) { return; }
      remember(data);
      var height = list.scrollHeight;
      var anchor = list.querySelector(".chat-message");
      nodesOf(data.messages).forEach(function (node) { list.insertBefore(node, anchor); });
      if (data.messages.length) { firstId = data.messages[0].id; }
      earlier.hidden = !data.more_before;
      receipts();
      list.scrollTop = list.scrollHeight - height;
    });
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".chat-receipt");
    if (!button) { return; }
    var names = button.parentNode.querySelector(".chat-readers");
    names.hidden = !names.hidden || !names.textContent;
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (closed) { return; }
    errorBox.textContent = "";
    var send = document.getElementById("chat-send");
    send.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; },
                                    function () { return { ok: false, data: {} }; });
      })
      .then(function (result) {
        send.disabled = false;
        if (!result.ok) { errorBox.textContent = result.data.message || panel.dataset.failedText; return; }
        form.reset();
        newer();
      }, function () {
        send.disabled = false;
        errorBox.textContent = panel.dataset.failedText;
      });
  });

  body.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); }
  });
  body.addEventListener("input", function () {
    var now = Date.now();
    if (socket && !closed && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      socket.emit("chat_typing", { client_id: clientId });
    }
  });

  function lose() {
    if (closed) { return; }
    closed = true;
    panel.innerHTML = "";
    var note = document.createElement("p");
    note.className = "alert alert-warning";
    note.id = "chat-closed";
    note.textContent = panel.dataset.closedText;
    panel.appendChild(note);
  }

  document.addEventListener("visibilitychange", markRead);

  if (socket) {
    var join = function () {
      socket.emit("join", { room: room }, function (answer) {
        if (answer && answer.ok === false) { lose(); } else { panel.dataset.joined = "1"; }
      });
    };
    socket.on("connect", function () { join(); if (lastId) { newer(); } });
    if (socket.connected) { join(); }
    socket.on("chat_message", function (data) {
      if (data.client_id !== clientId) { return; }
      window.clearTimeout(typingTimer);  // whoever was writing has sent it
      typing.innerHTML = "&nbsp;";
      if (data.message_id > lastId) { newer(); }
    });
    socket.on("chat_read", function (data) {
      if (data.client_id !== clientId) { return; }
      reads[String(data.user_id)] = Math.max(reads[String(data.user_id)] || 0, data.message_id);
      receipts();
    });
    socket.on("chat_typing", function (data) {
      if (data.client_id !== clientId) { return; }
      typing.textContent = panel.dataset.typingText.replace("{name}", data.name);
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(function () { typing.innerHTML = "&nbsp;"; }, 4000);
    });
    socket.on("room_closed", function (data) { if (data.room === room) { lose(); } });
  }
  latest();
})();
