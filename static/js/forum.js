// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // Show the example fields only when the stance is "example".
  function bindStance(form) {
    var fields = form.querySelector("[data-show-for-stance]");
    if (!fields) return;
    var wanted = fields.getAttribute("data-show-for-stance");
    function update() {
      var checked = form.querySelector("input[name=stance]:checked");
      fields.hidden = !(checked && checked.value === wanted);
    }
    form.querySelectorAll("input[name=stance]").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  // Live Markdown preview rendered by the server, so it matches what will be saved.
  function bindPreview(textarea) {
    var url = textarea.getAttribute("data-preview");
    var box = document.createElement("div");
    box.className = "live-preview";
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    textarea.insertAdjacentElement("afterend", box);
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!textarea.value.trim()) { box.hidden = true; return; }
        var body = new FormData();
        body.append("body", textarea.value);
        fetch(url, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": csrfToken(textarea.form), "Accept": "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data) return;
            box.innerHTML = data.html; // sanitised on the server
            box.hidden = false;
          })
          .catch(function () {});
      }, 400);
    });
  }

  function confirmButtons() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(bindStance);
    document.querySelectorAll("textarea[data-preview]").forEach(bindPreview);
    confirmButtons();
  });
})();
