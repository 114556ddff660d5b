/* The claim page's discovery panel.
   - While a search for related articles runs, poll its job every second and move the
     progress bar; when it is done, swap in the refreshed panel with the new suggestions.
   - Marking (relevant, irrelevant, undo), citing as evidence and "show more" post or fetch
     with X-Fc-Panel: 1 and swap in the panel the server sends back: no page reload.
     Without JavaScript the same forms post and redirect back (progressive enhancement).
   - "Claim and verdict" / "Related articles" tabs, when the page is wide enough to need them.
   No external code; same-origin requests only. */
"use strict";
(function () {
  const POLL_MS = 1000;
  const RETRY_MS = 3000;

  function swap(panel, html) {
    const holder = document.createElement("template");
    holder.innerHTML = html.trim();
    const fresh = holder.content.querySelector("#fc-discovery");
    if (!fresh) { return null; }
    panel.replaceWith(fresh);
    afterSwap(fresh);
    follow(fresh);
    return fresh;
  }

  function afterSwap(panel) {
    const notice = panel.querySelector(".fc-panel-notice");
    if (!notice) { return; }
    // The header's evidence count, and the verdict form's evidence list, follow a citation,
    // so a later Save of the claim form keeps the source instead of dropping it.
    const count = document.querySelector(".fc-evidence-count");
    if (count && notice.dataset.evidenceLabel) { count.textContent = notice.dataset.evidenceLabel; }
    const id = notice.dataset.citedSourceId;
    const select = document.getElementById("id_review-0-evidence");
    if (id && select && !select.querySelector('option[value="' + id + '"]')) {
      const option = new Option(notice.dataset.citedSourceLabel || id, id, true, true);
      select.appendChild(option);
      select.dispatchEvent(new Event("change", { bubbles: true }));
      if (window.django && window.django.jQuery) { window.django.jQuery(select).trigger("change"); }
    } else if (id && select) {
      select.querySelector('option[value="' + id + '"]').selected = true;
    }
  }

  function request(panel, url, options) {
    panel.setAttribute("aria-busy", "true");
    return fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options))
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { return swap(panel, html); })
      .catch(function () { panel.removeAttribute("aria-busy"); return null; });
  }

  function follow(panel) {
    const box = panel.querySelector(".fc-job");
    if (!box || box.dataset.running !== "1") { return; }
    const bar = box.querySelector("progress");
    const label = box.querySelector(".fc-job-status");

    function tick() {
      if (!panel.isConnected) { return; }
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
            return request(panel, panel.dataset.panelUrl, {});
          }
        })
        .catch(function () { window.setTimeout(tick, RETRY_MS); });
    }

    window.setTimeout(tick, POLL_MS);
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const panel = form.closest ? form.closest("#fc-discovery") : null;
    if (!panel || !form.classList.contains("fc-panel-form")) { return; }
    event.preventDefault();
    request(panel, form.action, { method: "POST", body: new FormData(form), headers: { "X-Fc-Panel": "1" } });
  });

  document.addEventListener("click", function (event) {
    const link = event.target.closest ? event.target.closest("a.fc-panel-link") : null;
    const panel = link ? link.closest("#fc-discovery") : null;
    if (!panel) { return; }
    event.preventDefault();
    request(panel, link.dataset.panelHref, {});
  });

  function tabs() {
    const main = document.getElementById("fc-claim-main");
    const side = document.getElementById("fc-claim-side");
    if (!main || !side) { return; }
    const bar = document.createElement("div");
    bar.className = "fc-tabs";
    bar.setAttribute("role", "tablist");
    const panes = [main, side];
    panes.forEach(function (pane, index) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "fc-tab";
      button.id = pane.id + "-tab";
      button.setAttribute("role", "tab");
      button.setAttribute("aria-controls", pane.id);
      button.textContent = pane.dataset.tabLabel;
      pane.setAttribute("role", "tabpanel");
      pane.setAttribute("aria-labelledby", button.id);
      button.addEventListener("click", function () { select(index); });
      bar.appendChild(button);
    });
    function select(index) {
      panes.forEach(function (pane, i) {
        pane.hidden = i !== index;
        bar.children[i].setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", index === 1 ? "#fc-discovery" : window.location.pathname + window.location.search);
      }
    }
    main.parentNode.insertBefore(bar, main);
    select(window.location.hash === "#fc-discovery" ? 1 : 0);
  }

  function start() {
    document.querySelectorAll(".fc-discovery").forEach(follow);
    tabs();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
