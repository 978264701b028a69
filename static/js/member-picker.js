// Member pickers: <select [multiple] data-member-picker data-url="/members/search/">
// becomes a Tom Select that asks the server (name or pinyin initials, e.g. "zs" for 张三).
// Optional: data-affiliation="cpc|non_cpc", data-placeholder, data-no-results.
// A multiple picker clears the typed letters after each pick and stays open, so the next
// initials start a new search ("klp", pick, "cgx", pick, …).
// No inline script (the CSP forbids it); include tom-select.complete.min.js first
// (the widgets of apps/members/widgets.py do, through the form's media).
// window.initMemberPicker(select) sets up a picker added later (a cloned formset row).
(function () {
  "use strict";

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect === "undefined") {
      return;
    }
    var url = select.getAttribute("data-url");
    var affiliation = select.getAttribute("data-affiliation") || "";
    var noResults = select.getAttribute("data-no-results") || "没有找到委员";
    // The ids the server returned for each query: only those are offered for it.
    var idsByQuery = {};
    var options = {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      placeholder: select.getAttribute("data-placeholder") || "",
      // The server does the matching (pinyin initials do not match the label text):
      // offer the results of this query, nothing filtered again on the client.
      score: function (query) {
        var ids = idsByQuery[query] || {};
        return function (item) {
          return ids[String(item.id)] ? 1 : 0;
        };
      },
      shouldLoad: function (query) {
        return query.trim().length > 0;
      },
      load: function (query, callback) {
        var params = new URLSearchParams({ q: query });
        if (affiliation) {
          params.set("affiliation", affiliation);
        }
        fetch(url + "?" + params.toString(), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            var results = data.results || [];
            var ids = {};
            results.forEach(function (item) {
              ids[String(item.id)] = true;
            });
            idsByQuery[query] = ids;
            callback(results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        },
      },
    };
    if (select.multiple) {
      options.plugins = ["remove_button"];
      options.closeAfterSelect = false;
      options.onItemAdd = function () {
        // Tom Select keeps the query after a pick: the next letters would extend it.
        this.setTextboxValue("");
        this.refreshOptions(false);
        this.focus();
      };
    }
    // eslint-disable-next-line no-new
    new window.TomSelect(select, options);
  }

  window.initMemberPicker = setUp;

  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-member-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll();
    });
  } else {
    setUpAll();
  }
  // Forms swapped in by htmx get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) {
    setUpAll(event.target);
  });
})();
