// Performance pages: searchable selects and the attendance sheet's shortcuts.
(function () {
  "use strict";
  // Tom Select on <select data-perf-select>: type a name or its pinyin initials.
  if (window.TomSelect) {
    document.querySelectorAll("select[data-perf-select]").forEach(function (select) {
      if (select.tomselect) { return; }
      new window.TomSelect(select, {
        plugins: select.multiple ? ["remove_button"] : [],
        maxOptions: 300,
        searchField: ["text"]
      });
    });
  }
  // Attendance sheet: <button data-mark-all="present"> ticks that status for every
  // member not yet recorded (or for all with data-mark-force).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-mark-all]");
    if (!button) { return; }
    event.preventDefault();
    var status = button.getAttribute("data-mark-all");
    var force = button.hasAttribute("data-mark-force");
    document.querySelectorAll("[data-sheet-row]").forEach(function (row) {
      var checked = row.querySelector("input[type=radio]:checked");
      if (!force && checked && checked.value !== "") { return; }
      var radio = row.querySelector("input[type=radio][value='" + status + "']");
      if (radio) { radio.checked = true; }
    });
  });
})();
