// Runs in <head>: marks that JavaScript is on, so CSS can keep the menu usable when it is off.
document.documentElement.classList.replace("no-js", "js");
