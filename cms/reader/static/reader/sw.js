/* The reader's service worker: the shell opens offline, and layer files are served only when they match
   their layer's signed manifest.

   Served at /sw.js by cms.reader.views.service_worker, which prepends SOTAY_VERSION, SOTAY_PRECACHE,
   SOTAY_SHELL_ROUTES and SOTAY_IMPORTS.

   Caches:
     sotay-shell-<version>  the shell's CSS, scripts and icons (precached; replaced when the version changes)
     sotay-blobs            layer files by sha256: a file shared by layers (the theme, Pagefind's code) is
                            stored once; a new manifest version only fetches files whose hash changed
     sotay-data             verified manifests with their signatures, the shell page, last API answers

   Layer files are answered from sotay-blobs when the current manifest lists their hash, otherwise fetched,
   hashed and checked before they are stored or shown. A file that does not match is refused with a
   Vietnamese message, and open pages are told (message "sotay-refused"). */
"use strict";

importScripts.apply(self, SOTAY_IMPORTS);

var SHELL_CACHE = "sotay-shell-" + SOTAY_VERSION;
var BLOBS = "sotay-blobs";
var DATA = "sotay-data";
var SHELL_KEY = "/__sotay/shell";
var MANIFEST_FRESH_MS = 5 * 60 * 1000;
var NETWORK_TIMEOUT_MS = 10000;
var HOLD_PARALLEL = 4;
var API_KEPT = ["/api/me", "/api/unread", "/api/saved", "/api/feedback"];
var verify = self.sotayVerify;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      var assets = SOTAY_PRECACHE.filter(function (url) { return url !== "/"; });
      return cache.addAll(assets).then(function () { return keepShellPage(); });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sotay-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "logout") {
    layers = {};
    keptUrls = {};
    event.waitUntil(Promise.all([caches.delete(DATA), caches.delete(BLOBS)]).then(function () {
      if (event.source) event.source.postMessage({ type: "sotay-cleared" });
    }));
  } else if (data.type === "keep" && Array.isArray(data.layers)) {
    keepMessage(event, data);
  } else if (data.type === "ahead" && Array.isArray(data.urls)) {
    event.waitUntil(keepAhead(data.urls).then(function (kept) { tell({ type: "sotay-ahead", kept: kept }); }));
  } else if (data.type === "hold" && Array.isArray(data.layers)) {
    event.waitUntil(hold(data.layers).then(function () {
      tell({ type: "sotay-held", layers: data.layers });
    }, function () { /* tried again on the next visit */ }));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (path === "/api/notices/version") return;  // asked every few seconds by an open home: never kept
  if (path.indexOf("/u/") === 0) {
    event.respondWith(layerRequest(event, url));
  } else if (request.mode === "navigate" && SOTAY_SHELL_ROUTES.indexOf(path) >= 0) {
    event.respondWith(shellPage(request));
  } else if (path.indexOf("/static/") === 0 || path.indexOf("/r/") === 0 || path === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  } else if (path === "/keys/signing.pub" || API_KEPT.indexOf(path) >= 0 || path.indexOf("/api/meetings") === 0 ||
             path.indexOf("/api/tasks") === 0 || path.indexOf("/api/plans") === 0 ||
             path.indexOf("/api/notices") === 0 || path.indexOf("/api/digests") === 0 ||
             (path.indexOf("/api/learning/") === 0 && !/\/audio$/.test(path)) ||
             keptUrls[path + url.search] || keptUrls[path] ||
             (request.mode === "navigate" && (path.indexOf("/sinh-hoat/") === 0 || path.indexOf("/hoc-tap/") === 0))) {
    // Meetings and the attendance page, notices, a started quiz: the last answer is kept, so the secretary can
    // mark, the home shows its notices and a quiz page opens offline.
    event.respondWith(networkFirst(request));
  }
});

/* --- network helpers ------------------------------------------------------------------------------------ */

function timedFetch(request, init) {
  var controller = typeof AbortController === "function" ? new AbortController() : null;
  var options = Object.assign({ credentials: "same-origin" }, init || {});
  if (controller) options.signal = controller.signal;
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      if (controller) controller.abort();
      reject(new Error("timeout"));
    }, NETWORK_TIMEOUT_MS);
    fetch(request, options).then(
      function (response) { clearTimeout(timer); resolve(response); },
      function (error) { clearTimeout(timer); reject(error); }
    );
  });
}

