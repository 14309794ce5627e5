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
