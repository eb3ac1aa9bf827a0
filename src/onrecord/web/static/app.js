// onrecord: the one script, and only a convenience. Every page works without it.
// It adds a "Copy citation" button under a statement's citation line.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var citation = document.getElementById("citation");
  if (!citation || !navigator.clipboard) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy citation";
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(citation.textContent).then(function () {
      button.textContent = "Copied";
    });
  });
  citation.insertAdjacentElement("afterend", button);
});