function withHeaders(response, extra) {
  var headers = new Headers(response.headers);
  // The body read here is already decoded: the server's encoding and length no longer describe it.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  Object.keys(extra).forEach(function (name) { headers.set(name, extra[name]); });
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

function page(status, title, message, extra) {
  var html = '<!doctype html><html lang="vi"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + title + "</title>" +
    "<style>body{font:18px/1.6 system-ui,sans-serif;margin:0;padding:1em;color:#111}" +
    "h1{font-size:1.4em;color:#b71c1c}a{display:inline-block;min-height:48px;line-height:48px;color:#0d47a1}" +
    "</style></head><body><main><h1>" + title + '</h1><p role="alert">' + message + "</p>" +
    '<p><a href="/">Về trang chủ sổ tay</a></p></main></body></html>';
  var headers = Object.assign({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }, extra);
  return new Response(html, { status: status, headers: headers });
}

function offlineAnswer(request) {
  var title = "Chưa có trên máy";
  var message = "Bạn đang ngoại tuyến và nội dung này chưa được lưu trên máy. Hãy mở lại khi có mạng.";
  if (request.mode === "navigate") return page(503, title, message, { "X-Sotay-Offline": "1" });
  return new Response(JSON.stringify({ detail: message, offline: true }), {
    status: 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "X-Sotay-Offline": "1" },
  });
}

function refusal(request, error) {
  var message = error.message;
  tell({ type: "sotay-refused", code: error.code, url: request.url, message: message });
  if (request.mode === "navigate") {
    return page(422, "Nội dung bị từ chối", message, { "X-Sotay-Refused": error.code });
  }
  return new Response(JSON.stringify({ detail: message, refused: error.code }), {
    status: 422,
    headers: { "Content-Type": "application/json; charset=utf-8", "X-Sotay-Refused": error.code },
  });
}

function tell(message) {
  self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

/* --- shell, static files, API ---------------------------------------------------------------------------- */

function keepShellPage() {
  return fetch("/", { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    if (response.status === 200 && response.type === "basic") {
      return caches.open(DATA).then(function (cache) { return cache.put(SHELL_KEY, response); });
    }
    return undefined;
  }).catch(function () { /* kept at the next online visit */ });
}

function shellPage(request) {
  return timedFetch(request).then(function (response) {
    if (response.status === 200 && response.type === "basic") {
      var copy = response.clone();
      caches.open(DATA).then(function (cache) { cache.put(SHELL_KEY, copy); });
    }
    return response;  // a redirect to the login page when the session has expired
  }, function () {
    return caches.open(DATA).then(function (cache) { return cache.match(SHELL_KEY); }).then(function (kept) {
      return kept || offlineAnswer(request);
    });
  });
}

function cacheFirst(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  }).catch(function () { return offlineAnswer(request); });
}

function networkFirst(request) {
  return timedFetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(DATA).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    // ignoreVary: the API varies on Accept and Cookie, and the kept answer is this member's either way
    return caches.open(DATA).then(function (cache) {
      return cache.match(request, { ignoreVary: true });
    }).then(function (kept) {
      return kept ? withHeaders(kept, { "X-Sotay-Offline": "1" }) : offlineAnswer(request);
    });
  });
}

/* --- layers ---------------------------------------------------------------------------------------------- */

var layers = {};  // layer prefix -> {manifest, text, signature, highest, checkedAt}
var refreshing = {};

function manifestKey(layer) { return "/__sotay/manifest/" + layer; }
function blobKey(sha) { return "/__sotay/blob/" + sha; }

function storedLayer(layer) {
  if (layers[layer]) return Promise.resolve(layers[layer]);
  return caches.open(DATA).then(function (cache) { return cache.match(manifestKey(layer)); }).then(function (hit) {
    if (!hit) return null;
    return hit.json().then(function (saved) {
      if (layers[layer]) return layers[layer];
      saved.manifest = JSON.parse(saved.text);
      saved.checkedAt = 0;  // refreshed at the next online request
      layers[layer] = saved;
      return saved;
    });
  });
}

/* Fetch the layer's manifest and signature, check them and keep them; resolves with the layer's state,
   rejects with a VerifyError, a network error, or {status, response} for HTTP errors (401/403/404). */
