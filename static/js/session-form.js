// Session form: "add another suggestion" clones the formset's empty form.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-suggestion]");
  var template = document.getElementById("suggestion-template");
  var container = document.getElementById("suggestion-forms");
  var total = document.getElementById("id_suggestions-TOTAL_FORMS");
  if (!button || !template || !container || !total) {
    return;
  }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = container.lastElementChild;
    var picker = added && added.querySelector("select[data-member-picker]");
    if (picker && window.initMemberPicker) {
      window.initMemberPicker(picker);
    }
    var text = added && added.querySelector("textarea");
    if (text) {
      text.focus();
    }
  });
})();

// Session form: a topic picked from the list needs no new topic, so its title and
// category fields are hidden (shown again when the pick is cleared, or when they hold an
// error to correct).
(function () {
  "use strict";
  var topic = document.getElementById("id_topic");
  var fields = document.querySelectorAll("[data-new-topic]");
  if (!topic || !fields.length) {
    return;
  }
  function sync() {
    var picked = topic.value !== "";
    fields.forEach(function (field) {
      var hasError = field.querySelector(".is-invalid") !== null;
      field.hidden = picked && !hasError;
    });
  }
  topic.addEventListener("change", sync);
  sync();
})();
