// On every page: the service worker (the tip form with no connection), the store of reports kept
// on this phone (tip-form.js), and the header menu closing on Escape or a tap elsewhere.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); });
  }

  // Reports kept in IndexedDB: "draft" (the one being written) and "queued:<key>" (waiting to be sent).
  function open() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open("tipboard", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("reports"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("reports", mode), request = work(tx.objectStore("reports"));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  var store = window.tipboardReports = {
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
    put: function (key, value) { return run("readwrite", function (s) { return s.put(value, key); }); },
    del: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    queued: function () {
      return run("readonly", function (s) { return s.getAll(); }).then(function (all) {
        return (all || []).filter(function (r) { return r && r.queued; }).sort(function (a, b) { return a.saved - b.saved; });
      });
    }
  };

  // The receipt page: the report sent the ordinary way has arrived; it is no longer kept.
  if (document.getElementById("tracking-secret")) {
    store.get("draft").then(function (draft) { if (draft && draft.sent) return store.del("draft"); }).catch(function () {});
  }

  // A table wider than the phone scrolls sideways in its wrapper: reachable by keyboard too.
  Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) wrap.tabIndex = 0;
  });

  var menu = document.querySelector("details.menu");
  if (menu) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (e) { if (menu.open && !menu.contains(e.target)) menu.open = false; });
  }
})();
