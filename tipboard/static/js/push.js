/* Web Push subscription for tipboard (tipboard/notify). A button with data-push-subscribe asks the
   browser for a push subscription and posts it to data-url. The service worker at /sw.js (the
   installable app's) imports /static/js/push-sw.js, which shows the notifications. */
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function registration() {
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg || navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function say(button, text) {
    var out = document.getElementById(button.getAttribute("aria-describedby"));
    if (out) out.textContent = text;
  }

  function subscribe(button) {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(button.dataset.denied);
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        return existing || reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(button.dataset.key)
        });
      });
    }).then(function (subscription) {
      return fetch(button.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": button.dataset.csrf },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || button.dataset.failed);
        say(button, button.dataset.done);
      });
    }).catch(function (error) {
      button.disabled = false;
      say(button, error && error.message ? error.message : button.dataset.failed);
    });
  }

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  document.querySelectorAll("[data-push-subscribe]").forEach(function (button) {
    if (!supported) {
      say(button, button.dataset.unsupported);
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () { subscribe(button); });
  });
})();
