// The tip line's only script. Everything works without it; with it, a form that carries files
// shows an upload progress bar, an error summary or a warning takes the focus after a send, and
// words that could identify the tipster are pointed out while they type and before the form is
// sent (the same rules as the server's, read from the page: tips/cues.py).
(function () {
  "use strict";

  function focusErrors() {
    var summary = document.getElementById("error-summary");
    var warning = document.getElementById("cue-warning");
    if (summary) { summary.focus(); } else if (warning) { warning.focus(); }
  }

  // --- Identifying words: the rules of tips/cues.py, applied the same way ---------------------
  function cueFinder(rules) {
    var compiled = rules.map(function (rule) {
      return { kind: rule.kind, reason: rule.reason, re: new RegExp(rule.pattern, "gi") };
    });
    return function find(text) {
      var found = [];
      compiled.forEach(function (rule) {
        var match;
        rule.re.lastIndex = 0;
        while ((match = rule.re.exec(text || "")) !== null) {
          if (!match[0].length) { rule.re.lastIndex += 1; continue; }
          found.push({
            kind: rule.kind, reason: rule.reason, phrase: match[0],
            start: match.index, end: match.index + match[0].length
          });
        }
      });
      found.sort(function (a, b) {  // stable: ties keep the rules' order, as in Python
        return (a.start - b.start) || ((b.end - b.start) - (a.end - a.start));
      });
      var kept = [];
      found.forEach(function (cue) {
        if (!kept.length || cue.start >= kept[kept.length - 1].end) { kept.push(cue); }
      });
      return kept;
    };
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content) { node.textContent = content; }
    return node;
  }

  function withCues(form) {
    var data = document.getElementById("tip-cue-rules");
    var template = document.getElementById(form.getAttribute("data-cues"));
    if (!data || !template || !template.content || !window.JSON) { return; }
    var config = JSON.parse(data.textContent);
    var find = cueFinder(config.rules);
    window.portalTipCues = { find: find };  // read by the browser test that compares with Python
    var heading = template.content.getElementById("cue-warning-heading");
    var fields = config.fields.map(function (name) {
      return form.querySelector("[name=" + name + "]");
    }).filter(Boolean);

    function labelOf(field) {
      var label = form.querySelector("label[for=" + field.id + "]");
      return label ? label.firstChild.textContent.trim() : field.name;
    }

    // A polite hint under each field, updated when the resident pauses typing.
    fields.forEach(function (field) {
      var hint = text("div", "", "portal-cue-hint");
      hint.id = field.id + "-cues";
      hint.setAttribute("aria-live", "polite");
      field.parentNode.insertBefore(hint, field.nextSibling);
      var timer = null;
      function update() {
        var cues = find(field.value);
        hint.textContent = "";
        if (!cues.length) { return; }
        var box = text("div", "", "usa-alert usa-alert--warning usa-alert--slim usa-alert--no-icon");
        var body = text("div", "", "usa-alert__body");
        body.appendChild(text("p", heading.textContent, "usa-alert__text"));
        var list = text("ul", "", "usa-list");
        cues.forEach(function (cue) {
          var item = text("li");
          item.appendChild(document.createTextNode("\u201c"));
          item.appendChild(text("strong", cue.phrase));
          item.appendChild(document.createTextNode("\u201d: " + cue.reason));
          list.appendChild(item);
        });
        body.appendChild(list);
        box.appendChild(body);
        hint.appendChild(box);
      }
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(update, 700);
      });
      update();
    });

    // Before a send: the same warning as the server's, without a round trip, so chosen files
    // stay chosen. "Send it as it is" goes through.
    // Enter in a one-line field sends the form through its default button, which is "Send it as
    // it is" once the warning shows (it comes first): that is not the resident's choice.
    var implicit = false;
    form.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      if (event.key === "Enter" && (tag === "INPUT" || tag === "SELECT")) {
        implicit = true;
        window.setTimeout(function () { implicit = false; }, 0);
      }
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "send_as_is" && !implicit) { return; }
      var items = [];
      fields.forEach(function (field) {
        find(field.value).forEach(function (cue) { items.push({ field: field, cue: cue }); });
      });
      if (!items.length) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      var warning = document.getElementById("cue-warning");
      if (!warning) {
        template.parentNode.insertBefore(template.content.cloneNode(true), template);
        warning = document.getElementById("cue-warning");
      }
      var list = document.getElementById("cue-warning-list");
      list.textContent = "";
      items.forEach(function (found) {
        var item = text("li");
        var link = text("a", labelOf(found.field));
        link.href = "#" + found.field.id;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" \u201c"));
        item.appendChild(text("strong", found.cue.phrase));
        item.appendChild(document.createTextNode("\u201d: " + found.cue.reason));
        list.appendChild(item);
      });
      var files = document.getElementById("cue-warning-files");
      if (files) { files.hidden = true; }  // the files are still chosen: nothing was sent
      document.getElementById("cue-warning-edit").href = "#" + items[0].field.id;
      warning.focus();
    });
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
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      request.send(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    var forms = document.querySelectorAll("form[data-cues]");
    for (var j = 0; j < forms.length; j += 1) { withCues(forms[j]); }  // first: it may stop a send
    forms = document.querySelectorAll("form[data-progress]");
    for (var i = 0; i < forms.length; i += 1) { withProgress(forms[i]); }
  });
})();
