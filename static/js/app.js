// Small behaviours without inline script (the CSP forbids it).
(function () {
  "use strict";
  // Ask before a destructive or state-changing submit: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
  // Every printout of a signed-in user's page is a security event (apps.core.security_views).
  window.addEventListener("beforeprint", function () {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var url = document.body.getAttribute("data-print-log");
    if (!token || !url) {
      return;
    }
    var body = new URLSearchParams();
    body.append("path", window.location.pathname + window.location.search);
    body.append("title", document.title);
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token.value },
      credentials: "same-origin",
      keepalive: true,
    });
  });
  // htmx sends the CSRF token from the meta-less cookie-free template: read it from the form.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
})();