function refreshManifest(layer) {
  if (refreshing[layer]) return refreshing[layer];
  var base = "/" + layer + "/";
  var job = storedLayer(layer).then(function (known) {
    return Promise.all([
      timedFetch(base + "manifest.json", { cache: "no-cache" }),
      timedFetch(base + "manifest.json.sig", { cache: "no-cache" }),
    ]).then(function (answers) {
      var bad = answers[0].ok ? answers[1] : answers[0];
      if (!answers[0].ok || !answers[1].ok) throw { status: bad.status, response: bad };
      return Promise.all([answers[0].arrayBuffer(), answers[1].text()]);
    }).then(function (parts) {
      var highest = known ? known.highest : 0;
      return verify.checkManifest(layer, parts[0], parts[1], { minVersion: highest }).then(function (manifest) {
        var state = {
          manifest: manifest,
          text: new TextDecoder("utf-8").decode(parts[0]),
          signature: parts[1].trim(),
          highest: Math.max(highest, manifest.version),
          checkedAt: Date.now(),
        };
        layers[layer] = state;
        var saved = JSON.stringify({ text: state.text, signature: state.signature, highest: state.highest });
        return caches.open(DATA).then(function (cache) {
          return cache.put(manifestKey(layer), new Response(saved, { headers: { "Content-Type": "application/json" } }));
        }).then(function () {
          if (!known || known.manifest.version !== manifest.version) {
            renewKeptParts(known, state).then(function (complete) { if (complete) collectGarbage(); });
          }
          return state;
        });
      });
    });
  });
  refreshing[layer] = job;
  var done = function () { delete refreshing[layer]; };
  job.then(done, done);
  return job;
}

function manifestAnswer(state, extra) {
  var headers = Object.assign({
    "Content-Type": "application/json; charset=utf-8",
    "X-Sotay-Signature": state.signature,
    "X-Sotay-Verified": "1",
  }, extra || {});
  return new Response(state.text, { status: 200, headers: headers });
}

function manifestRequest(request, layer) {
  return refreshManifest(layer).then(function (state) { return manifestAnswer(state); }, function (error) {
    if (verify.isVerifyError(error)) {
      if (error.code === "rollback" && layers[layer]) return manifestAnswer(layers[layer]);
      return refusal(request, error);
    }
    if (error && error.response) return error.response;
    return storedLayer(layer).then(function (state) {
      return state ? manifestAnswer(state, { "X-Sotay-Offline": "1" }) : offlineAnswer(request);
    });
  });
}

function signatureRequest(request, layer) {
  return storedLayer(layer).then(function (state) {
    if (state && Date.now() - state.checkedAt < MANIFEST_FRESH_MS) {
      return new Response(state.signature, { headers: { "Content-Type": "text/plain" } });
    }
    return timedFetch(request).catch(function () {
      return state ? new Response(state.signature, { headers: { "Content-Type": "text/plain" } })
        : offlineAnswer(request);
    });
  });
}

function layerRequest(event, url) {
  var request = event.request;
  var where = verify.splitLayerPath(url.pathname);
  if (!where) return fetch(request);
  if (where.rel === "manifest.json") return manifestRequest(request, where.layer);
  if (where.rel === "manifest.json.sig") return signatureRequest(request, where.layer);
  return storedLayer(where.layer).then(function (state) {
    if (state && Date.now() - state.checkedAt < MANIFEST_FRESH_MS) return state;
    var fresh = refreshManifest(where.layer);
    if (state) {
      event.waitUntil(fresh.catch(function () { /* keep using the stored manifest */ }));
      return state;
    }
    return fresh;
  }).then(function (state) {
    return layerFile(event, where, state, false);
  }, function (error) {
    if (verify.isVerifyError(error)) return refusal(request, error);
    // No manifest for this member (expired session, another unit's layer, no such layer): the server's own
    // answer for the file itself, so a login redirect or the gate's 403 reaches the page unchanged.
    if (error && error.response) return fetch(request).catch(function () { return offlineAnswer(request); });
    return offlineAnswer(request);
  });
}

/* A manifest part, from the kept blobs or the network; verify.entryFor checks it against the head. */
function loadPart(manifest, part) {
  var entry = manifest.files[part];
  return caches.open(BLOBS).then(function (blobs) {
    return blobs.match(blobKey(entry.sha256)).then(function (hit) {
      if (hit) return hit.arrayBuffer();
      return timedFetch("/" + manifest.layer + "/" + part, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) throw { status: response.status, response: response };
        return response.arrayBuffer().then(function (bytes) {
          return verify.checkFile(manifest, part, bytes).then(function () {
            blobs.put(blobKey(entry.sha256), new Response(bytes, { headers: { "Content-Type": "application/json" } }));
            return bytes;
          });
        });
      });
    });
  });
}

