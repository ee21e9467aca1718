// legis: keyboard helpers for typing up paper comments (the page works without this file).
// Enter in 条款 jumps to 意见内容; Ctrl+Enter there saves; the article label shows as you type.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var article = document.getElementById("en-article");
  var text = document.getElementById("en-text");
  var label = document.getElementById("en-label");
  var url = form.getAttribute("data-resolve");
  var timer = null;
  var lastOk = false;
  var seq = 0;

  function show(data) {
    label.textContent = "";
    if (!data) return;
    if (data.ok) {
      var strong = document.createElement("strong");
      strong.textContent = data.label;
      label.appendChild(strong);
      if (data.snippet) {
        var span = document.createElement("span");
        span.className = "muted";
        span.textContent = " " + data.snippet;
        label.appendChild(span);
      }
    } else if (data.error) {
      var err = document.createElement("span");
      err.className = "error";
      err.textContent = data.error;
      label.appendChild(err);
    }
  }

  function resolve(then) {
    var value = article.value.trim();
    var mine = ++seq;
    if (!value || !window.fetch) { lastOk = false; show(null); if (then) then(false); return; }
    fetch(url + "?a=" + encodeURIComponent(value), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (mine !== seq) return;  // an older answer arriving late
      lastOk = !!data.ok;
      show(data);
      if (then) then(lastOk);
    }).catch(function () { if (then) then(true); });
  }

  article.addEventListener("input", function () {
    lastOk = false;
    clearTimeout(timer);
    timer = setTimeout(function () { resolve(null); }, 150);
  });

  article.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    clearTimeout(timer);
    if (lastOk) { text.focus(); return; }
    resolve(function (ok) { if (ok) text.focus(); });
  });

  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });

  form.addEventListener("submit", function () {
    // The one-time token already stops a second save; this just avoids the flicker.
    var button = form.querySelector("button[type=submit]");
    setTimeout(function () { button.disabled = true; }, 0);
  });

  lastOk = !!label.querySelector("strong");
  if (article.value.trim() && !label.textContent.trim()) resolve(null);
})();
