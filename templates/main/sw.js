{#- The service worker (tipboard/main/webapp.py serves it at /sw.js). It keeps the tip form, its
    script and styles, and shows them when there is no connection. Reports written offline are
    kept by the page itself (static/js/offline-reports.js), never here. -#}
"use strict";
var VERSION = {{ version|tojson }};
var CACHE = "tipboard-" + VERSION;
var OFFLINE_PAGE = {{ offline_page|tojson }};
var PRECACHE = {{ precache|tojson }};
{% if push_available %}
// Web Push (the notify blueprint), when it is installed.
try { importScripts({{ push_script|tojson }}); } catch (e) { /* no push on this install */ }
{% endif %}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PRECACHE.map(function (url) { return new Request(url, { credentials: "same-origin" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("tipboard-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // reports are sent by the page, never replayed here
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;  // map tiles: the network only
  if (request.mode === "navigate") {
    // Pages come from the network. Only the tip form is kept (never a private page); with no
    // connection any page answers with the kept form, where a report can still be written.
    var isForm = url.pathname === OFFLINE_PAGE && !url.search;
    event.respondWith(fetch(request).then(function (response) {
      return isForm ? keep(OFFLINE_PAGE, response) : response;
    }).catch(function () {
      return caches.match(OFFLINE_PAGE).then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    // Static files: the network when it answers (so a changed file is seen), else the cache.
    event.respondWith(fetch(request).then(function (response) { return keep(request, response); })
      .catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
      }));
  }
});
