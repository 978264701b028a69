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
  // htmx sends the CSRF token from the meta-less cookie-free template: read it from the form.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
})();
