/* A forum topic's page: reports how far the reader has read (the highest message seen, every 2 s at
   most), keeps each message's "read by N of M" current when others read, shows who read a message
   on click, and adds new messages as they are posted (the socket names them; the page fetches the
   message's HTML). */
(function () {
  "use strict";
  var page = document.getElementById("forum-topic");
  if (!page) { return; }
  var list = document.getElementById("forum-posts");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var topicId = Number(page.dataset.topicId);
  var readTo = Number(page.dataset.readTo || 0);
  var seen = readTo;
  var reportTimer = null;
  var receiptsTimer = null;

  function report() {
    reportTimer = null;
    if (seen <= readTo) { return; }
    var sending = seen;
    var body = new URLSearchParams();
    body.set("post", String(sending));
    fetch(page.dataset.readUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.read_to > readTo) { readTo = data.read_to; } });
  }

  function saw(postId) {
    if (postId > seen) {
      seen = postId;
      if (reportTimer === null) { reportTimer = window.setTimeout(report, 2000); }
    }
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { saw(Number(entry.target.dataset.postId)); }
    });
  }, { threshold: 0.5 }) : null;

  function watch(article) {
    if (observer) { observer.observe(article); } else { saw(Number(article.dataset.postId)); }
  }

  function countText(n, m) {
    return page.dataset.countLabel.replace("{n}", String(n)).replace("{m}", String(m));
  }

  function refreshReceipts() {
    receiptsTimer = null;
    var ids = Array.prototype.map.call(list.querySelectorAll(".forum-post"), function (el) { return el.dataset.postId; });
    if (!ids.length) { return; }
    fetch(page.dataset.receiptsUrl + "?posts=" + ids.join(","), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.posts).forEach(function (postId) {
          var button = list.querySelector('#post-' + postId + ' .forum-receipt');
          if (!button) { return; }
          var counts = data.posts[postId];
          button.dataset.read = counts[0];
          button.dataset.of = counts[1];
          button.textContent = countText(counts[0], counts[1]);
        });
      });
  }

  function fetchPost(postId) {
    var url = page.dataset.fragmentUrl.replace("/0/fragment", "/" + postId + "/fragment");
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) { return null; }
      var holder = document.createElement("div");
      holder.innerHTML = html;
      return holder.querySelector(".forum-post");
    });
  }

  function names(label, people) {
    var line = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = label + " ";
    line.appendChild(strong);
    line.appendChild(document.createTextNode(people.join(", ")));
    return line;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".forum-receipt");
    if (!button) { return; }
    var box = button.closest(".forum-post").querySelector(".forum-readers");
    if (!box.classList.contains("d-none")) {
      box.classList.add("d-none");
      button.setAttribute("aria-expanded", "false");
      return;
    }
    fetch(button.dataset.readersUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        box.textContent = "";
        if (data.read.length) { box.appendChild(names(page.dataset.readLabel, data.read)); }
        else { box.appendChild(document.createTextNode(page.dataset.noReaders)); }
        if (data.unread && data.unread.length) { box.appendChild(names(page.dataset.unreadLabel, data.unread)); }
        box.classList.remove("d-none");
        button.setAttribute("aria-expanded", "true");
      });
  });

  Array.prototype.forEach.call(list.querySelectorAll(".forum-post"), watch);

  var socket = window.kartotekaSocket;
  if (!socket) { return; }
  function join() {
    socket.emit("join", { room: page.dataset.room }, function (reply) {
      if (reply && reply.ok) { page.dataset.joined = "1"; }
    });
  }
  socket.on("connect", join);
  if (socket.connected) { join(); }

  socket.on("forum_post", function (data) {
    if (data.topic_id !== topicId) { return; }
    var existing = document.getElementById("post-" + data.post_id);
    if (!existing && page.dataset.more === "1") { return; }
    fetchPost(data.post_id).then(function (article) {
      if (!article) { return; }
      var now = document.getElementById("post-" + data.post_id);
      if (now) { now.replaceWith(article); } else { list.appendChild(article); }
      watch(article);
    });
  });

  socket.on("forum_read", function (data) {
    if (data.topic_id !== topicId || receiptsTimer !== null) { return; }
    receiptsTimer = window.setTimeout(refreshReceipts, 300);
  });
})();