function entryOf(state, rel) {
  return verify.entryFor(state.manifest, rel, loadPart);
}

function layerFile(event, where, state, retried) {
  return entryOf(state, where.rel).then(function (entry) {
    return layerFileEntry(event, where, state, retried, entry);
  }, function (error) {
    if (verify.isVerifyError(error)) return refusal(event.request, error);
    if (error && error.response) return fetch(event.request).catch(function () { return offlineAnswer(event.request); });
    return offlineAnswer(event.request);
  });
}

function layerFileEntry(event, where, state, retried, entry) {
  var request = event.request;
  if (!entry) {
    return timedFetch(request).then(function (response) {
      // Files the manifest does not list are not part of the signed layer: only errors pass through.
      return response.ok ? refusal(request, verify.VerifyError("missing", where.rel)) : response;
    }, function () { return offlineAnswer(request); });
  }
  return caches.open(BLOBS).then(function (blobs) {
    return blobs.match(blobKey(entry.sha256)).then(function (hit) {
      if (hit) return answerFromBlob(hit, request);
      return timedFetch(request.url, { cache: "no-cache" }).then(function (response) {
        if (!response.ok) return response;
        if (/^audio\//.test(response.headers.get("Content-Type") || "") && response.body && response.body.tee) {
          return streamAndKeep(event, response, entry, blobs, where);
        }
        return response.arrayBuffer().then(function (bytes) {
          return verify.checkFile(state.manifest, where.rel, bytes, loadPart).then(function () {
            var type = response.headers.get("Content-Type") || "application/octet-stream";
            blobs.put(blobKey(entry.sha256), new Response(bytes, { headers: { "Content-Type": type } }));
            return new Response(bytes, { status: 200, headers: { "Content-Type": type, "X-Sotay-Verified": "1" } });
          }, function (error) {
            if (retried) throw error;
            // Perhaps the layer was published again since our manifest: check against the newest one.
            return refreshManifest(where.layer).then(function (newer) {
              if (newer.manifest.version === state.manifest.version) throw error;
              return layerFile(event, where, newer, true);
            });
          });
        });
      }, function () { return offlineAnswer(request); });
    });
  }).catch(function (error) {
    if (verify.isVerifyError(error)) return refusal(request, error);
    return offlineAnswer(request);
  });
}

/* Audio plays while it downloads; the second branch is hashed and kept only if it matches the manifest. */
function streamAndKeep(event, response, entry, blobs, where) {
  var branches = response.body.tee();
  var type = response.headers.get("Content-Type");
  event.waitUntil(new Response(branches[1]).arrayBuffer().then(function (bytes) {
    return verify.sha256(bytes).then(function (digest) {
      if (digest === entry.sha256 && bytes.byteLength === entry.length) {
        return blobs.put(blobKey(entry.sha256), new Response(bytes, { headers: { "Content-Type": type } }));
      }
      tell({ type: "sotay-refused", code: "hash", url: response.url, message: verify.messages.hash });
      return undefined;
    });
  }).catch(function () { /* an interrupted download is simply not kept */ }));
  return new Response(branches[0], { status: 200, headers: { "Content-Type": type, "X-Sotay-Streamed": where.rel } });
}

/* The audio element asks for byte ranges; a kept file answers them itself. */
function answerFromBlob(hit, request) {
  var range = request.headers.get("Range");
  if (!range) return withHeaders(hit, { "X-Sotay-Verified": "1", "X-Sotay-Cached": "1" });
  return hit.arrayBuffer().then(function (bytes) {
    var match = /bytes=(\d*)-(\d*)/.exec(range);
    var size = bytes.byteLength;
    var start = match && match[1] ? Number(match[1]) : 0;
    var end = match && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (match && !match[1] && match[2]) {  // "bytes=-500": the last 500 bytes
      start = Math.max(0, size - Number(match[2]));
      end = size - 1;
    }
    if (start >= size) {
      return new Response("", { status: 416, headers: { "Content-Range": "bytes */" + size } });
    }
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: {
        "Content-Type": hit.headers.get("Content-Type") || "application/octet-stream",
        "Content-Range": "bytes " + start + "-" + end + "/" + size,
        "Content-Length": String(end - start + 1),
        "X-Sotay-Cached": "1",
      },
    });
  });
}

