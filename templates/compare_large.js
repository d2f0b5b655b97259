(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("compare-data").textContent);
  var N = D.posts.length, PAGE = D.page;
  function $(id) { return document.getElementById(id); }
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
    return e;
  }
  function heatCell(td, share) {
    var p = D.palette[Math.max(0, Math.min(100, Math.round(share * 100)))];
    td.style.background = p[0]; td.style.color = p[1];
  }
  function fmtSim(v) { return (v / D.scale).toFixed(2); }
  function fmtCov(v) { return v ? Math.round(v / D.scale * 100) + "%" : "–"; }
  function fmtKsf(v) { return v ? String(v) : "–"; }
  // one paged heatmap: rows are posts in clustered order; columns are posts, clusters or KSF dimensions
  var views = {
    similarity: {cols: D.labels, colTitles: D.posts, values: D.similarity, fmt: fmtSim, top: D.scale,
                 caption: "Pairwise similarity"},
    coverage: {cols: D.clusters, colTitles: D.cluster_titles, values: D.coverage, fmt: fmtCov, top: D.scale,
               caption: "Cluster coverage"},
    ksf: {cols: D.dimensions, colTitles: D.dimension_titles, values: D.ksf, fmt: fmtKsf, top: 4,
          caption: "KSF levels"}
  };
  function draw(name) {
    var v = views[name], ncol = v.cols.length;
    v.row = v.row || 0; v.col = v.col || 0;
    var r1 = Math.min(N, v.row + PAGE), c1 = Math.min(ncol, v.col + PAGE);
    var table = el("table", null, {"class": "heat"});
    table.appendChild(el("caption", v.caption + ": posts " + (v.row + 1) + "–" + r1 + " of " + N +
      (ncol > PAGE ? ", columns " + (v.col + 1) + "–" + c1 + " of " + ncol : "")));
    var head = el("tr");
    head.appendChild(el("th", "Post", {scope: "col"}));
    for (var c = v.col; c < c1; c++) { head.appendChild(el("th", v.cols[c], {scope: "col", title: v.colTitles[c]})); }
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    for (var r = v.row; r < r1; r++) {
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", D.labels[r], {scope: "row", title: D.posts[r]}));
      for (c = v.col; c < c1; c++) {
        var value = v.values[r * ncol + c], td = el("td", v.fmt(value), {"class": "v"});
        heatCell(td, value / v.top);
        tr.appendChild(td);
      }
    }
    var box = $(name + "-table");
    box.replaceChildren(table);
    $(name + "-status").textContent = table.caption.textContent;
    $(name + "-up").disabled = v.row === 0;
    $(name + "-down").disabled = r1 >= N;
    var left = $(name + "-left"), right = $(name + "-right");
    if (left) { left.disabled = v.col === 0; right.disabled = c1 >= ncol; }
  }
  function pager(name) {
    var v = views[name], ncol = v.cols.length;
    function move(dr, dc) {
      v.row = Math.max(0, Math.min(v.row + dr, Math.floor((N - 1) / PAGE) * PAGE));
      v.col = Math.max(0, Math.min(v.col + dc, Math.floor(Math.max(ncol - 1, 0) / PAGE) * PAGE));
      draw(name);
    }
    $(name + "-up").addEventListener("click", function () { move(-PAGE, 0); });
    $(name + "-down").addEventListener("click", function () { move(PAGE, 0); });
    if ($(name + "-left")) {
      $(name + "-left").addEventListener("click", function () { move(0, -PAGE); });
      $(name + "-right").addEventListener("click", function () { move(0, PAGE); });
    }
    draw(name);
  }
  // the side-by-side of a chosen pair, from each post's ids
  function sideBySide() {
    var a = Number($("pair-a").value), b = Number($("pair-b").value);
    var ia = {}, ib = {}, all = {}, k;
    D.items[a].forEach(function (i) { ia[i] = true; all[i] = true; });
    D.items[b].forEach(function (i) { ib[i] = true; all[i] = true; });
    var groups = [], byCluster = {}, shared = 0, union = 0;
    Object.keys(all).map(Number).sort(function (x, y) { return x - y; }).forEach(function (i) {
      var key = D.id_cluster[i];
      if (!(key in byCluster)) { byCluster[key] = {shared: [], a: [], b: []}; groups.push(key); }
      var bucket = ia[i] && ib[i] ? "shared" : (ia[i] ? "a" : "b");
      byCluster[key][bucket].push(D.ids[i]);
      union++; if (bucket === "shared") { shared++; }
    });
    var out = $("pair-result");
    out.replaceChildren();
    out.appendChild(el("p", "Overall similarity: " + (union ? shared / union : 0).toFixed(2) + " (" + shared +
      " shared of " + union + " items)"));
    var table = el("table", null, {"class": "heat"});
    table.appendChild(el("caption", "Duties and competences by cluster: " + D.labels[a] + " and " + D.labels[b]));
    var head = el("tr");
    ["Cluster", "Similarity", "Shared", "Only " + D.labels[a], "Only " + D.labels[b]].forEach(function (t) {
      head.appendChild(el("th", t, {scope: "col"}));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    groups.forEach(function (key) {
      var g = byCluster[key], total = g.shared.length + g.a.length + g.b.length;
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", key < 0 ? "?" : D.clusters[key] + " " + D.cluster_titles[key], {scope: "row"}));
      var td = tr.appendChild(el("td", (g.shared.length / total).toFixed(2), {"class": "v"}));
      heatCell(td, g.shared.length / total);
      [g.shared, g.a, g.b].forEach(function (ids) { tr.appendChild(el("td", ids.join(" "), {"class": "ids"})); });
    });
    out.appendChild(table);
  }
  ["pair-a", "pair-b"].forEach(function (id, n) {
    var select = $(id);
    D.labels.forEach(function (label, i) { select.appendChild(el("option", label, {value: String(i)})); });
    select.value = String(Math.min(n, N - 1));
  });
  $("pair-show").addEventListener("click", sideBySide);
  pager("similarity"); pager("coverage"); pager("ksf");
  $("large-controls").hidden = false;
}());
