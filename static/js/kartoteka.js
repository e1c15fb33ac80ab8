/* Kartoteka page behaviour. No inline scripts: handlers are bound here (CSP). */
(function () {
  "use strict";

  // Flask-Admin's batch actions and delete buttons, without inline onclick.
  document.addEventListener("click", function (event) {
    var actionLink = event.target.closest(".js-model-action");
    if (actionLink && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(actionLink.getAttribute("data-action"));
      return;
    }
    var confirmable = event.target.closest(".js-confirm");
    if (confirmable && !window.confirm(confirmable.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // One socket per page; when the session ends elsewhere (sign-out, block) go to sign-in.
  if (window.io && document.querySelector('meta[name="csrf-token"]')) {
    var socket = window.io({ transports: ["websocket", "polling"] });
    socket.on("session_ended", function () { window.location.assign("/login"); });
    window.kartotekaSocket = socket;
  }
})();
