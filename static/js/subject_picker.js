/* A picker of one subject among the user's (a task's card, a client's referrer), found on the server by what
   was typed (select2 3.5, shipped with Flask-Admin), ten a page from `data-url`. */
(function ($) {
  "use strict";
  $(".subject-picker").each(function () {
    var $el = $(this);
    $el.select2({
      width: "100%",
      allowClear: true,
      placeholder: $el.data("placeholder"),
      minimumInputLength: 2,
      formatNoMatches: function () { return $el.data("no-matches"); },
      formatInputTooShort: function () { return $el.data("too-short"); },
      formatSearching: function () { return $el.data("searching"); },
      ajax: {
        url: $el.data("url"),
        quietMillis: 250,
        data: function (term, page) { return { query: term, page: page }; },
        results: function (rows) {
          return {
            results: rows.map(function (row) { return { id: row[0], text: row[1] }; }),
            more: rows.length === 10
          };
        }
      },
      initSelection: function (element, callback) {
        var chosen = $el.data("chosen");
        callback(chosen ? { id: chosen[0], text: chosen[1] } : null);
      }
    });
  });
})(window.jQuery);
