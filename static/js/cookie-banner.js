// Sends the banner's choice without leaving the page; without JavaScript the form posts
// and the server redirects back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-cookie-banner]");
  if (!form || !window.fetch) return;
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
      if (button.value === "accept_all") { window.location.reload(); return; }
      // Say that the choice is saved, then get out of the way.
      var banner = document.getElementById("cookie-banner");
      var status = document.createElement("p");
      status.setAttribute("role", "status");
      status.className = "container mb-0 fw-semibold";
      status.textContent = banner.dataset.savedText;
      banner.replaceChildren(status);
      setTimeout(function () {
        banner.remove();
        var main = document.getElementById("main");
        if (main) { main.setAttribute("tabindex", "-1"); main.focus(); }
      }, 2500);
    }).catch(function () {
      // Fall back to the plain form post, keeping which button was pressed.
      var input = document.createElement("input");
      input.type = "hidden"; input.name = button.name; input.value = button.value;
      form.appendChild(input);
      form.submit();
    });
  });
})();