/* Kept without asking, on every visit: each layer's feed, search listing and theme files (the newest
   articles and what pages need to show). Everything larger — all articles with their images and files, audio,
   search indexes, extras such as a digest — only when the member chose it in "Tải về máy" (choice kept in
   DATA under KEEP_KEY, re-applied here so updates of the chosen things arrive; with "chỉ qua Wi-Fi" only on
   Wi-Fi). */
var KEEP_KEY = "/__sotay/keep";
var KINDS_TOPS = { text: ["a", "luu-tru"], audio: ["audio"], search: ["pagefind-recent", "pagefind-archive"] };
var keptUrls = {};  // extras chosen for offline reading: answered network first, kept answer offline

function readChoice() {
  return caches.open(DATA).then(function (cache) { return cache.match(KEEP_KEY); }).then(function (hit) {
    return hit ? hit.json() : null;
  }).catch(function () { return null; });
}
readChoice().then(function (choice) { rememberExtras(choice); });

function rememberExtras(choice) {
  keptUrls = {};
  ((choice && choice.extras) || []).forEach(function (url) { keptUrls[url] = true; });
}

function onWifi() {
  var connection = self.navigator && self.navigator.connection;
  if (!connection || !connection.type) return true;  // not known here: the page said so when choosing
  return connection.type === "wifi" || connection.type === "ethernet";
}

function hold(prefixes) {
  return prefixes.reduce(function (previous, layer) {
    return previous.then(function () {
      return refreshManifest(layer).then(function (state) { return holdLayer(layer, state); }, function () {});
    });
  }, Promise.resolve()).then(readChoice).then(function (choice) {
    if (choice && (!choice.wifiOnly || onWifi())) return keepChosen(choice, prefixes);
    return undefined;
  });
}

// x.css.br, x.html.gz: the server's precompressed copies of files kept here anyway (site_builder/compress.py).
function isSibling(rel) { return /\.(html|css|js|json|svg|xml|txt|map)\.(gz|br)$/.test(rel); }

function holdLayer(layer, state) {
  var manifest = state.manifest;
  var wanted = Object.keys(manifest.files).filter(function (rel) {
    return (rel === "feed.json" || rel === "search.json" || rel.indexOf("assets/") === 0) && !isSibling(rel);
  });
  return keepFiles(layer, state, wanted, manifest.files);
}

/* The chosen kinds (text, audio, search) of each layer, and the chosen extras. Resolves with bytes kept. */
function keepChosen(choice, prefixes) {
  var tops = [];
  (choice.kinds || []).forEach(function (kind) { tops = tops.concat(KINDS_TOPS[kind] || []); });
  var counted = { bytes: 0 };
  return prefixes.reduce(function (previous, layer) {
    return previous.then(function () {
      return refreshManifest(layer).then(function (state) {
        return keepTops(layer, state, tops, counted);
      }, function () {});
    });
  }, Promise.resolve()).then(function () {
    return keepExtras(choice.extras || [], counted);
  }).then(function () { return counted.bytes; });
}

function keepTops(layer, state, tops, counted) {
  if (!tops.length) return Promise.resolve();
  var manifest = state.manifest;
  function chosen(rel) { return tops.indexOf(rel.split("/")[0]) >= 0; }
  var wanted = Object.keys(manifest.files).filter(function (rel) { return chosen(rel) && !isSibling(rel); });
  var parts = Object.keys(manifest.files).filter(function (rel) {
    return rel.indexOf("manifest/") === 0 && tops.some(function (top) { return rel.indexOf("manifest/" + top + "-") === 0; });
  });
  var files = {};
  wanted.forEach(function (rel) { files[rel] = manifest.files[rel]; });
  // Files listed by parts: the parts first (small), then the files they list.
  return parts.reduce(function (previous, part) {
    return previous.then(function () {
      return verify.partFiles(manifest, part, loadPart).then(function (listed) {
        Object.keys(listed).forEach(function (rel) {
          if (!isSibling(rel)) { files[rel] = listed[rel]; wanted.push(rel); }
        });
      });
    });
  }, Promise.resolve()).then(function () {
    wanted.forEach(function (rel) { counted.bytes += files[rel].length; });
    return keepFiles(layer, state, wanted, files);
  });
}

