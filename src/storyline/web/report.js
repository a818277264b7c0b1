(function () {
  "use strict";
  // Search: hide every [data-searchable] block whose text does not contain the query.
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  function filter() {
    var q = input.value.trim().toLowerCase();
    var items = document.querySelectorAll("[data-searchable]");
    var hits = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = !q || items[i].textContent.toLowerCase().indexOf(q) >= 0;
      items[i].hidden = !hit;
      if (hit && q) { hits++; }
    }
    status.textContent = q ? hits + " matching item" + (hits === 1 ? "" : "s") : "";
  }
  if (input && status) { input.addEventListener("input", filter); }

  // Jumps: open the collapsed text that holds the target, then scroll to it and focus it.
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
      if (p.hidden) { p.hidden = false; }
    }
    var old = document.querySelectorAll(".target");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("target"); }
    el.classList.add("target");
    el.scrollIntoView({block: "center"});
    if (el.focus) { el.focus({preventScroll: true}); }
    return true;
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-jump]") : null;
    if (!a) { return; }
    var href = a.getAttribute("href") || "";
    if (href.charAt(0) !== "#") { return; }
    if (reveal(decodeURIComponent(href.slice(1)))) {
      ev.preventDefault();
      history.replaceState(null, "", href);
    }
  });
  if (location.hash.length > 1) { reveal(decodeURIComponent(location.hash.slice(1))); }

  // Upload form (web app only): send the file with the bearer token, show the answer as text.
  var form = document.getElementById("upload");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var out = document.getElementById("upload-status");
      var file = form.elements.file.files[0];
      if (!file) { out.textContent = "Choose a file first."; return; }
      out.textContent = "Uploading and analysing…";
      fetch("api/documents?filename=" + encodeURIComponent(file.name), {
        method: "POST",
        headers: {"Authorization": "Bearer " + form.elements.token.value, "Content-Type": "application/octet-stream"},
        body: file
      }).then(function (r) {
        return r.json().then(function (body) {
          if (r.ok) {
            out.textContent = "Analysed: " + body.added + " new document(s). Reloading…";
            setTimeout(function () { location.reload(); }, 800);
          } else {
            out.textContent = "Upload refused (" + r.status + "): " + (body.detail || "error");
          }
        });
      }).catch(function (e) { out.textContent = "Upload failed: " + e; });
    });
  }
})();
