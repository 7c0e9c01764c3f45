// Backoffice's only script of its own. Everything works without it; it adds
// small comforts that htmx does not give: plain forms cannot be sent twice by
// a double click, and htmx requests carry the CSRF token in a header.
(function () {
  "use strict";

  // A plain form post disables its submit buttons until the page changes, so
  // a double click sends one request. The server's idempotency key is the real
  // guard; this only saves a round trip. Back/forward restores them.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    setTimeout(function () {
      form.querySelectorAll("button[type=submit],button:not([type])").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[disabled][data-reenable]").forEach(function (b) { b.disabled = false; });
    document.querySelectorAll("form button[disabled]").forEach(function (b) { b.disabled = false; });
  });

  // htmx sends the token from the page's meta tag as a header; forms also carry
  // it as a hidden field, so either path satisfies the server.
  document.addEventListener("htmx:configRequest", function (ev) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) ev.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  });

  // While an htmx request is in flight its target says so (aria-busy), so
  // assistive technology knows the region is about to change.
  document.addEventListener("htmx:beforeSend", function (ev) {
    if (ev.detail.target) ev.detail.target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    if (ev.detail.target) ev.detail.target.removeAttribute("aria-busy");
  });

  // Focus the first field that needs fixing, or else the field the server
  // marked, so keyboard and scanner users carry on where they are. Only the
  // scan-to-ship screen selects the text, so the next scan replaces it;
  // elsewhere a keystroke must not wipe what was typed.
  function autofocus(root) {
    root = root || document;
    var el = root.querySelector('[aria-invalid="true"]') || root.querySelector("[data-focus]");
    if (!el) return;
    el.focus();
    if (el.closest(".ship")) {
      if (el.select) el.select();
      return;
    }
    // Never leave the whole text selected: a keystroke would wipe it.
    try {
      var n = el.value ? el.value.length : 0;
      if (n && el.selectionStart === 0 && el.selectionEnd === n) el.setSelectionRange(n, n);
    } catch (e) { /* no selection on e-mail inputs */ }
  }
  // A badge sign-in on a shared phone ends on the server after a while
  // without use (BACKOFFICE_BADGE_IDLE). The page then leaves for the
  // sign-in page by itself, so the next person finds the sign-in page, not
  // the last one's screen. Only requests count, as on the server.
  var idle = parseInt(document.body.getAttribute("data-idle-signout") || "", 10);
  if (idle > 0) {
    var idleTimer;
    var rearm = function () {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(function () {
        location.assign(document.body.getAttribute("data-idle-url") || "/login");
      }, idle * 1000);
    };
    document.addEventListener("htmx:afterRequest", rearm);
    rearm();
  }

  document.addEventListener("htmx:afterSwap", function (ev) {
    var root = ev.detail.target || ev.detail.elt;
    autofocus(root);
    enhance(root);
  });
  if (document.querySelector('main [aria-invalid="true"]')) {
    autofocus(document.querySelector("main"));
  }

  // Copy, download and print (components.CopyActions): hidden in the
  // markup, shown when the browser can; the download is made here.
  function textOf(sel) {
    var el = document.querySelector(sel);
    if (!el) return "";
    var items = el.querySelectorAll("li");
    if (!items.length) return el.textContent.trim();
    return Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).join("\n") + "\n";
  }
  function say(b, msg) {
    var st = b.parentNode && b.parentNode.querySelector("[data-copy-status]");
    if (st) st.textContent = msg;
  }
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-copy]").forEach(function (b) {
      if (navigator.clipboard && window.isSecureContext) b.hidden = false;
    });
    root.querySelectorAll("[data-download]").forEach(function (b) {
      if (window.Blob && window.URL && URL.createObjectURL) b.hidden = false;
    });
    root.querySelectorAll("[data-print]").forEach(function (b) {
      if (window.print) b.hidden = false;
    });
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-copy],button[data-download],button[data-print]");
    if (!b) return;
    if (b.hasAttribute("data-copy")) {
      navigator.clipboard.writeText(textOf(b.getAttribute("data-copy"))).then(
        function () { say(b, "Copied."); },
        function () { say(b, "Could not copy; select the text and copy it instead."); });
    } else if (b.hasAttribute("data-download")) {
      var url = URL.createObjectURL(new Blob([textOf(b.getAttribute("data-download"))], { type: "text/plain" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = b.getAttribute("data-filename") || "download.txt";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      say(b, "Downloaded " + a.download + ".");
    } else {
      window.print();
    }
  });
  enhance(document);
})();