function keepExtras(urls, counted) {
  return caches.open(DATA).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return timedFetch(url).then(function (response) {
        if (!response.ok) return undefined;
        var size = Number(response.headers.get("Content-Length") || 0);
        counted.bytes += size;
        return cache.put(url, response);
      }).catch(function () { /* kept at the next visit */ });
    }));
  });
}

function keepMessage(event, data) {
  var choice = { kinds: data.kinds || [], extras: data.extras || [], wifiOnly: Boolean(data.wifiOnly) };
  rememberExtras(choice);
  event.waitUntil(caches.open(DATA).then(function (cache) {
    return cache.put(KEEP_KEY, new Response(JSON.stringify(choice), { headers: { "Content-Type": "application/json" } }));
  }).then(function () {
    if (data.start === false) return undefined;
    return keepChosen(choice, data.layers || []).then(function (bytes) {
      tell({ type: "sotay-kept", bytes: bytes });
    });
  }).then(undefined, function () { tell({ type: "sotay-kept", failed: true }); }));
}

function keepFiles(layer, state, wanted, files) {
  return caches.open(BLOBS).then(function (blobs) {
    var queue = wanted.slice();
    function keepNext() {
      var rel = queue.shift();
      if (rel === undefined) return Promise.resolve();
      var entry = files[rel];
      return blobs.match(blobKey(entry.sha256)).then(function (hit) {
        if (hit) return undefined;
        return timedFetch("/" + layer + "/" + rel).then(function (response) {
          if (!response.ok) return undefined;
          var type = response.headers.get("Content-Type") || "application/octet-stream";
          return response.arrayBuffer().then(function (bytes) {
            return verify.checkFile(state.manifest, rel, bytes, loadPart).then(function () {
              return blobs.put(blobKey(entry.sha256), new Response(bytes, { headers: { "Content-Type": type } }));
            });
          });
        }).catch(function () { /* skipped; fetched when opened */ });
      }).then(keepNext);
    }
    // A few at a time: a search index is hundreds of small files, and on 3G each one waits a round trip.
    var lanes = [];
    for (var i = 0; i < HOLD_PARALLEL; i++) lanes.push(keepNext());
    return Promise.all(lanes);
  });
}

/* A new version rewrites the parts of changed directories. Parts kept from the old version are fetched anew
   (a few kB each) before garbage is collected, so pages read earlier stay readable offline. Resolves false
   when one could not be fetched: the garbage then waits. */
function renewKeptParts(known, state) {
  if (!known) return Promise.resolve(true);
  var old = known.manifest.files;
  var now = state.manifest.files;
  var renewed = Object.keys(old).filter(function (rel) {
    return rel.indexOf("manifest/") === 0 && now[rel] && now[rel].sha256 !== old[rel].sha256;
  });
  return caches.open(BLOBS).then(function (blobs) {
    return Promise.all(renewed.map(function (part) {
      return blobs.match(blobKey(old[part].sha256)).then(function (hit) {
        if (!hit) return true;
        return verify.partFiles(state.manifest, part, loadPart).then(function () { return true; }, function () {
          return false;
        });
      });
    }));
  }).then(function (results) { return results.indexOf(false) < 0; }, function () { return false; });
}

/* Drop kept files that no kept manifest lists any more. */
var collecting = null;
function collectGarbage() {
  if (collecting) return collecting;
  collecting = caches.open(DATA).then(function (data) {
    return data.keys().then(function (requests) {
      var prefix = self.location.origin + "/__sotay/manifest/";
      var names = requests.map(function (r) { return r.url; }).filter(function (u) { return u.indexOf(prefix) === 0; });
      return Promise.all(names.map(function (u) { return storedLayer(u.slice(prefix.length)); }));
    });
  }).then(function (states) {
    var live = {};
    var kept = [];  // parts already on the phone: the files they list stay too
    states.forEach(function (state) {
      if (!state) return;
      Object.keys(state.manifest.files).forEach(function (rel) {
        live[state.manifest.files[rel].sha256] = true;
        if (rel.indexOf("manifest/") === 0) kept.push({ state: state, part: rel });
      });
    });
    return caches.open(BLOBS).then(function (blobs) {
      return Promise.all(kept.map(function (item) {
        return blobs.match(blobKey(item.state.manifest.files[item.part].sha256)).then(function (hit) {
          if (!hit) return undefined;
          return verify.partFiles(item.state.manifest, item.part, loadPart).then(function (listed) {
            Object.keys(listed).forEach(function (rel) { live[listed[rel].sha256] = true; });
          });
        });
      })).then(function () { return blobs; });
    }).then(function (blobs) {
      return blobs.keys().then(function (requests) {
        return Promise.all(requests.filter(function (r) {
          return !live[r.url.slice(r.url.lastIndexOf("/") + 1)];
        }).map(function (r) { return blobs.delete(r); }));
      });
    });
  }).catch(function () {}).then(function () { collecting = null; });
  return collecting;
}

