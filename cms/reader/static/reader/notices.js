/* Thông báo khẩn on top of the home until the member taps "Đã xem", and the cell's latest bản tin.

   Reads /api/notices?unseen=1 when the home opens, when /api/notices/version (asked every 3 s while the home
   is shown) changes, every 60 s if that is not answered, and when the phone comes back to it (a push brings
   the member here); "Đã xem" is POST /api/notices/<id>/seen (replaying it is harmless).
   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var POLL_MS = 60000;
  var VIETNAM_MS = 7 * 3600000;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function when(iso) {
    var d = new Date(Date.parse(iso) + VIETNAM_MS);
    return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " " + two(d.getUTCDate()) + "/" +
      two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      var version = r.headers.get("X-Sotay-Notices-Version");  // as of these notices: the watch's baseline
      if (version) watched.version = version;
      return r.json();
    });
  }

  function card(notice, box) {
    var item = el("section", { class: "notice", "data-notice": String(notice.id), role: "alert" });
    item.appendChild(el("p", { class: "notice-label", text: "Thông báo khẩn" }));
    item.appendChild(el("h2", { class: "notice-title", text: notice.title }));
    notice.body.split(/\n+/).forEach(function (line) { item.appendChild(el("p", { text: line })); });
    item.appendChild(el("p", { class: "notice-from", text: notice.unit.name + " — " + when(notice.sent_at) }));
    var status = el("p", { class: "status", role: "status" });
    var button = el("button", { type: "button", class: "btn primary notice-seen", text: "Đã xem" });
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch("/api/notices/" + notice.id + "/seen", { method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() } }).then(function (r) {
        if (!r.ok && r.status !== 404) throw new Error(String(r.status));
        item.parentNode.removeChild(item);
        if (!box.querySelector(".notice")) box.hidden = true;
      }).catch(function (error) {
        if (error instanceof TypeError && window.sotayOutbox && window.sotayOutbox.noticeSeen) {
          // No network: kept on the phone and sent once when it is back (receipts.js, the outbox).
          markSeen(notice.id, true);
          window.sotayOutbox.noticeSeen(notice.id);
          item.parentNode.removeChild(item);
          if (!box.querySelector(".notice")) box.hidden = true;
          return;
        }
        button.disabled = false;
        status.textContent = "Chưa gửi được xác nhận; hãy thử lại khi có mạng.";
      });
    });
    item.appendChild(button);
    item.appendChild(status);
    return item;
  }

  /* Notices seen on this phone whose "Đã xem" may still wait in the outbox: not shown again from a kept answer. */
  var SEEN = "sotay.notices.seen";
  function seenHere() { try { return JSON.parse(localStorage.getItem(SEEN) || "{}"); } catch (e) { return {}; } }
  function markSeen(id, on) {
    var seen = seenHere();
    if (on) seen[id] = 1; else delete seen[id];
    try { localStorage.setItem(SEEN, JSON.stringify(seen)); } catch (e) { /* full: shown again until sent */ }
  }

  function refresh(box) {
    return getJSON("/api/notices?unseen=1").then(function (all) {
      var seen = seenHere();
      var notices = all.filter(function (n) { return !seen[n.id]; });
      if (navigator.onLine !== false) {  // the server no longer lists what it has received
        var listed = {};
        all.forEach(function (n) { listed[n.id] = 1; });
        Object.keys(seen).forEach(function (id) { if (!listed[id]) markSeen(id, false); });
      }
      var shown = {};
      Array.prototype.forEach.call(box.querySelectorAll(".notice"), function (n) {
        shown[n.getAttribute("data-notice")] = n;
      });
      notices.forEach(function (notice) {
        if (!shown[String(notice.id)]) box.appendChild(card(notice, box));
        delete shown[String(notice.id)];
      });
      Object.keys(shown).forEach(function (id) { box.removeChild(shown[id]); });  // withdrawn or seen elsewhere
      box.hidden = !box.querySelector(".notice");
      box.setAttribute("data-ready", "1");
    }).catch(function () { /* offline: what is shown stays */ });
  }

  /* A new notice within seconds without push: while the home is visible, ask every 3 s (or as the server says) for the version of
     the member's notices (one tiny answer from the server's shared cache, usually 304) and fetch the notices
     only when it changes. The server's watch token spares it the session lookup (cms/notices/watch.py). */
  var watchMs = 3000;
  var watched = { token: "", version: "", at: 0, stopped: false };

  function watch(box) {
    var timer = null;
    function schedule() {
      if (!timer && !document.hidden && !watched.stopped) timer = setTimeout(tick, watchMs);
    }
    function tick() {
      timer = null;
      if (document.hidden) return;  // visibilitychange starts it again
      var headers = { Accept: "application/json" };
      if (watched.token) headers["X-Sotay-Watch"] = watched.token;
      if (watched.version) headers["If-None-Match"] = '"' + watched.version + '"';
      fetch("/api/notices/version", { credentials: "same-origin", headers: headers }).then(function (r) {
        var every = Number(r.headers.get("X-Sotay-Poll"));
        if (every >= 1) watchMs = every * 1000;  // the server slows every home down when it must
        if (r.status === 304) { watched.at = Date.now(); return null; }
        if (r.status === 401 || r.status === 403) watched.stopped = true;  // signed out: the minute's check stays
        if (!r.ok) throw new Error(String(r.status));
        watched.at = Date.now();
        return r.json();
      }).then(function (data) {
        if (!data) return null;
        if (data.watch) watched.token = data.watch;
        var changed = watched.version && data.version !== watched.version;
        watched.version = data.version;
        return changed ? refresh(box) : null;
      }).catch(function () { /* offline or a server error: asked again later */ }).then(schedule);
    }
    document.addEventListener("visibilitychange", schedule);
    tick();
  }

  function digests(box) {
    return getJSON("/api/digests").then(function (list) {
      if (!list.length) return;
      var latest = list[0];
      var link = el("a", { class: "btn", href: latest.page_url,
        text: "Bản tin " + latest.period + ": " + latest.items.length + " tin — đọc, nghe, in" });
      box.appendChild(el("p", { class: "digest-link" }, [link]));
      box.hidden = false;
    }).catch(function () { /* */ });
  }

  function start() {
    var box = $("notices-home");
    if (!box) return;
    var drawn = [refresh(box)];
    // The minute's full check only when the quick one below has not answered lately (old server, no token).
    setInterval(function () { if (!document.hidden && Date.now() - watched.at > POLL_MS) refresh(box); }, POLL_MS);
    watch(box);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(box); });
    var digestBox = $("digest-home");
    if (digestBox) drawn.push(digests(digestBox));
    // The home appears once the notices and the digest link are drawn, so nothing below them moves (shell.js).
    if (window.sotayHome) window.sotayHome.wait(Promise.all(drawn));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
