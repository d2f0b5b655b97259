/* jdgen web: the little the pages need beyond htmx. Everything works without it. */
(function () {
  "use strict";
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
