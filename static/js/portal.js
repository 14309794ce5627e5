// Runs in <head>: marks that JavaScript is on, so CSS can keep the menu usable when it is off.
document.documentElement.classList.replace("no-js", "js");
// Move focus to a form's error summary (portal/forms/error_summary.html), so a screen reader
// announces what to fix first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
