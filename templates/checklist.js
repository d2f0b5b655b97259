/* Saves the filled-in checklist as the CSV `jdgen gap` reads (person,item,rating,comment,statement).
   Runs in the page only: nothing is sent anywhere. */
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  var status = document.getElementById("status");
  // A cell a spreadsheet could read as a formula gets a leading apostrophe (OWASP's advice;
  // the same rule as jdgen/render/cells.py, and `jdgen gap` removes it again when reading).
  function safe(text) {
    return /^[\t\r]/.test(text) || /^\s*[=+\-@]/.test(text) ? "'" + text : text;
  }
  function cell(value) {
    var text = safe(String(value));
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function buildCsv() {
    var person = form.elements.person.value.trim();
    var lines = [form.getAttribute("data-columns")];
    var rows = form.querySelectorAll("tr.item");
    for (var i = 0; i < rows.length; i++) {
      var item = rows[i].getAttribute("data-item");
      var chosen = form.querySelector('input[name="rating-' + item + '"]:checked');
      var comment = form.elements["comment-" + item].value.trim();
      lines.push([person, item, chosen ? chosen.value : "", comment, rows[i].getAttribute("data-statement")]
        .map(cell).join(","));
    }
    return lines.join("\n") + "\n";
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var person = form.elements.person.value.trim();
    var name = (person.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "assessment") +
      "-" + form.getAttribute("data-post") + ".csv";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([buildCsv()], { type: "text/csv;charset=utf-8" }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    status.textContent = "Saved " + name + ".";
  });
  window.jdgenChecklistCsv = buildCsv;
})();
