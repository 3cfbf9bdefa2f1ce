// The counselor console's only script (the pages allow no inline script: CSP default-src 'self').
// 1. The queue reloads its rows when the server says something changed (server-sent events), and
//    alerts every counselor looking at it while an urgent conversation waits.
// 2. A canned reply, once chosen, is previewed and fills the reply box.
"use strict";

(function () {
  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function flagUrgent(rows) {
    var alert = document.getElementById("urgent-alert");
    var waiting = rows.querySelector("tr.urgent.waiting") !== null;
    if (alert) {
      alert.hidden = !waiting;
    }
    document.title = (waiting ? "\u26a0 URGENT \u2013 " : "") + document.title.replace(/^\u26a0 URGENT \u2013 /, "");
  }

  function liveQueue(rows) {
    var pending = null;
    flagUrgent(rows);
    function refresh() {
      pending = null;
      fetch(rows.dataset.src, {
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken() },
        cache: "no-store"
      }).then(function (response) {
        if (response.status === 401 || response.status === 403 || response.redirected) {
          window.location.reload(); // the session has ended: the page goes to the login
          return null;
        }
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null && html !== undefined) {
          rows.innerHTML = html; // rendered (and escaped) by the server's templates
          flagUrgent(rows);
        }
      }).catch(function () { /* offline for a moment: the next event or tick retries */ });
    }
    function soon() {
      if (pending === null) {
        pending = window.setTimeout(refresh, 250); // several changes at once: one reload
      }
    }
    if (window.EventSource) {
      var source = new EventSource(rows.dataset.events);
      source.addEventListener("queue", soon);
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED) {
          window.setTimeout(function () { window.location.reload(); }, 3000);
        }
      });
    }
    window.setInterval(soon, 60000); // waiting times move on even when nothing changes
  }

  function cannedReplies(select) {
    var preview = document.getElementById("canned-preview");
    var box = document.getElementById("reply-text");
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = option && option.value ? option.getAttribute("data-text") || "" : "";
      if (preview) {
        preview.textContent = text;
        preview.hidden = !text;
      }
      if (text && box) {
        box.value = text;
        box.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.getElementById("queue-rows");
    if (rows && rows.dataset.src) {
      liveQueue(rows);
    }
    var canned = document.getElementById("canned");
    if (canned) {
      cannedReplies(canned);
    }
  });
})();
