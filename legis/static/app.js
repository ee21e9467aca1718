// legis: small progressive enhancements. Every form works without this file.
(function () {
  "use strict";

  // Comment forms: submit in place, stay on the same article, show the receipt inline.
  function clearSummary(form) {
    var old = form.querySelector(".error-summary");
    if (old) old.remove();
  }

  // The same summary the server puts at the top of a form it sends back.
  function summarise(form, errors) {
    clearSummary(form);
    var keys = Object.keys(errors);
    var box = document.createElement("div");
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "请修改以下" + keys.length + "处后再提交：";
    p.appendChild(strong);
    box.appendChild(p);
    var list = document.createElement("ul");
    keys.forEach(function (name) {
      var item = document.createElement("li");
      var input = form.querySelector("[name=" + name + "]");
      if (input && input.id) {
        var link = document.createElement("a");
        link.href = "#" + input.id;
        link.textContent = errors[name];
        item.appendChild(link);
      } else {
        item.textContent = errors[name];
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    form.insertBefore(box, form.firstChild);
  }

  function showErrors(form, errors) {
    summarise(form, errors);
    form.querySelectorAll(".error.js").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var p = document.createElement("p");
      p.className = "error js";
      p.textContent = errors[name];
      if (input) {
        input.setAttribute("aria-invalid", "true");
        p.id = (input.id || name) + "-jserror";
        // Keep the hint and add the error, so a screen reader reads both.
        var hint = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id.indexOf("-jserror") < 0;
        });
        hint.push(p.id);
        input.setAttribute("aria-describedby", hint.join(" "));
        input.closest(".field").appendChild(p);
        var details = input.closest("details.contact");
        if (details) details.open = true;
        if (!first) first = input;
      } else {
        form.querySelector(".form-result").appendChild(p);
      }
    });
    if (first) first.focus();
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("comment-form") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button.disabled) return;  // a double click sends once
    button.disabled = true;
    var original = button.textContent;
    button.textContent = "正在提交…";
    var result = form.querySelector(".form-result");
    result.textContent = "";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (r) {
      if (r.data.ok) {
        clearSummary(form);
        form.querySelectorAll(".error.js").forEach(function (el) { el.remove(); });
        form.querySelector("[name=form_token]").value = r.data.form_token;
        form.querySelector("textarea[name=text]").value = "";
        updateCounter(form.querySelector("textarea[name=text]"));
        var box = document.createElement("div");
        box.className = "notice ok";
        var strong = document.createElement("strong");
        strong.textContent = "意见已收到，谢谢您！回执码：" + r.data.receipt_code;
        var link = document.createElement("a");
        link.href = r.data.receipt_url;
        link.textContent = "查看回执";
        box.appendChild(strong);
        box.appendChild(document.createTextNode(" "));
        box.appendChild(link);
        if (r.data.own_count > 1) {
          var all = document.createElement("a");
          all.href = r.data.own_url;
          all.textContent = "查看并打印本次全部" + r.data.own_count + "条意见";
          box.appendChild(document.createTextNode(" · "));
          box.appendChild(all);
        }
        result.appendChild(box);
        box.setAttribute("tabindex", "-1");
        box.focus();
      } else if (r.data.errors) {
        showErrors(form, r.data.errors);
      } else {
        showErrors(form, { _: r.data.error || "提交失败，请稍后重试。" });
      }
    }).catch(function () {
      // Network trouble: the same form token goes with the retry, so the
      // server stores the comment once even if the first attempt got through.
      showErrors(form, { _: "网络不稳定，意见可能未送达。请检查网络后再点一次“提交意见”，不会重复提交。" });
    }).then(function () {
      button.disabled = false;
      button.textContent = original;
    });
  }

  function updateCounter(textarea) {
    if (!textarea) return;
    var hint = textarea.parentNode.querySelector(".counter");
    if (!hint) return;
    var n = textarea.value.trim().length;
    hint.textContent = n ? "已写" + n + "字，上限2000字" + (n > 2000 ? "，超出" + (n - 2000) + "字，请删减" : "") : "";
  }

  document.addEventListener("submit", onSubmit);
  document.addEventListener("input", function (event) {
    if (event.target.name === "text") updateCounter(event.target);
  });

  // 大字版: switch at once without losing the place on the page; the form
  // still posts so the choice is remembered in a cookie.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-large]");
    if (!button || !window.fetch) return;
    event.preventDefault();
    var form = button.form;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
      .then(function () { window.location.reload(); });
  });

  // Opening "提意见" puts the cursor in the text box.
  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("comment-box") && box.open) {
      var t = box.querySelector("textarea");
      if (t) t.focus();
    }
  }, true);

  // 打印本页: the button only shows where the script can press print for you.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Pages that ask for it refresh a progress value without reloading.
  var poll = document.querySelector("[data-poll]");
  if (poll && window.fetch) {
    var tick = function () {
      fetch(poll.getAttribute("data-poll"), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var bar = poll.querySelector("progress");
          if (bar) bar.value = Math.round((job.progress || 0) * 100);
          var text = poll.querySelector(".poll-text");
          if (text) text.textContent = job.message || "";
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
          } else {
            setTimeout(tick, 1000);
          }
        }).catch(function () { setTimeout(tick, 3000); });
    };
    setTimeout(tick, 1000);
  }
})();

// Opinion pickers on the review page: show the text of the opinion whose number
// was typed or chosen, so staff see what they are about to merge into.
(function () {
  var list = document.getElementById("opinion-numbers");
  if (!list) return;
  var texts = {};
  var partial = list.hasAttribute("data-partial");
  Array.prototype.forEach.call(list.options, function (o) { texts[o.value] = o.textContent; });
  function show(input) {
    var out = document.getElementById(input.getAttribute("data-opinion-picker"));
    var value = input.value.trim().replace(/^#/, "");
    out.textContent = !value ? "" : (texts[value] ? "将操作：归纳意见 " + texts[value]
                                                  : partial ? "编号 " + value + " 不在本页列表中，提交时会核对"
                                                  : "这一条下没有编号为 " + value + " 的归纳意见");
  }
  document.querySelectorAll("[data-opinion-picker]").forEach(function (input) {
    input.addEventListener("input", function () { show(input); });
    if (input.value) show(input);
  });
})();
