// Progressive enhancement for the collection forms; they work without it.
(function () {
  "use strict";
  // Submit once: a double click sends one request (the server also stores it once).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("disabled");
      });
    });
  });
  // Business fields (and the business-only consent) are shown only for a business.
  var business = document.querySelectorAll(".business-fields");
  var kinds = document.querySelectorAll("input[name=kind]");
  function toggle() {
    var checked = document.querySelector("input[name=kind]:checked");
    business.forEach(function (part) {
      part.hidden = !checked || checked.value !== "business";
    });
  }
  kinds.forEach(function (radio) { radio.addEventListener("change", toggle); });
  toggle();
})();
