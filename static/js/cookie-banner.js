// The cookie banner. Sends the choice without leaving the page; without JavaScript the form
// posts and the server redirects back to the page with #cookie-choice-saved, which shows the
// confirmation (site.css). With JavaScript:
// - the page is padded by the banner's height, so the banner covers nothing one can reach;
// - Escape or the close button hides it for this visit (nothing optional is set until one
//   chooses; the footer's "Cookie settings" stays there);
// - a choice is announced in the page's status region (empty since the page loaded), and
//   focus goes to the page, not to <body>.
(function () {
  "use strict";
  var banner = document.getElementById("cookie-banner");
  var form = document.querySelector("form[data-cookie-banner]");
  if (!banner || !form) return;
  var CLOSED = "cookie-banner-closed";
  var root = document.documentElement;

  function pad() {
    var height = banner.isConnected && !banner.hidden ? banner.offsetHeight : 0;
    document.body.style.paddingBottom = height ? height + "px" : "";
    root.style.scrollPaddingBottom = height ? height + 16 + "px" : "";
  }
  function focusMain() {
    var main = document.getElementById("main");
    if (main) main.focus({ preventScroll: true });
  }
  function close() {
    banner.hidden = true;
    try { sessionStorage.setItem(CLOSED, "1"); } catch (e) { /* storage off: this page only */ }
    pad();
    focusMain();
  }
  function announce(text) {
    var status = document.getElementById("cookie-choice-status");
    if (status) status.textContent = text;
  }

  // Tab can land on a field just above the fold, under the banner: scroll it clear.
  document.addEventListener("focusin", function (event) {
    if (banner.hidden || !banner.isConnected || banner.contains(event.target)) return;
    var rect = event.target.getBoundingClientRect();
    var top = window.innerHeight - banner.offsetHeight - 8;
    if (rect.bottom > top) window.scrollBy(0, rect.bottom - top);
  });
  try { if (sessionStorage.getItem(CLOSED)) banner.hidden = true; } catch (e) { /* ignore */ }
  root.classList.add("cookie-banner-js");  // the CSS fallback padding gives way to pad()
  pad();
  window.addEventListener("resize", pad);

  var closeButton = banner.querySelector("[data-cookie-banner-close]");
  if (closeButton) {
    closeButton.hidden = false;
    closeButton.addEventListener("click", close);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !banner.hidden && banner.isConnected) close();
  });

  if (!window.fetch) return;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.name) return;
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      if (button.value === "accept_all") {
        // The page loads again with the accepted scripts; it says the choice is saved.
        window.history.replaceState(null, "", "#cookie-choice-saved");
        window.location.reload();
        return;
      }
      banner.remove();
      pad();
      focusMain();
      announce(banner.dataset.savedText);
    }).catch(function () {
      // Fall back to the plain form post, keeping which button was pressed.
      var input = document.createElement("input");
      input.type = "hidden"; input.name = button.name; input.value = button.value;
      form.appendChild(input);
      form.submit();
    });
  });
})();