/* --- read ahead: the coming meetings' materials ----------------------------------------------------------
   The home hands over the material URLs of the coming meetings ("ahead"). Each article is kept exactly as an
   opened one: its page and the images it shows, checked against the signed manifest, stored by hash (so they
   live and die with the layer's manifest like everything else here). A material's text is a few tens of kB,
   within what is kept without asking; its audio only when the member chose audio in "Tải về máy" (and, with
   "chỉ qua Wi-Fi", only on Wi-Fi). Attachments wait for the "text" choice or a tap. Resolves with the URLs
   whose page is on the phone. */
function keepAhead(urls) {
  return readChoice().then(function (choice) {
    var audio = Boolean(choice && (choice.kinds || []).indexOf("audio") >= 0 && (!choice.wifiOnly || onWifi()));
    var kept = [];
    return urls.reduce(function (previous, url) {
      return previous.then(function () {
        return keepArticle(url, audio).then(function (ok) { if (ok) kept.push(url); }, function () {});
      });
    }, Promise.resolve()).then(function () { return kept; });
  });
}

function freshLayer(layer) {
  return storedLayer(layer).then(function (state) {
    if (state && Date.now() - state.checkedAt < MANIFEST_FRESH_MS) return state;
    return refreshManifest(layer).catch(function () { return state; });
  });
}

function keepArticle(url, withAudio) {
  var base = new URL(url, self.location.origin);
  var where = base.origin === self.location.origin && verify.splitLayerPath(base.pathname);
  if (!where) return Promise.resolve(false);
  return freshLayer(where.layer).then(function (state) {
    if (!state) return false;
    return keepRels(where.layer, state, [where.rel]).then(function () {
      return entryOf(state, where.rel);
    }).then(function (entry) {
      if (!entry) return false;
      return caches.open(BLOBS).then(function (blobs) { return blobs.match(blobKey(entry.sha256)); }).then(function (hit) {
        if (!hit) return false;
        return hit.text().then(function (html) {
          var rels = referencedFiles(html, base, where.layer).filter(function (rel) {
            return rel.indexOf("assets/") !== 0 && (withAudio || rel.indexOf("audio/") !== 0);
          });
          return keepRels(where.layer, state, rels);
        }).then(function () { return true; });
      });
    });
  });
}

/* Files of the same layer a page shows: src and srcset of images, the audio's src. */
function referencedFiles(html, base, layer) {
  var found = {};
  var pattern = /\s(src|srcset|data-src)="([^"]+)"/g;
  var match;
  while ((match = pattern.exec(html))) {
    var values = match[1] === "srcset" ? match[2].split(",").map(function (s) { return s.trim().split(/\s+/)[0]; })
      : [match[2]];
    values.forEach(function (value) {
      var target;
      try { target = new URL(value.replace(/&amp;/g, "&"), base); } catch (e) { return; }
      if (target.origin !== self.location.origin) return;
      var at = verify.splitLayerPath(target.pathname);
      if (at && at.layer === layer) found[at.rel] = true;
    });
  }
  return Object.keys(found);
}

function keepRels(layer, state, rels) {
  var files = {};
  return Promise.all(rels.map(function (rel) {
    return entryOf(state, rel).then(function (entry) { if (entry) files[rel] = entry; }, function () {});
  })).then(function () { return keepFiles(layer, state, Object.keys(files), files); });
}

/* --- meeting reminders (Web Push) -------------------------------------------------------------------------- */

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Sổ tay đảng viên", {
    body: data.body || "", tag: data.tag, icon: SOTAY_PRECACHE.filter(function (u) { return /icon-192/.test(u); })[0],
    data: { url: data.url || "/" }, lang: "vi",
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    for (var i = 0; i < clients.length; i++) {
      if ("focus" in clients[i]) { clients[i].navigate(url); return clients[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
