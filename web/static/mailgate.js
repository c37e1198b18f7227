// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// "Use template": copy a canned reply into the body field.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-template-target]");
  if (!select) return;
  const option = select.selectedOptions[0];
  const target = document.getElementById(select.dataset.templateTarget);
  if (option && option.dataset.body !== undefined && target) {
    target.value = option.dataset.body + (target.value ? "\n\n" + target.value : "");
  }
});
