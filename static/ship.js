// Scan-to-ship comforts, loaded only on /ship; the screen works without it.
// It adds a vibration (and, if switched on, a beep) for every outcome, camera
// scanning, and dead zones: with no connection, parcels are kept on the phone
// under their own form key and sent in order when it returns. The server's
// idempotency makes a resend under the same key safe: nothing is lost or
// shipped twice.
(function () {
  "use strict";
  var root = document.getElementById("ship");
  if (!root) return;
  function $(id) { return document.getElementById(id); }
  var net = $("ship-net"), box = $("ship-queue"), list = $("queue-list");
  var me = document.querySelector('a[href="/me"][title]'), owner = me ? me.title : "";
  var STORE = "bo.ship.queue", SOUND = "bo.ship.sound";
  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: this page only */ } }

  // A problem buzzes differently from a success, so a packer who is not
  // looking at the screen notices.
  var buzz = { ok: [120], bad: [250, 100, 250, 100, 250], kept: [60, 60, 60] };
  var tones = { ok: [880], bad: [196, 196], kept: [523] };
  var sound = get(SOUND) === "1", audio;
  function signal(kind) {
    if (navigator.vibrate) navigator.vibrate(buzz[kind]);
    if (!sound) return;
    try {
      audio = audio || new AudioContext();
      audio.resume();
      tones[kind].forEach(function (f, i) {
        var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + i * 0.25;
        o.type = "square"; o.frequency.value = f; g.gain.value = 0.06;
        o.connect(g).connect(audio.destination);
        o.start(t); o.stop(t + 0.15);
      });
    } catch (e) { /* no audio here */ }
  }
  var toggle = $("f-sound");
  toggle.checked = sound;
  toggle.addEventListener("change", function () {
    sound = toggle.checked;
    put(SOUND, sound ? "1" : "0");
    signal("ok");
  });
  $("ship-sound").hidden = false;

  function settled() {
    var kind = root.querySelector('[role="alert"]') ? "bad" : root.querySelector("[data-vibrate]") ? "ok" : "";
    if (kind) signal(kind);
    if ("BarcodeDetector" in window) root.querySelectorAll("[data-scan]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("htmx:afterSettle", settled);
  settled();

  // The queue is in localStorage, shared by the tabs and the people of the
  // phone, and read again before every change so tabs do not overwrite each
  // other. Each item keeps its form's exact fields: a resend is the same
  // change under the same key.
  var queue = [], sending = null, paused = "", tries = {};
  function load() { try { queue = JSON.parse(get(STORE)) || []; } catch (e) { queue = []; } }
  function update(fn) { load(); fn(); put(STORE, JSON.stringify(queue)); show(); }
  function without(key) { queue = queue.filter(function (q) { return q.key !== key; }); }
  function mine(q) { return q.owner === owner; }
  function waiting() { return queue.filter(function (q) { return mine(q) && !q.note; }); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    e.className = cls;
    e.textContent = text || "";
    return e;
  }
  function show() {
    var own = queue.filter(mine), others = queue.length - own.length, off = navigator.onLine === false;
    box.hidden = !queue.length;
    $("queue-count").textContent = own.length;
    list.textContent = "";
    own.forEach(function (q) {
      var li = list.appendChild(el("li", "queue-item"));
      li.appendChild(el("strong", "", q.sale));
      li.append(" " + q.tracking + " ");
      li.appendChild(el("span", q.note ? "queue-attention" : "muted", new Date(q.at).toTimeString().slice(0, 5) + " · " +
        (q.note || (sending && q.key === sending.key ? "sending…" : "waiting to send"))));
      if (q.note) {
        var acts = li.appendChild(el("span", "actions")), open = acts.appendChild(el("a", "btn btn-quiet", "Open"));
        open.href = q.href;
        acts.appendChild(el("button", "btn-quiet", "Remove")).setAttribute("data-drop", q.key);
      }
    });
    if (others) list.appendChild(el("li", "muted", others + " more kept for someone else: sent when they sign in on this phone."));
    var n = waiting().length;
    net.hidden = !off && !n && !paused;
    net.textContent = paused || (off ? "No connection. Scans are kept on this phone and sent when it returns: nothing is lost or sent twice."
      : "Sending the parcels kept on this phone (" + n + ")…");
  }
  list.addEventListener("click", function (ev) {
    var key = ev.target.getAttribute("data-drop");
    if (key && confirm("Remove this parcel from the phone? Open it first if it still needs shipping.")) update(function () { without(key); });
  });

  function banner(kind, title, text) {
    root.querySelectorAll(".result").forEach(function (r) { r.remove(); });
    var b = root.insertBefore(el("div", "result result-" + kind), root.firstChild);
    b.setAttribute("role", kind === "bad" ? "alert" : "status");
    b.appendChild(el("p", "", title));
    b.appendChild(el("p", "result-text", text));
  }
  function keep(fields, sale, tracking) {
    var key = fields[0][1];
    update(function () {
      without(key);
      queue.push({ owner: owner, key: key, fields: fields, sale: sale, tracking: tracking, at: Date.now() });
    });
    banner("warn", "Kept on this phone: sale " + sale, "It is sent when the connection returns. Scan the next sale.");
    signal("kept");
    root.querySelectorAll("section.card").forEach(function (c) { c.remove(); });
    var input = $("f-sale");
    input.value = "";
    input.focus();
    setTimeout(flush, 2000);
  }
  function keepForm(form) {
    var fields = [["_idem", form.elements._idem.value]];
    new FormData(form).forEach(function (v, k) { if (k !== "_csrf" && k !== "_idem") fields.push([k, String(v)]); });
    keep(fields, form.elements.sale.value, form.elements.tracking.value.trim());
  }
  // A key like the server's (32 random bytes, base64url), made once per
  // sale scanned offline and kept with it.
  function newKey() {
    var b = crypto.getRandomValues(new Uint8Array(32));
    return btoa(String.fromCharCode.apply(null, b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  // A sale scanned offline cannot be looked up: its card asks only for the
  // tracking number, and the server checks the rest when it is sent.
  function offlineCard(lookup) {
    var sale = lookup.elements.sale.value.trim();
    if (!/^\d{1,20}$/.test(sale)) {
      banner("bad", "A sale number has only digits", "Scan the sale barcode again.");
      return signal("bad");
    }
    root.querySelectorAll("section.card, .result").forEach(function (c) { c.remove(); });
    var card = $("ship-offline").content.firstElementChild.cloneNode(true);
    card.querySelector("[data-sale]").textContent = sale;
    lookup.after(card);
    var form = card.querySelector("form"), err = card.querySelector("[data-err]"), input = form.elements.tracking;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var t = input.value.trim();
      if (t.replace(/[\s-]/g, "") === sale) {
        err.textContent = "That is the sale number: scan the carrier's label.";
        err.hidden = false;
        input.select();
        return signal("bad");
      }
      var f = [["_idem", newKey()], ["sale", sale], ["tracking", t]];
      ["notify", "reauthorize"].forEach(function (k) {
        if (lookup.elements[k] && lookup.elements[k].value === "1") f.push([k, "1"]);
      });
      keep(f, sale, t);
    });
    input.focus();
  }

  // Offline, the screen's requests are answered here; one that fails on the
  // way is kept the same way (a send whose answer was lost may have arrived:
  // its key makes the resend return the first outcome).
  function divert(elt) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (form && form.hasAttribute("data-ship-form")) keepForm(form);
    else if (form && form.hasAttribute("data-lookup-form")) offlineCard(form);
    else return false;
    return true;
  }
  document.addEventListener("htmx:beforeRequest", function (ev) {
    if (navigator.onLine === false && divert(ev.detail.elt)) ev.preventDefault();
  });
  function lost(ev) {
    if (!divert(ev.detail.elt)) net.hidden = false;
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:timeout", lost);

  // flush sends the oldest waiting parcel, then the next, one at a time so
  // they reach 2Checkout in packing order. Without an answer it stops until
  // the "online" event or the timer.
  function flush() {
    if (sending || paused || navigator.onLine === false) return;
    load();
    var q = sending = waiting()[0], token = document.querySelector('meta[name="csrf-token"]');
    show();
    if (!q) return;
    var body = new URLSearchParams(q.fields);
    body.set("_csrf", token ? token.content : "");
    fetch("/ship", { method: "POST", body: body, headers: { "HX-Request": "true" } }).then(function (res) {
      if (res.status === 204 || res.status === 401 || res.status === 403) {
        paused = "Sign in again (or reload) to send the parcels kept on this phone.";
        return false;
      }
      // At first a 409 means the first send under this key is still running.
      if (res.status === 409 && (tries[q.key] = (tries[q.key] || 0) + 1) < 4) return false;
      return res.text().then(function (html) { return answered(q, html); });
    }, function () { return false; }).then(function (next) {
      sending = null;
      show();
      if (next) flush();
    });
  }
  // answered reads the server's answer: shipped ends the item; anything else
  // keeps it on the list with the server's words, for the packer to open.
  function answered(q, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var shift = doc.querySelector('[aria-labelledby="shift-title"]'), why = doc.querySelector('[role="alert"], .result');
    if (doc.querySelector(".result-ok")) {
      update(function () { without(q.key); });
      var cur = root.querySelector('[aria-labelledby="shift-title"]');
      if (shift && cur) cur.replaceWith(document.importNode(shift, true));
      signal("ok");
      return true;
    }
    var check = doc.querySelector(".result a[href]");
    update(function () {
      queue.forEach(function (x) {
        if (x.key !== q.key) return;
        x.note = why ? why.textContent.replace(/\s+/g, " ").trim() : "Not sent: open the sale to check it.";
        x.href = check ? check.getAttribute("href") : "/ship?sale=" + encodeURIComponent(x.sale);
      });
    });
    signal("bad");
    return true;
  }
  addEventListener("online", function () { paused = ""; flush(); });
  addEventListener("offline", show);
  addEventListener("storage", function (ev) { if (ev.key === STORE) { load(); show(); } });
  setInterval(flush, 10000);
  load();
  show();
  flush();

  // Camera scanning with the browser's own barcode detector.
  var dialog = $("camera"), video = $("camera-video"), stream = null;
  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    if (dialog.open) dialog.close();
  }
  dialog.addEventListener("close", stop);
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-scan]") : null;
    if (!btn || !("BarcodeDetector" in window)) return;
    var input = $(btn.getAttribute("data-scan")), detector = new BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = video.srcObject = s;
      dialog.showModal();
      return video.play();
    }).then(function tick() {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        if (!codes.length) return requestAnimationFrame(tick);
        input.value = codes[0].rawValue;
        stop();
        input.form.requestSubmit();
      }, function () { setTimeout(tick, 250); });
    }).catch(function () {
      $("camera-status").textContent = "The camera could not be opened. Type or scan the number instead.";
      if (!dialog.open) dialog.showModal();
    });
  });
})();
