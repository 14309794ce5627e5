// The tip line's only script. Everything works without it; with it, a form that carries files
// shows an upload progress bar, and an error summary takes the focus after a failed send.
(function () {
  "use strict";

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  function withProgress(form) {
    var bar = document.getElementById(form.getAttribute("data-progress"));
    if (!bar || !window.FormData || !window.XMLHttpRequest) { return; }
    form.addEventListener("submit", function (event) {
      var inputs = form.querySelectorAll("input[type=file]");
      var hasFiles = false;
      for (var i = 0; i < inputs.length; i += 1) {
        if (inputs[i].files && inputs[i].files.length) { hasFiles = true; }
      }
      if (!hasFiles) { return; }  // a plain post: nothing to show
      event.preventDefault();
      var progress = bar.querySelector("progress");
      var button = form.querySelector("button[type=submit]");
      bar.hidden = false;
      if (button) { button.disabled = true; }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { progress.value = Math.round((e.loaded / e.total) * 100); }
      });
      request.addEventListener("load", function () {
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        bar.hidden = true;
        if (button) { button.disabled = false; }
        form.submit();
      });
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    var forms = document.querySelectorAll("form[data-progress]");
    for (var i = 0; i < forms.length; i += 1) { withProgress(forms[i]); }
  });
})();
