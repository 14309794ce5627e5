// Street suggestions for the address field: the town's streets that match what is typed, with
// the house number typed. The form works the same without this (the server suggests streets
// when an address is not found).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var form = document.querySelector("form[data-street-url]");
    if (!form) { return; }
    var input = form.querySelector("input[name=address]");
    var list = document.getElementById("street-suggestions");
    if (!input || !list) { return; }
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var typed = input.value.trim();
        if (typed.length < 3 || typed === last) { return; }
        last = typed;
        var url = form.getAttribute("data-street-url") + "?q=" + encodeURIComponent(typed);
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { streets: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            data.streets.forEach(function (street) {
              var option = document.createElement("option");
              option.value = street.label;
              var about = [street.neighborhood, street.numbers].filter(Boolean).join(", ");
              if (about) { option.label = street.label + " (" + about + ")"; }
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience; the form works without */ });
      }, 250);
    });
  });
})();
