/* The interview editor in the admin: a Markdown preview under each answer
 * (rendered and sanitized by the server, exactly as the public pages do) and
 * lesson suggestions while typing tags. Both degrade to plain fields. */
(function () {
  "use strict";

  function config() {
    var el = document.getElementById("editor-config");
    return el ? { preview: el.dataset.previewUrl, lessons: el.dataset.lessonsUrl } : null;
  }

  function csrfToken() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isMarkdownField(el) {
    return el && el.tagName === "TEXTAREA" && /(^|-)(body|intro)$/.test(el.name || "");
  }

  function addPreviewButton(textarea) {
    if (textarea.dataset.previewReady || /__prefix__/.test(textarea.name)) return;
    textarea.dataset.previewReady = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = "Preview";
    var output = document.createElement("div");
    output.className = "markdown-preview";
    output.hidden = true;
    output.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", output);
    textarea.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      if (!output.hidden && button.dataset.open) {
        output.hidden = true;
        delete button.dataset.open;
        button.textContent = "Preview";
        return;
      }
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(config().preview, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      }).then(function (r) { return r.json(); }).then(function (data) {
        output.innerHTML = data.html || "<p><em>Nothing to preview.</em></p>";
        output.hidden = false;
        button.dataset.open = "1";
        button.textContent = "Hide preview";
      }).catch(function () {
        output.textContent = "The preview could not be loaded.";
        output.hidden = false;
      });
    });
  }

  // Lesson suggestions: the datalist offers "what you typed so far, suggestion".
  var datalist = null;
  var timer = null;
  function suggest(input) {
    if (!datalist) {
      datalist = document.createElement("datalist");
      datalist.id = "lesson-suggestions";
      document.body.appendChild(datalist);
    }
    input.setAttribute("list", "lesson-suggestions");
    input.setAttribute("autocomplete", "off");
    var parts = input.value.split(",");
    var term = parts.pop().trim();
    var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetch(config().lessons + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          datalist.innerHTML = "";
          data.lessons.filter(function (name) {
            return before.map(function (b) { return b.toLowerCase(); }).indexOf(name.toLowerCase()) < 0;
          }).forEach(function (name) {
            var option = document.createElement("option");
            option.value = before.concat([name]).join(", ");
            datalist.appendChild(option);
          });
        });
    }, 150);
  }

  function init() {
    if (!config()) return;
    Array.prototype.forEach.call(document.querySelectorAll("textarea"), function (t) {
      if (isMarkdownField(t)) addPreviewButton(t);
    });
    document.addEventListener("formset:added", function (event) {
      Array.prototype.forEach.call(event.target.querySelectorAll("textarea"), function (t) {
        if (isMarkdownField(t)) addPreviewButton(t);
      });
    });
    document.addEventListener("input", function (event) {
      var el = event.target;
      if (el.tagName === "INPUT" && /(^|-)tags$/.test(el.name || "")) suggest(el);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
