// Muster: small enhancements over forms that work without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.htmx) { return; }
  // Refused uploads answer 4xx with the page showing the errors: swap those in too.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[234]..", swap: true, error: false },
    { code: "...", swap: true, error: true },
  ];
  // An upload of a large file shows its progress.
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("upload-progress");
    if (bar && event.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });
});
