/* The mentor's answer form: never lose what was typed.
 *
 * - Every change is copied to localStorage at once, and the copy is kept
 *   until the server confirms a save of exactly that text.
 * - On the next visit, a copy that differs from what the server has is
 *   offered back ("Put it back in the form").
 * - While typing, drafts are saved to the server in the background, with a
 *   visible status; a failed save says why and keeps the browser copy.
 * - Each answer gets a "Show preview" button: the answer as it will be
 *   published (rendered and sanitized by the server), kept up to date while
 *   typing. Without this script, the form's Preview button does the same for
 *   every answer at once.
 * The form works without this script; it only adds.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-mentor-form]");
  if (!root) return;
  var form = root.querySelector("[data-form]");
  var status = root.querySelector("[data-save-status]");
  var banner = root.querySelector("[data-restore-banner]");
  var key = root.getAttribute("data-draft-key");
  var autosaveUrl = root.getAttribute("data-autosave-url");
  var previewUrl = root.getAttribute("data-preview-url");
  var AUTOSAVE_DELAY = 4000;
  var timer = null;
  var saving = false;
  var pending = false;

  function textFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && /^(text|url|email)$/.test(el.type)));
    });
  }

  function snapshot() {
    var values = {};
    textFields().forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) { return (a[name] || "") === (b[name] || ""); });
  }

  function readCopy() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writeCopy(values) {
    try {
      window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values }));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function dropCopy() {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing to drop */ }
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("save-status--error", !!isError);
  }

  // On arrival: the page shows what the server has. Offer back a newer copy.
  var serverValues = snapshot();
  var lastSaved = serverValues; // what the server is known to have
  var submitting = false;
  var copy = readCopy();
  if (copy && copy.values && !same(copy.values, serverValues)) {
    banner.hidden = false;
    var when = new Date(copy.at);
    banner.querySelector("[data-restore-text]").textContent =
      "This browser kept text you typed on " + when.toLocaleString() +
      " that is not saved on our server.";
    banner.querySelector("[data-restore]").addEventListener("click", function () {
      textFields().forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(copy.values, el.name)) el.value = copy.values[el.name];
      });
      banner.hidden = true;
      say("Restored from this browser: not saved on our server yet.");
      scheduleSave();
    });
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      dropCopy();
      banner.hidden = true;
    });
  } else if (copy) {
    dropCopy(); // the server already has exactly this text
  }

  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function save() {
    if (saving) { pending = true; return; }
    saving = true;
    var sent = snapshot();
    var body = new FormData();
    Object.keys(sent).forEach(function (name) { body.append(name, sent[name]); });
    say("Saving…");
    fetch(autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () {
        var reasons = {
          403: "Not saved: the page's security check failed. Reload the page; your text is kept in this browser.",
          413: "Not saved: this is too large to send. Your text is kept in this browser."
        };
        return { saved: false, error: reasons[response.status] ||
          "Not saved (the server answered " + response.status + "). Your text is kept in this browser." };
      });
    }).then(function (result) {
      if (result.saved) {
        say(result.message ? "Saved automatically. " + result.message : "Saved.");
        lastSaved = sent;
        if (same(sent, snapshot())) dropCopy();
      } else {
        say(result.error || "Not saved. Your text is kept in this browser.", true);
      }
    }).catch(function () {
      say("Not saved: we could not reach the server. Your text is kept in this browser; we will try again.", true);
      scheduleSave(30000);
    }).then(function () {
      saving = false;
      if (pending) { pending = false; scheduleSave(); }
    });
  }

  function scheduleSave(delay) {
    if (!autosaveUrl || !window.fetch) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay || AUTOSAVE_DELAY);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    writeCopy(snapshot());
    say("Changes not saved yet…");
    scheduleSave();
  });

  // Live previews, one per answer, each shown on request.
  var PREVIEW_DELAY = 500;

  function addPreview(textarea) {
    var id = "live-preview-" + textarea.getAttribute("data-answer");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button--quiet button--small";
    button.textContent = "Show preview";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    var panel = document.createElement("div");
    panel.className = "live-preview";
    panel.id = id;
    panel.hidden = true;
    var label = document.createElement("p");
    label.className = "live-preview__label";
    label.textContent = "Preview: how this answer will look";
    var body = document.createElement("div");
    body.className = "prose";
    panel.appendChild(label);
    panel.appendChild(body);
    textarea.insertAdjacentElement("afterend", panel);
    textarea.insertAdjacentElement("afterend", button);

    var previewTimer = null;
    var sequence = 0;

    function refresh() {
      var mine = ++sequence;
      var data = new FormData();
      data.append("text", textarea.value);
      data.append("answer", textarea.getAttribute("data-answer"));
      fetch(previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () {
          return { error: "No preview just now (the server answered " + response.status + ")." };
        });
      }).then(function (result) {
        if (mine !== sequence) return; // a newer preview is on its way
        if (result.html !== undefined) {
          // Sanitized by the server, exactly as the published page will be.
          body.innerHTML = result.html || "<p><em>Nothing written yet.</em></p>";
          if (result.warning) {
            // What saving would refuse (an image from another site), said before the mentor saves.
            var warning = document.createElement("p");
            warning.className = "live-preview__warning";
            warning.textContent = result.warning;
            body.insertBefore(warning, body.firstChild);
          }
        } else {
          body.textContent = result.error || "No preview just now.";
        }
      }).catch(function () {
        if (mine === sequence) body.textContent = "No preview: we could not reach the server.";
      });
    }

    button.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide preview" : "Show preview";
      if (open) refresh();
    });
    textarea.addEventListener("input", function () {
      if (panel.hidden) return;
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(refresh, PREVIEW_DELAY);
    });
  }

  if (previewUrl && window.fetch) {
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-answer]"), addPreview);
  }

  // A photo over the limit is refused here, before a long upload fails.
  var photo = form.querySelector("input[type=file]");
  if (photo) {
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (file && file.size > 5 * 1024 * 1024) {
        window.alert("This photo is larger than 5 MB. Please choose a smaller one.");
        photo.value = "";
      }
    });
  }

  // The copy stays until the server confirms: a normal submit reloads the
  // page, and the arrival check above drops the copy if the server has it.
  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(timer);
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && !same(snapshot(), lastSaved)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
