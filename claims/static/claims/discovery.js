/* The claim page's discovery panel: while a search for related articles runs, poll its
   job every second and move the progress bar; when it is done, swap in the refreshed
   panel with the new suggestions. No external code; same-origin requests only. */
"use strict";
(function () {
  const POLL_MS = 1000;
  const RETRY_MS = 3000;

  function follow(panel) {
    const box = panel.querySelector(".fc-job");
    if (!box || box.dataset.running !== "1") { return; }
    const bar = box.querySelector("progress");
    const label = box.querySelector(".fc-job-status");

    function refreshPanel() {
      return fetch(panel.dataset.panelUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          const holder = document.createElement("template");
          holder.innerHTML = html.trim();
          const fresh = holder.content.querySelector("#fc-discovery");
          if (fresh) { panel.replaceWith(fresh); }
        });
    }

    function tick() {
      fetch(panel.dataset.jobUrl, {
        credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          const job = data.job;
          if (!job) { return; }
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          label.textContent = job.status_label + " · " + job.progress.done + "/" + job.progress.total;
          box.dataset.status = job.status;
          if (job.running) {
            window.setTimeout(tick, POLL_MS);
          } else {
            box.dataset.running = "0";
            return refreshPanel();
          }
        })
        .catch(function () { window.setTimeout(tick, RETRY_MS); });
    }

    window.setTimeout(tick, POLL_MS);
  }

  function start() { document.querySelectorAll(".fc-discovery").forEach(follow); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
