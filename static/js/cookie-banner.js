// Sends the banner's choice without leaving the page; without JavaScript the form posts
// and the server redirects back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-cookie-banner]");
  if (!form || !window.fetch) return;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button) return;
    event.preventDefault();
    var data = new FormData(form);
    data.append(button.name, button.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) { form.submit(); return; }
      if (data.get("action") === "accept_all") { window.location.reload(); return; }
      document.getElementById("cookie-banner").remove();
      var main = document.getElementById("main");
      if (main) { main.setAttribute("tabindex", "-1"); main.focus(); }
    }).catch(function () { form.submit(); });
  });
})();
