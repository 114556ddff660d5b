/* Claim page: confirm destructive workflow steps, and warn before a workflow button
   throws away unsaved edits in the claim form. */
"use strict";
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    const claimForm = document.getElementById("claim_form");
    const workflow = document.querySelector(".fc-workflow");
    let dirty = false;
    if (claimForm) {
      const markDirty = function () { dirty = true; };
      claimForm.addEventListener("input", markDirty);
      claimForm.addEventListener("change", markDirty);
      claimForm.addEventListener("submit", function () { dirty = false; });
    }
    document.querySelectorAll(".fc-workflow form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        const button = form.querySelector("[data-fc-confirm]");
        const questions = [];
        if (button) { questions.push(button.dataset.fcConfirm); }
        if (dirty && workflow) { questions.push(workflow.dataset.fcUnsaved); }
        if (questions.length && !window.confirm(questions.join("\n\n"))) {
          event.preventDefault();
        }
      });
    });
  });
})();
