// Keep the release packet's progress current while the Celery job builds it.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.querySelector("[data-packet-progress]");
  if (!holder) { return; }
  var state = holder.getAttribute("data-packet-state");
  if (state !== "queued" && state !== "building") { return; }
  var timer = setInterval(function () {
    fetch(holder.getAttribute("data-packet-progress"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.state) { return; }
        var bar = holder.querySelector("progress");
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        holder.lastChild.textContent = " " + data.progress + "%";
        holder.firstChild.textContent = data.label + ": ";
        if (data.state === "ready" || data.state === "failed") {
          clearInterval(timer);
          window.location.reload();
        }
      });
  }, 2000);
});

// Redaction page: drag across the page image to mark an area (its numbers fill the form), or
// type the numbers and see the box on the page. Positions are percent of the page, so they do
// not depend on the size the image is shown at.
document.addEventListener("DOMContentLoaded", function () {
  var stage = document.querySelector("[data-redact-stage]");
  if (!stage) { return; }
  var fields = {};
  ["left", "top", "width", "height"].forEach(function (name) {
    fields[name] = document.getElementById("id_area-" + name);
  });
  if (!fields.left) { return; }
  var box = document.createElement("div");
  box.className = "records-redact-box";
  box.hidden = true;
  stage.appendChild(box);
  stage.classList.add("records-redact-stage--draw");

  function show(left, top, width, height) {
    if ([left, top, width, height].some(isNaN) || width <= 0 || height <= 0) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.style.left = left + "%";
    box.style.top = top + "%";
    box.style.width = width + "%";
    box.style.height = height + "%";
  }
  function fromFields() {
    show(parseFloat(fields.left.value), parseFloat(fields.top.value),
      parseFloat(fields.width.value), parseFloat(fields.height.value));
  }
  Object.keys(fields).forEach(function (name) {
    fields[name].addEventListener("input", fromFields);
  });
  fromFields();

  function percent(event) {
    var rect = stage.getBoundingClientRect();
    return {
      x: Math.min(Math.max((event.clientX - rect.left) / rect.width * 100, 0), 100),
      y: Math.min(Math.max((event.clientY - rect.top) / rect.height * 100, 0), 100)
    };
  }
  var start = null;
  function area(end) {
    return {
      left: Math.min(start.x, end.x), top: Math.min(start.y, end.y),
      width: Math.abs(end.x - start.x), height: Math.abs(end.y - start.y)
    };
  }
  stage.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    event.preventDefault();
    start = percent(event);
    stage.setPointerCapture(event.pointerId);
  });
  stage.addEventListener("pointermove", function (event) {
    if (!start) { return; }
    var a = area(percent(event));
    show(a.left, a.top, a.width, a.height);
  });
  stage.addEventListener("pointerup", function (event) {
    if (!start) { return; }
    var a = area(percent(event));
    start = null;
    if (a.width < 0.2 || a.height < 0.2) { fromFields(); return; }
    // Round outwards to the hundredth, so the box never shrinks.
    var left = Math.floor(a.left * 100) / 100, top = Math.floor(a.top * 100) / 100;
    fields.left.value = left.toFixed(2);
    fields.top.value = top.toFixed(2);
    fields.width.value = Math.min(Math.ceil((a.left + a.width - left) * 100) / 100, 100 - left).toFixed(2);
    fields.height.value = Math.min(Math.ceil((a.top + a.height - top) * 100) / 100, 100 - top).toFixed(2);
    fromFields();
    var exemption = document.getElementById("id_area-exemption");
    if (exemption) { exemption.focus(); }
  });
});
