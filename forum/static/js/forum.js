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

  // Vote without a page load. Every vote button on the page submits the one vote form
  // (with its own formaction), which still works as a plain POST without this.
  function bindVotes(form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.name !== "value" || form.dataset.plain) return;
      event.preventDefault();
      var widget = button.closest(".vote-form");
      var body = new FormData(form);
      body.set("value", button.value);
      widget.classList.add("is-busy");
      fetch(button.formAction, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (!result.ok) { window.alert(result.data.error); return; }
          showTally(widget, result.data);
        })
        .catch(function () {
          form.dataset.plain = "true";
          form.requestSubmit(button);
        })
        .finally(function () { widget.classList.remove("is-busy"); });
    });
  }

  function showTally(widget, tally) {
    var post = widget.closest("[id^=post-]");
    post.setAttribute("data-up", tally.up);
    post.setAttribute("data-down", tally.down);
    post.setAttribute("data-score", tally.score);
    widget.setAttribute("data-my-vote", tally.my_vote);
    widget.querySelector(".score").textContent = tally.score;
    var up = widget.querySelector(".vote-up");
    var down = widget.querySelector(".vote-down");
    up.setAttribute("aria-pressed", String(tally.my_vote === 1));
    down.setAttribute("aria-pressed", String(tally.my_vote === -1));
    up.value = tally.my_vote === 1 ? "0" : "1";
    down.value = tally.my_vote === -1 ? "0" : "-1";
  }

  // Text the reader selected in the post they answer, as a Markdown quote to start from.
  function selectedQuote(post) {
    var selection = window.getSelection();
    if (!post || !selection || selection.isCollapsed) return "";
    if (!post.contains(selection.anchorNode) || !post.contains(selection.focusNode)) return "";
    var text = selection.toString().trim();
    if (!text) return "";
    return text.split(/\r?\n/).map(function (line) {
      return "> " + line;
    }).join("\n") + "\n\n";
  }

  // "Reply" opens the page's one reply form under its post; without this it leads to the
  // form on a page of its own (and a click that opens a new tab still does).
  function bindReplies(template) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-reply]");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      var place = link.parentElement;
      var open = place.nextElementSibling;
      var quoted = selectedQuote(link.closest("[id^=post-]"));
      if (open && open.matches("form.reply-form")) {
        var area = open.querySelector("textarea");
        if (quoted) area.value += (area.value ? "\n" : "") + quoted;
        area.focus();
        return;
      }
      var form = template.content.firstElementChild.cloneNode(true);
      var textarea = form.querySelector("textarea");
      form.action = link.getAttribute("data-reply");
      textarea.id = "reply-body-" + link.closest("[id^=post-]").id.slice("post-".length);
      form.querySelector("label").htmlFor = textarea.id;
      function close() {
        form.remove();
        link.focus();
      }
      form.querySelector("[data-cancel]").addEventListener("click", close);
      form.addEventListener("keydown", function (keyEvent) {
        if (keyEvent.key === "Escape") close();
      });
      place.insertAdjacentElement("afterend", form);
      bindPreview(textarea);
      if (quoted) textarea.value = quoted;
      textarea.focus();
    });
  }

  function confirmButtons() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // Back to a page whose form was sent shows it empty: the browser would restore the text
  // (from its page cache or its memory of forms), and "Post" would send it a second time.
  // A form that came back refused keeps its text: its page forgets the sending.
  var SENT = "forum:sent-form";

  function forgetSentForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.method === "post" && form.querySelector("textarea")) {
        try {
          sessionStorage.setItem(SENT, form.action);
        } catch (error) {
          // Storage refused (private mode, full): the text stays, as it would without us.
        }
      }
    });
    window.addEventListener("pageshow", function (event) {
      var sent;
      try {
        sent = sessionStorage.getItem(SENT);
      } catch (error) {
        return;
      }
      if (!sent) return;
      if (document.querySelector(".error-summary, .form-error")) {
        sessionStorage.removeItem(SENT);
        return;
      }
      var entry = performance.getEntriesByType("navigation")[0];
      if (!event.persisted && !(entry && entry.type === "back_forward")) return;
      document.querySelectorAll("form").forEach(function (form) {
        if (form.action === sent) {
          form.reset();
          sessionStorage.removeItem(SENT);
        }
      });
    });
  }
  forgetSentForms();

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(bindStance);
    document.querySelectorAll("textarea[data-preview]").forEach(bindPreview);
    var votes = document.getElementById("votes");
    if (votes) bindVotes(votes);
    var composer = document.getElementById("reply-composer");
    if (composer) bindReplies(composer);
    confirmButtons();
  });
})();
