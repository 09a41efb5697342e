// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before their form is sent (cancel a registration, send a campaign).
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // After a failed submit, the error summary has the focus (its autofocus works without this
  // file); a form without a summary gets its first field with an error focused instead.
  const summary = document.getElementById("error-summary");
  const invalid = document.querySelector("[aria-invalid='true']");
  if (summary) {
    if (document.activeElement !== summary) {
      summary.focus();
    }
  } else if (invalid) {
    invalid.focus();
  }
});
