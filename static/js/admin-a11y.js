// The editors' room: give the widgets that scripts draw the name of their form field,
// so that a screen reader says "地区" and not "combo box". The select2 autocompletes
// (places, organisations, topics) and the rich-text body are drawn after the page
// loads and again when a row is added, so new ones are labelled as they appear.
(function () {
  "use strict";

  function labelText(id) {
    if (!id) return "";
    var label = document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function name(element, text) {
    if (text && !element.getAttribute("aria-label") && !element.getAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", text);
    }
  }

  function labelSelect2(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var text = labelText(select.id);
    var parts = ".select2-selection, .select2-search__field, .select2-selection__rendered";
    container.querySelectorAll(parts).forEach(function (el) {
      if (el.classList.contains("select2-selection--single")) {
        // Its name comes from the chosen value (aria-labelledby); say the field too.
        el.setAttribute("aria-label", text);
        el.removeAttribute("aria-labelledby");
      } else {
        name(el, text);
      }
    });
  }

  function labelProse(editable) {
    var wrapper = editable.closest(".prose-editor");
    var textarea = wrapper && wrapper.querySelector("textarea");
    name(editable, labelText(textarea && textarea.id));
  }

  var chinese = (document.documentElement.lang || "").indexOf("zh") === 0;

  // A date and time field is two inputs under one label that names neither.
  function labelDateTime(input) {
    if (input.labels && input.labels.length) return;
    var row = input.closest(".fieldBox, .form-row");
    var label = row && row.querySelector("label");
    var text = label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
    var part = input.classList.contains("vDateField")
      ? (chinese ? "日期" : "date")
      : (chinese ? "时间" : "time");
    name(input, text ? text + " " + part : part);
  }

  function labelAll(root) {
    root.querySelectorAll("input.vDateField, input.vTimeField").forEach(labelDateTime);
    root.querySelectorAll(".select2-container").forEach(labelSelect2);
    root.querySelectorAll('.prose-editor [contenteditable="true"]').forEach(labelProse);
  }

  function start() {
    labelAll(document);
    new MutationObserver(function () {
      labelAll(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
