/* jdgen web: the little the pages need beyond htmx. Everything works without it. */
(function () {
  "use strict";
  /* A page open across a server restart with a new key, or across the end of a login, holds a CSRF
     token the server no longer takes. Before the composer's form is sent, fetch the session's token
     (GET /api/session) and put it in the page; an htmx request refused 403 is sent again once with it.
     The form's edits stay on the page whatever the answer. */
  function setToken(token) {
    document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = token; });
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta) { meta.setAttribute("content", token); }
    document.body.setAttribute("data-hx-headers", JSON.stringify({"X-CSRF-Token": token}));
  }
  var asking = null;  /* one request at a time: two at once could each start a new session */
  /* No htmx retry while a form is being sent: htmx would send it to the clicked button's formaction. */
  var submitting = false;
  function freshToken() {
    if (asking) { return asking; }
    asking = fetch("/api/session", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (record) { asking = null; setToken(record.csrf_token); return record.csrf_token; },
            function (status) { asking = null; return Promise.reject(status); });
    return asking;
  }
  function loginEnded() {
    var note = document.getElementById("session-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "session-note";
      note.className = "notice error";
      note.setAttribute("role", "alert");
      var main = document.getElementById("main");
      main.insertBefore(note, main.querySelector("h1").nextSibling);
    }
    note.innerHTML = 'Your login has ended. <a href="/login" target="_blank" rel="noopener">Log in again in a ' +
      'new tab</a>, then come back and send the form again: your edits are still on this page.';
    note.scrollIntoView({block: "center"});
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    /* only the forms that hold edits (the composer's); a small form refused 403 just asks for a reload */
    if (!form.matches("form#compose, form[data-keep-edits]") || !window.fetch) { return; }
    if (form.getAttribute("data-fresh") === "1") { form.removeAttribute("data-fresh"); return; }
    e.preventDefault();
    submitting = true;
    var submitter = e.submitter || null;
    function send() {
      form.setAttribute("data-fresh", "1");
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    }
    freshToken().then(send, function (status) {
      if (status === 401) { submitting = false; loginEnded(); } else { send(); }  /* the server's answer tells */
    });
  }, true);
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr, elt = e.detail.elt;
    if (xhr.status === 401) { loginEnded(); return; }
    if (submitting || xhr.status !== 403 || !elt || elt.getAttribute("data-retried") === "1") { return; }
    elt.setAttribute("data-retried", "1");
    freshToken().then(function () { window.htmx.trigger(elt, "change"); }, function (status) {
      if (status === 401) { loginEnded(); }
    });
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful && e.detail.elt) { e.detail.elt.removeAttribute("data-retried"); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    /* Library: filter items as you type (the form's Search button does the same on the server). */
    var q = document.querySelector("input[data-filter]");
    if (q) {
      var root = document.querySelector(q.getAttribute("data-filter"));
      var status = document.getElementById("filter-status");
      q.addEventListener("input", function () {
        var needle = q.value.trim().toLowerCase(), shown = 0;
        root.querySelectorAll(".item").forEach(function (li) {
          var hit = !needle || li.getAttribute("data-text").indexOf(needle) >= 0;
          li.hidden = !hit;
          if (hit) { shown += 1; }
        });
        root.querySelectorAll("details.cluster").forEach(function (d) {
          var any = d.querySelector(".item:not([hidden])");
          d.hidden = !any;
          if (needle && any) { d.open = true; }
        });
        if (status) { status.textContent = shown + " items match"; }
      });
    }
    /* Compose: the "Add another" buttons need this script, so they are shown by it. */
    document.querySelectorAll("[data-add-row]").forEach(function (b) { b.hidden = false; });
    /* Compose: "Add another" copies the last (empty) row with its indexes moved on. */
    document.addEventListener("click", function (e) {
      var button = e.target.closest("[data-add-row]");
      if (!button) { return; }
      var name = button.getAttribute("data-add-row");
      var rows = Array.prototype.filter.call(button.parentNode.querySelectorAll("fieldset.row"),
        function (r) { return r.getAttribute("data-row") === name; });
      var last = rows[rows.length - 1], index = rows.length;
      var copy = last.cloneNode(true);
      var from = name + "." + (index - 1), to = name + "." + index;
      var fromId = "f-" + from.replace(/[._]/g, "-"), toId = "f-" + to.replace(/[._]/g, "-");
      copy.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.split(from).join(to).split(fromId).join(toId)); }
        });
        if (el.matches("input[type=text], textarea")) { el.value = ""; }
        if (el.matches("input[type=checkbox], input[type=radio]")) { el.checked = false; }
      });
      copy.querySelectorAll(".msgs").forEach(function (m) { m.textContent = ""; });
      copy.querySelector("legend").textContent = copy.querySelector("legend").textContent.replace(/\d+/, index + 1);
      button.parentNode.insertBefore(copy, button);
      var first = copy.querySelector("input, textarea, select");
      if (first) { first.focus(); }
    });
    /* Compose picker: a cluster's box sets its items' boxes, and the form then reads the items
       against the new state (the hidden field the server draws for a taken cluster). */
    document.addEventListener("change", function (e) {
      var box = e.target, set = box.closest ? box.closest("fieldset.pick-cluster") : null;
      if (!set || !box.matches("legend input[type=checkbox]")) { return; }
      set.querySelectorAll(".pick-items input[type=checkbox][name$='._items']").forEach(function (i) { i.checked = box.checked; });
      var was = set.querySelector("input[type=hidden][name$='._was']");
      if (box.checked && !was) {
        was = document.createElement("input");
        was.type = "hidden";
        was.name = set.getAttribute("data-was-name");
        was.value = set.getAttribute("data-cluster");
        set.appendChild(was);
      } else if (!box.checked && was) {
        was.remove();
      }
      var items = set.querySelector("details.pick-items");
      if (items && box.checked) { items.open = true; }
    }, true);
    /* Compose: a new framework changes the clusters offered: show the form again. */
    var form = document.getElementById("compose");
    if (form) {
      form.addEventListener("change", function (e) {
        if (e.target.name && /(^|\.)framework$/.test(e.target.name)) { form.submit(); }
      });
    }
  });
})();
