// On every public page; the pages work without it.
(function () {
  "use strict";
  // A page reached with #cookie-choice-saved (after a cookie choice): say so in the status
  // region, which was empty when the page loaded, so that screen readers announce it.
  if (window.location.hash === "#cookie-choice-saved") {
    var saved = document.getElementById("cookie-choice-saved");
    var status = document.getElementById("cookie-choice-status");
    if (saved && status) {
      setTimeout(function () {
        status.textContent = saved.textContent;
        // A reload says nothing again.
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }, 150);
    }
  }
  // A confirmation rendered with the page (role=status) is not announced by most screen
  // readers: empty it and fill it again once the page is there.
  document.querySelectorAll("[data-announce]").forEach(function (region) {
    var nodes = Array.prototype.slice.call(region.childNodes);
    region.replaceChildren();
    setTimeout(function () { region.replaceChildren.apply(region, nodes); }, 150);
  });
  // A form sent back with errors: focus its summary, whose links lead to each field.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  document.querySelectorAll("#error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
    });
  });
})();
