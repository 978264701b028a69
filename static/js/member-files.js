// The batch of members' files (apps/reports/file_views.py): while the one .docx of many
// files is built, the link shows a "building" line; the download's answer sets a cookie
// naming the token the link carried, and the line goes away once it is there.
(function () {
  "use strict";
  var COOKIE = "file_download";

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : "";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download-busy]");
    if (!link) {
      return;
    }
    var busy = document.getElementById(link.getAttribute("data-download-busy"));
    var token = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("token", token);
    link.href = url.toString();
    if (!busy) {
      return;
    }
    busy.classList.remove("d-none");
    link.classList.add("disabled");
    link.setAttribute("aria-disabled", "true");
    var waited = 0;
    var timer = window.setInterval(function () {
      waited += 500;
      if (cookie(COOKIE) === token || waited > 180000) {
        window.clearInterval(timer);
        busy.classList.add("d-none");
        link.classList.remove("disabled");
        link.removeAttribute("aria-disabled");
        document.cookie = COOKIE + "=; max-age=0; path=/; samesite=strict";
      }
    }, 500);
  });
})();
