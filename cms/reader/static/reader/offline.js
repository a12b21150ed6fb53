/* "Tải về máy": the member chooses what to keep on the phone for reading without a network, seeing the size of
   each thing before anything is downloaded.

   Sizes come from each layer's signed manifest (the head lists its files and, for directories split into
   parts, their total bytes in "sizes"), checked here with sotayVerify; extras (this week's digest, …) come from
   /api/offline-items, which other parts of sotay fill. The choice goes to the service worker ("keep"), which
   downloads, checks every file against the manifest and keeps the choice, so later visits bring updates of
   the chosen things (with "chỉ qua Wi-Fi", only on Wi-Fi). Loaded only on /tai-ve/.

   Plain ES2017 without optional chaining, like shell.js. */
(function () {
  "use strict";

  var KINDS = [
    { key: "text", label: "Toàn bộ bài viết, kèm ảnh và tệp đính kèm", tops: ["a", "luu-tru"] },
    { key: "audio", label: "Âm thanh nghe đọc", tops: ["audio"] },
    { key: "search", label: "Chỉ mục tìm kiếm khi không có mạng", tops: ["pagefind-recent", "pagefind-archive"] },
  ];
  var ALWAYS = ["feed.json", "search.json", "assets"];
  var CHOICE = "sotay.keep";

  function size(bytes) {
    if (bytes < 1000 * 1000) return Math.max(1, Math.round(bytes / 1000)) + " kB";
    return (bytes / 1e6).toFixed(1).replace(".", ",") + " MB";
  }

  /* Bytes of the files under `top` in a verified head: listed directly, or through parts ("sizes"). */
  function bytesUnder(manifest, top) {
    var total = (manifest.sizes && manifest.sizes[top]) || 0;
    Object.keys(manifest.files).forEach(function (rel) {
      if (rel === top || rel.indexOf(top + "/") === 0 || rel.indexOf("manifest/" + top + "-") === 0) {
        total += manifest.files[rel].length;
      }
    });
    return total;
  }

  function layerManifest(layer) {
    var base = "/" + layer + "/";
    var options = { credentials: "same-origin", cache: "no-cache" };
    return Promise.all([fetch(base + "manifest.json", options), fetch(base + "manifest.json.sig", options)])
      .then(function (answers) {
        if (!answers[0].ok) return null;
        var signature = answers[0].headers.get("X-Sotay-Signature");
        return Promise.all([answers[0].arrayBuffer(), signature || (answers[1].ok ? answers[1].text() : "")]);
      }).then(function (parts) {
        if (!parts) return null;
        return window.sotayVerify.checkManifest(layer, parts[0], parts[1], { allowExpired: true });
      }).catch(function (error) {
        if (window.sotayVerify.isVerifyError(error)) throw error;
        return null;
      });
  }

  function extras() {
    return fetch("/api/offline-items", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) { return data.items || []; }, function () { return []; });
  }

  function savedChoice() {
    try { return JSON.parse(localStorage.getItem(CHOICE) || "null"); } catch (e) { return null; }
  }

  function wifiState() {
    var c = navigator.connection;
    if (!c || !c.type) return "unknown";
    return c.type === "wifi" || c.type === "ethernet" ? "wifi" : "other";
  }

  window.sotayOfflinePage = function (shell) {
    var el = shell.el;
    var $ = function (id) { return document.getElementById(id); };
    var status = $("offline-status");
    return Promise.all([Promise.all(shell.me.layers.map(layerManifest)), extras()]).then(function (found) {
      var manifests = found[0].filter(Boolean);
      var items = found[1];
      var saved = savedChoice() || { kinds: [], extras: [], wifiOnly: false };
      var always = 0;
      manifests.forEach(function (m) { ALWAYS.forEach(function (top) { always += bytesUnder(m, top); }); });
      var box = $("offline-choices");
      box.textContent = "";
      box.appendChild(el("p", { class: "status", id: "offline-always",
        text: "Luôn có trên máy: giao diện và tin mới nhất (" + size(always) + ")." }));
      function option(id, label, bytes, checked, data) {
        var input = el("input", { type: "checkbox", id: id, "data-bytes": String(bytes) });
        Object.keys(data).forEach(function (k) { input.setAttribute("data-" + k, data[k]); });
        input.checked = checked;
        var row = el("label", { class: "check offline-choice", for: id }, [
          input, document.createTextNode(" " + label + " "),
          el("span", { class: "offline-size", text: "(" + size(bytes) + ")" }),
        ]);
        box.appendChild(row);
        return input;
      }
      var inputs = KINDS.map(function (kind) {
        var bytes = 0;
        manifests.forEach(function (m) { kind.tops.forEach(function (top) { bytes += bytesUnder(m, top); }); });
        return option("keep-" + kind.key, kind.label, bytes, saved.kinds.indexOf(kind.key) >= 0, { kind: kind.key });
      });
      items.forEach(function (item) {
        var chosen = item.urls.every(function (u) { return saved.extras.indexOf(u) >= 0; });
        inputs.push(option("keep-" + item.key, item.label, item.bytes, chosen && item.urls.length > 0,
          { urls: JSON.stringify(item.urls) }));
      });
      var total = el("p", { class: "status", id: "offline-total" });
      box.appendChild(total);
      function sum() {
        var bytes = inputs.reduce(function (n, i) { return n + (i.checked ? Number(i.getAttribute("data-bytes")) : 0); }, 0);
        total.textContent = bytes ? "Đã chọn: " + size(bytes) + "." : "Chưa chọn mục nào.";
      }
      inputs.forEach(function (i) { i.addEventListener("change", sum); });
      sum();
      $("offline-wifi").checked = Boolean(saved.wifiOnly);
      if (wifiState() === "unknown") {
        $("offline-wifi").parentNode.appendChild(el("span", { class: "status",
          text: " (máy này không cho biết đang dùng Wi-Fi hay mạng di động)" }));
      }
      navigator.serviceWorker && navigator.serviceWorker.addEventListener("message", function (event) {
        var data = event.data || {};
        if (data.type !== "sotay-kept") return;
        document.documentElement.setAttribute("data-sotay-kept", data.failed ? "failed" : String(data.bytes));
        status.textContent = data.failed ? "Chưa tải được. Hãy thử lại khi có mạng."
          : "Đã tải về máy: " + size(data.bytes) + ". Có thể đọc khi không có mạng.";
      });
      $("offline-form").addEventListener("submit", function (event) {
        event.preventDefault();
        var choice = { kinds: [], extras: [], wifiOnly: $("offline-wifi").checked };
        inputs.forEach(function (i) {
          if (!i.checked) return;
          if (i.getAttribute("data-kind")) choice.kinds.push(i.getAttribute("data-kind"));
          else choice.extras = choice.extras.concat(JSON.parse(i.getAttribute("data-urls")));
        });
        try { localStorage.setItem(CHOICE, JSON.stringify(choice)); } catch (e) { /* the worker keeps it too */ }
        var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
        if (!worker) {
          status.textContent = "Trình duyệt này không lưu được nội dung để đọc khi không có mạng.";
          return;
        }
        var waitWifi = choice.wifiOnly && wifiState() === "other";
        document.documentElement.removeAttribute("data-sotay-kept");
        worker.postMessage({ type: "keep", layers: shell.me.layers, kinds: choice.kinds, extras: choice.extras,
          wifiOnly: choice.wifiOnly, start: !waitWifi && navigator.onLine !== false });
        status.textContent = waitWifi ? "Đã ghi lựa chọn. Sẽ tải khi máy kết nối Wi-Fi."
          : navigator.onLine === false ? "Đã ghi lựa chọn. Sẽ tải khi có mạng." : "Đang tải về máy…";
      });
      shell.ready("offline");
    }, function (error) {
      if (window.sotayVerify.isVerifyError(error)) shell.refused(error.message);
      $("offline-choices").textContent = "Không tính được dung lượng. Hãy mở lại khi có mạng.";
      shell.ready("offline");
    });
  };
})();
