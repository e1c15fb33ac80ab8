/* Kartoteka page behaviour. No inline scripts: handlers are bound here (CSP). */
(function () {
  "use strict";

  // Flask-Admin's batch actions and delete buttons, without inline onclick.
  // Flask-Admin's "javascript:void(0)" links would be blocked (and reported) by the CSP. Capture
  // phase: Bootstrap's dropdowns stop the click's propagation before it bubbles to the document.
  document.addEventListener(
    "click",
    function (event) {
      if (event.target.closest('a[href^="javascript:"]')) {
        event.preventDefault();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var actionLink = event.target.closest(".js-model-action");
    if (actionLink && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(actionLink.getAttribute("data-action"));
      return;
    }
    var addInline = event.target.closest(".js-add-inline");
    if (addInline && window.faForm) {
      event.preventDefault();
      window.faForm.addInlineField(addInline, addInline.getAttribute("data-field"));
      return;
    }
    var confirmable = event.target.closest(".js-confirm");
    if (confirmable && !window.confirm(confirmable.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A choice that opens its page at once (a period, a filter): the form goes when the choice changes.
  document.addEventListener("change", function (event) {
    var field = event.target.closest(".js-submit-on-change");
    if (field && field.form) {
      field.form.submit();
    }
  });

  // A card's full number, for roles granted it: asked for each time (the reading is logged), shown
  // in place of the masked one, never kept in the page's address or storage.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".js-reveal-number");
    if (!form) { return; }
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      var shown = form.parentNode.querySelector("[data-card-number]");
      if (data.number && shown) {
        shown.textContent = data.number;
        form.remove();
      } else if (data.message) {
        form.replaceWith(document.createTextNode(" " + data.message));
      }
    });
  });

  // The menu's badges: each section's unread notifications beside the link to it.
  function markSections(sections) {
    Array.prototype.forEach.call(document.querySelectorAll(".navbar .nav-link, .navbar .dropdown-item"), function (link) {
      if (link.id === "bell" || (link.getAttribute("href") || "#").charAt(0) === "#") { return; }
      var count = sections[link.pathname || ""] || 0;
      var badge = link.querySelector(".menu-badge");
      if (!count) { if (badge) { badge.remove(); } return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge badge-pill badge-danger ml-1 menu-badge";
        link.appendChild(badge);
      }
      badge.textContent = String(count);
    });
  }
  var bell = document.getElementById("bell");
  if (bell && bell.dataset.sections) { markSections(JSON.parse(bell.dataset.sections)); }

  // One socket per page; when the session ends elsewhere (sign-out, block) go to sign-in.
  if (window.io && document.querySelector('meta[name="csrf-token"]')) {
    var socket = window.io({ transports: ["websocket", "polling"] });
    var signingOut = false;
    var logoutButton = document.getElementById("logout-button");
    if (logoutButton) {
      logoutButton.form.addEventListener("submit", function () { signingOut = true; });
    }
    // The page that signs out gets the event too; its own navigation already goes to /login.
    socket.on("session_ended", function () {
      if (!signingOut) {
        window.location.assign("/login");
      }
    });
    // The bell: the unread count, sent to the person's own room after each change.
    socket.on("notifications", function (data) {
      var count = document.getElementById("bell-count");
      if (!count || typeof data.unread !== "number") { return; }
      count.textContent = data.unread >= 100 ? "99+" : String(data.unread);
      count.classList.toggle("d-none", data.unread === 0);
      markSections(data.sections || {});
    });
    window.kartotekaSocket = socket;
  }
})();
