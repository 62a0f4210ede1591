// The receipt's QR link carries the secret in the URL fragment (#s=...), which browsers never
// send to the server or in a Referer; fill it into the form for the reporter.
(function () {
  "use strict";
  var m = /[#&]s=([0-9A-Za-z-]+)/.exec(window.location.hash);
  var field = document.getElementById("secret");
  if (m && field && !field.value) field.value = m[1];
  if (m) history.replaceState(null, "", window.location.pathname + window.location.search);
})();
