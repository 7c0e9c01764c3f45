// Scan-to-ship comforts, loaded only on /ship. The screen works without it;
// this adds the success vibration, what to do when the connection drops, and
// camera scanning where the browser has a barcode detector.
(function () {
  "use strict";
  var root = document.getElementById("ship");
  if (!root) return;
  var net = document.getElementById("ship-net");
  function offline(on) { if (net) net.hidden = !on; }

  function settled() {
    offline(false);
    if (root.querySelector("[data-vibrate]") && navigator.vibrate) navigator.vibrate(120);
    if ("BarcodeDetector" in window) {
      root.querySelectorAll("[data-scan]").forEach(function (b) { b.hidden = false; });
    }
  }
  document.addEventListener("htmx:afterSettle", settled);
  settled();

  // A parcel whose answer never came: the form and its scans stay as they
  // are, and the server is asked what became of this form key before the
  // packer sends again. Resending the same form is safe either way: the key
  // makes a repeat return the first outcome.
  function lost(ev) {
    offline(true);
    var elt = ev.detail && ev.detail.elt;
    var form = elt && elt.closest ? elt.closest("[data-ship-form]") : null;
    if (!form || !window.htmx) return;
    var q = new URLSearchParams();
    q.set("sale", form.elements.sale.value);
    q.set("check", form.elements._idem.value);
    q.set("tracking", form.elements.tracking.value);
    var inv = form.querySelector("[name=invoice_id]:checked");
    if (inv) q.set("invoice_id", inv.value);
    setTimeout(function () { window.htmx.ajax("GET", "/ship?" + q.toString(), { target: "#ship" }); }, 1500);
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:timeout", lost);
  window.addEventListener("offline", function () { offline(true); });
  window.addEventListener("online", function () { offline(false); });

  // Camera scanning with the browser's own barcode detector.
  var dialog = document.getElementById("camera");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  var stream = null;
  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    if (dialog.open) dialog.close();
  }
  dialog.addEventListener("close", stop);
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-scan]") : null;
    if (!btn || !("BarcodeDetector" in window)) return;
    var input = document.getElementById(btn.getAttribute("data-scan"));
    var detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      dialog.showModal();
      return video.play();
    }).then(function tick() {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        if (codes.length) {
          input.value = codes[0].rawValue;
          stop();
          input.form.requestSubmit();
        } else {
          requestAnimationFrame(tick);
        }
      }, function () { setTimeout(tick, 250); });
    }).catch(function () {
      status.textContent = "The camera could not be opened. Type or scan the number instead.";
      if (!dialog.open) dialog.showModal();
    });
  });
})();
