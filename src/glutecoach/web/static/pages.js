// Small behaviours of the server-rendered pages. Kept out of the HTML so that the
// Content-Security-Policy (web/app.py) can forbid inline script on every page.
(function () {
  "use strict";

  // Analysis page: poll a queued or running analysis and reload when it ends.
  var box = document.getElementById("pending");
  if (box && box.dataset.job) {
    var bar = document.getElementById("bar"), text = document.getElementById("status-text");
    var poll = function () {
      fetch("/api/analyses/" + encodeURIComponent(box.dataset.job), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.status === "done" || j.status === "failed") { location.reload(); return; }
          var pct = Math.round(j.progress * 100);
          bar.value = j.progress;
          bar.textContent = pct + "%";
          text.textContent = j.status === "queued" ? "Waiting to start…" : "Analysing… " + pct + "%";
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 800);
  }

  // Sign-up: fill in the device's time zone (appointments are shown in it).
  var zone = document.getElementById("timezone");
  if (zone && zone.dataset.fromDevice === "1") {
    try { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || zone.value; } catch (e) { /* keep UTC */ }
  }
})();
