/* The invoice form: "Add a line" copies the last line empty, numbered on. */
(function () {
  "use strict";
  var button = document.getElementById("add-line");
  var body = document.querySelector("#invoice-lines tbody");
  if (!button || !body) { return; }
  button.addEventListener("click", function () {
    var last = body.lastElementChild;
    var next = body.children.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/^lines-\d+-/, "lines-" + next + "-");
      input.value = "";
      input.classList.remove("is-invalid");
    });
    copy.querySelectorAll(".invalid-feedback").forEach(function (note) { note.remove(); });
    body.appendChild(copy);
    copy.querySelector("input").focus();
  });
})();
