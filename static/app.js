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
    if (el.select && el.closest(".ship")) el.select();
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

  document.addEventListener("htmx:afterSwap", function (ev) { autofocus(ev.detail.target || ev.detail.elt); });
  if (document.querySelector('main [aria-invalid="true"]')) {
    autofocus(document.querySelector("main"));
  }
})();
