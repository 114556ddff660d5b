/* Every admin page. Progressive enhancement only: without JavaScript the switcher has its
   own button, and an over-long text is refused by the server with the same numbers. */
"use strict";
(function () {
  document.documentElement.classList.add("js");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function attachCounter(area) {
    const max = parseInt(area.dataset.fcMaxlength, 10);
    if (!max) { return; }
    const counter = document.createElement("p");
    counter.className = "fc-counter";
    counter.setAttribute("aria-live", "polite");
    if (area.id) { counter.id = area.id + "-counter"; area.setAttribute("aria-describedby", counter.id); }
    area.insertAdjacentElement("afterend", counter);
    const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    const update = function () {
      const count = area.value.length;
      const over = count > max;
      const template = over ? area.dataset.fcOver : area.dataset.fcCount;
      counter.textContent = format(template, {
        count: numbers.format(count), max: numbers.format(max), over: numbers.format(count - max),
      });
      counter.classList.toggle("fc-counter-over", over);
      area.setAttribute("aria-invalid", over ? "true" : "false");
    };
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-fc-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("textarea[data-fc-maxlength]").forEach(attachCounter);
  });
})();
