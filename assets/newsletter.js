// Live preview of a newsletter issue while staff write it. The server renders it with the same
// Markdown renderer and HTML sanitizer as the mail itself, so the preview is what is sent.
(function () {
  "use strict";
  var area = document.getElementById("f-body_markdown");
  var htmlBox = document.getElementById("live-preview-html");
  var textBox = document.getElementById("live-preview-text");
  if (!area || !htmlBox || !textBox || !area.form) return;
  var token = area.form.querySelector('input[name="csrf_token"]');
  var timer = null;
  function update() {
    var data = new URLSearchParams();
    data.set("body_markdown", area.value);
    fetch("/staff/newsletter/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token ? token.value : "" },
      body: data
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (j) {
          htmlBox.innerHTML = j.html; // sanitized by the server (ammonia)
          textBox.textContent = j.text;
        }
      })
      .catch(function () {});
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
})();
