/* Reading receipts, "Xem sau" and feedback that survive no network and flaky 3G.

   Everything a member does is first written to IndexedDB (database "sotay", store "outbox") and then sent
   in batches: on load, when the browser says it is online again, when the page becomes visible, and with a
   growing delay after a failure. Every item carries a client UUID and the server stores each UUID once, so
   a request that was cut off after the server had it is simply sent again: nothing lost, nothing doubled.
   (No Background Sync: only Chrome has it.)

   On an article page (div.sotay-article[data-page-id]) this also draws the "Đã đọc" and "Xem sau"
   buttons and the feedback form, records "opened" once, "listened" when most of the audio has played, and
   keeps the audio position. The reader shell loads the same file (served at /r/receipts.js) for its queue.

     sotayOutbox.receipt(12, "completed");   sotayOutbox.feedback("comment", "…", 12);
     sotayOutbox.saved(12, true);            sotayOutbox.flush();   // resolves with the state below
     window.addEventListener("sotay-outbox", function (e) { e.detail.state, e.detail.pending });

   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function (root) {
  "use strict";

  var DB_NAME = "sotay";
  var STORE = "outbox";
  var BATCH = 100;
  var LISTENED_SHARE = 0.8;
  var MAX_DELAY_MS = 60000;

  function stored(name) {
    try { return localStorage.getItem("sotay." + name); } catch (e) { return null; }
  }
  function store(name, value) {
    try { localStorage.setItem("sotay." + name, value); } catch (e) { /* private mode: not remembered */ }
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- IndexedDB ------------------------------------------------------------------------------------------ */

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function transaction(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function allItems() { return transaction("readonly", function (s) { return s.getAll(); }); }
  function removeItems(ids) {
    return transaction("readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); });
  }

  /* --- queueing ------------------------------------------------------------------------------------------- */

  function currentUser() { return stored("user") || ""; }

  function enqueue(type, payload) {
    var item = { id: payload.client_id, type: type, payload: payload, user: currentUser(), created: Date.now() };
    return transaction("readwrite", function (s) { s.put(item); }).then(function () {
      announce({ state: navigator.onLine === false ? "offline" : "queued" });
      schedule(0);
      return item;
    });
  }

  function receipt(pageId, event) {
    return enqueue("receipt", {
      client_id: uuid(), page: Number(pageId), event: event, client_time: new Date().toISOString(),
    });
  }

  function feedback(kind, body, pageId) {
    var payload = { client_id: uuid(), kind: kind, body: body };
    if (pageId) payload.page = Number(pageId);
    return enqueue("feedback", payload);
  }

  function saved(pageId, on) {
    store("saved." + pageId, on ? "1" : "0");
    return enqueue("saved", { client_id: uuid(), page: Number(pageId), on: Boolean(on) });
  }

  /* Meetings (sinh hoạt chi bộ): an answer before the meeting, and the secretary's attendance marks, which are
     sent in one batch per meeting like receipts. */
  function meetingAnswer(meetingId, answer, reason) {
    return enqueue("meeting-answer", {
      client_id: uuid(), meeting: Number(meetingId), answer: answer, reason: reason || "",
      client_time: new Date().toISOString(),
    });
  }

  function attendanceMark(meetingId, memberId, mark) {
    return enqueue("mark", {
      client_id: uuid(), meeting: Number(meetingId), member: Number(memberId), mark: mark,
      client_time: new Date().toISOString(),
    });
  }

  /* Giao việc: a progress report on a task (text and percentage; photos need the network and are sent at once). */
  function taskReport(taskId, percent, text) {
    return enqueue("task-report", {
      client_id: uuid(), task: Number(taskId), percent: Number(percent), text: text || "",
      client_time: new Date().toISOString(),
    });
  }

  /* The same with phone photos: the photos wait here as Blobs (the reader shrinks them first) and go with the
     report in one multipart request under the report's client_id, so a retry never stores them twice. */
  function taskReportWithPhotos(taskId, percent, text, photos) {
    return enqueue("task-report-photos", {
      client_id: uuid(), task: Number(taskId), percent: Number(percent), text: text || "",
      client_time: new Date().toISOString(), photos: photos,
    });
  }

  /* Thông báo khẩn: "Đã xem" (replaying it is harmless; a withdrawn notice answers 404 and is dropped). */
  function noticeSeen(noticeId) {
    return enqueue("notice-seen", { client_id: uuid(), notice: Number(noticeId) });
  }

  /* --- sending -------------------------------------------------------------------------------------------- */

  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* How the handbook runs, sent with the requests the reader makes anyway (X-Sotay-Display): "standalone"
     when opened from the home screen as an installed app, "installed" once the browser fired appinstalled,
     else "browser". The server counts installations from it ("Mức độ sử dụng"); no request is added. */
  root.addEventListener("appinstalled", function () { store("installed", "1"); });
  function displayMode() {
    var media = root.matchMedia ? function (q) { return root.matchMedia(q).matches; } : function () { return false; };
    if (media("(display-mode: standalone)") || media("(display-mode: fullscreen)") || media("(display-mode: minimal-ui)")
        || root.navigator.standalone === true) return "standalone";
    return stored("installed") === "1" ? "installed" : "browser";
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(),
                 "X-Sotay-Display": displayMode() },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
    // a rejected fetch (no network, connection cut) propagates: the items stay queued
  }

  function upload(url, p) {
    var form = new FormData();
    ["client_id", "percent", "text", "client_time"].forEach(function (k) { form.append(k, String(p[k])); });
    p.photos.forEach(function (blob, i) { form.append("photos", blob, "anh-" + (i + 1) + ".jpg"); });
    return fetch(url, { method: "POST", credentials: "same-origin", body: form,
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(), "X-Sotay-Display": displayMode() },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function Stop(state, message, after) {
    this.state = state;
    this.message = message || "";
    this.after = after || 0;
  }

  function check(answer) {
    if (answer.status === 401 || (answer.status === 403 && !answer.data.refused)) {
      throw new Stop("expired", "Phiên đăng nhập đã hết. Hãy đăng nhập lại; những gì chưa gửi vẫn được giữ.");
    }
    if (answer.status === 429) throw new Stop("retry", "", (answer.data.retry_after || 30) * 1000);
    if (answer.status >= 500 || answer.status === 0) throw new Stop("retry");
    return answer;
  }

  function sendReceipts(items) {
    if (!items.length) return Promise.resolve();
    var chunk = items.slice(0, BATCH);
    var rest = items.slice(BATCH);
    return request("POST", "/api/receipts", { events: chunk.map(function (i) { return i.payload; }) })
      .then(check)
      .then(function (answer) {
        if (answer.status === 200) return removeItems(chunk.map(function (i) { return i.id; }));
        var dropped = [].concat(answer.data.conflicts || [], answer.data.refused || []);
        if (dropped.length) {
          // Events the server will never take (a reused UUID, a page no longer readable): drop only those.
          var keep = chunk.filter(function (i) { return dropped.indexOf(i.payload.client_id) < 0; });
          return removeItems(dropped).then(function () { rest = keep.concat(rest); });
        }
        if (answer.status === 400 && chunk.length > 1) {
          // One malformed event must not block the others: halve until it is found.
          var half = Math.ceil(chunk.length / 2);
          return sendReceipts(chunk.slice(0, half)).then(function () { return sendReceipts(chunk.slice(half)); });
        }
        return removeItems(chunk.map(function (i) { return i.id; }));
      })
      .then(function () { return sendReceipts(rest); });
  }

  function sendMarks(items) {
    if (!items.length) return Promise.resolve();
    var meeting = items[0].payload.meeting;
    var chunk = items.filter(function (i) { return i.payload.meeting === meeting; }).slice(0, BATCH);
    var rest = items.filter(function (i) { return chunk.indexOf(i) < 0; });
    var marks = chunk.map(function (i) {
      var p = i.payload;
      return { client_id: p.client_id, member: p.member, mark: p.mark, client_time: p.client_time };
    });
    return request("POST", "/api/meetings/" + meeting + "/attendance", { marks: marks })
      .then(check)
      .then(function (answer) {
        var dropped = [].concat(answer.data.conflicts || [], answer.data.refused || []);
        if (answer.status !== 200 && dropped.length) {
          var keep = chunk.filter(function (i) { return dropped.indexOf(i.payload.client_id) < 0; });
          return removeItems(dropped).then(function () { rest = keep.concat(rest); });
        }
        if (answer.status !== 200) {
          announce({ state: "refused", kind: "mark", message: answer.data.detail || "Điểm danh không gửi được." });
        }
        return removeItems(chunk.map(function (i) { return i.id; }));
      })
      .then(function () { return sendMarks(rest); });
  }

  function sendOne(item) {
    var p = item.payload;
    var call;
    if (item.type === "meeting-answer") {
      call = request("POST", "/api/meetings/" + p.meeting + "/response",
        { client_id: p.client_id, answer: p.answer, reason: p.reason, client_time: p.client_time });
    } else if (item.type === "task-report") {
      call = request("POST", "/api/tasks/" + p.task + "/reports",
        { client_id: p.client_id, percent: p.percent, text: p.text, client_time: p.client_time });
    } else if (item.type === "task-report-photos") {
      call = upload("/api/tasks/" + p.task + "/reports", p);
    } else if (item.type === "feedback") {
      var body = { client_id: p.client_id, kind: p.kind, body: p.body };
      if (p.page) body.page = p.page;
      call = request("POST", "/api/feedback", body);
    } else if (item.type === "notice-seen") {
      call = request("POST", "/api/notices/" + p.notice + "/seen");
    } else if (item.type === "saved") {
      call = p.on ? request("POST", "/api/saved", { page: p.page }) : request("DELETE", "/api/saved?page=" + p.page);
    } else {
      return removeItems([item.id]);
    }
    return call.then(check).then(function (answer) {
      if (item.type === "task-report" || item.type === "task-report-photos") {
        var done = answer.status === 201;
        announce({ state: done ? "sent" : "refused", kind: "task-report", id: item.id, task: p.task,
          message: done ? "" : answer.data.detail || "Báo cáo không gửi được." });
      }
      if (item.type === "feedback") {
        var ok = answer.status === 200 || answer.status === 201;
        announce({ state: ok ? "sent" : "refused", kind: "feedback", id: item.id,
          message: ok ? "" : answer.data.detail || "Góp ý không gửi được." });
      }
      return removeItems([item.id]);
    });
  }

  function sequence(items, step) {
    return items.reduce(function (previous, item) {
      return previous.then(function () { return step(item); });
    }, Promise.resolve());
  }

  var flushing = null;
  var timer = null;
  var delay = 2000;

  function pending() {
    var me = currentUser();
    return allItems().then(function (items) {
      return items.filter(function (i) { return (i.user || "") === me; });
    });
  }

  function run() {
    return pending().then(function (items) {
      var receipts = items.filter(function (i) { return i.type === "receipt"; });
      var marks = items.filter(function (i) { return i.type === "mark"; });
      var others = items.filter(function (i) { return i.type !== "receipt" && i.type !== "mark"; });
      others.sort(function (a, b) { return a.created - b.created; });
      marks.sort(function (a, b) { return a.created - b.created; });
      return sendReceipts(receipts).then(function () { return sendMarks(marks); })
        .then(function () { return sequence(others, sendOne); });
    });
  }

  function flush() {
    if (flushing) return flushing;
    var job = root.navigator.locks ? navigator.locks.request("sotay-outbox", run) : run();
    flushing = job.then(function () {
      delay = 2000;
      return pending().then(function (left) {
        var state = { state: left.length ? "queued" : "sent", pending: left.length };
        announce(state);
        if (left.length) schedule(delay);
        return state;
      });
    }, function (error) {
      var state = error instanceof Stop ? error.state : "offline";
      var message = error instanceof Stop ? error.message : "";
      if (state !== "expired") {
        delay = Math.min(MAX_DELAY_MS, Math.max(delay * 2, error.after || 0));
        schedule(delay);
      }
      return pending().then(function (left) {
        var result = { state: state, pending: left.length, message: message };
        announce(result);
        return result;
      });
    }).then(function (result) {
      flushing = null;
      return result;
    });
    return flushing;
  }

  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; flush(); }, ms);
  }

  function announce(detail) {
    try {
      root.dispatchEvent(new CustomEvent("sotay-outbox", { detail: detail }));
    } catch (e) { /* very old WebView without CustomEvent: the status line just stays */ }
  }

  root.addEventListener("online", function () { delay = 2000; schedule(0); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) schedule(500); });
  schedule(1000);

  var api = { receipt: receipt, feedback: feedback, saved: saved, flush: flush, pending: pending, uuid: uuid,
              displayMode: displayMode, meetingAnswer: meetingAnswer, attendanceMark: attendanceMark,
              taskReport: taskReport, taskReportWithPhotos: taskReportWithPhotos, noticeSeen: noticeSeen };
  root.sotayOutbox = api;

  /* --- article pages ------------------------------------------------------------------------------------- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function toggleButton(button, label, doneLabel, key, onPress) {
    function paint() {
      var on = stored(key) === "1";
      button.textContent = on ? doneLabel : label;
      button.setAttribute("aria-pressed", String(on));
    }
    button.addEventListener("click", function () { onPress(stored(key) !== "1"); paint(); });
    paint();
    return button;
  }

  // The back link, the two buttons and the status line are drawn with the page (site_builder/pages.py), so
  // nothing moves when this script arrives; a page built before that gets them created here.
  function articleControls(article) {
    var actions = article.querySelector(".sotay-actions");
    if (!actions) {
      actions = el("div", { class: "sotay-actions", role: "group", "aria-label": "Đánh dấu bài viết" });
      actions.appendChild(el("button", { type: "button", class: "sotay-btn", "data-sotay-mark": "read" }));
      actions.appendChild(el("button", { type: "button", class: "sotay-btn", "data-sotay-mark": "saved" }));
      var anchor = article.querySelector(".sotay-audio") || article.querySelector(".sotay-dateline");
      if (anchor && anchor.nextSibling) article.insertBefore(actions, anchor.nextSibling);
      else article.appendChild(actions);
      article.insertBefore(el("p", { class: "sotay-status", role: "status", "aria-live": "polite" }),
        actions.nextSibling);
      article.insertBefore(el("a", { href: "/", class: "sotay-back" }, "← Trang chủ sổ tay"), article.firstChild);
    }
    return {
      read: actions.querySelector('[data-sotay-mark="read"]'),
      later: actions.querySelector('[data-sotay-mark="saved"]'),
      status: actions.nextElementSibling
    };
  }

  function setupArticle(article) {
    if (article.sotayReceipts) return;
    article.sotayReceipts = true;
    var id = article.getAttribute("data-page-id");
    var kind = article.getAttribute("data-kind");
    if (!id) return;
    if (stored("opened." + id) !== "1") {
      store("opened." + id, "1");
      receipt(id, "opened");
    }
    var controls = articleControls(article);
    var status = controls.status;
    toggleButton(controls.read, "Đánh dấu đã đọc", "✓ Đã đọc", "read." + id, function (on) {
      if (!on) return;  // a receipt cannot be taken back
      store("read." + id, "1");
      receipt(id, "completed");
      status.textContent = navigator.onLine === false
        ? "Đã ghi nhận. Xác nhận sẽ được gửi khi có mạng." : "Đã ghi nhận bạn đã đọc bài này.";
    });
    toggleButton(controls.later, "Xem sau", "✓ Đã lưu xem sau", "saved." + id, function (on) {
      saved(id, on);
      status.textContent = on ? "Đã lưu vào danh sách Xem sau." : "Đã bỏ khỏi danh sách Xem sau.";
    });
    article.appendChild(feedbackForm(id, kind));
    learningLinks(article, id, kind);
    trackAudio(article, id);
  }

  /* Học tập và thi: a study material leads to its essay, a draft to its structured questions (API data, asked
     only when online; the pages are the reader's /hoc-tap/…). */
  function learningLinks(article, id, kind) {
    var box = el("p", { class: "sotay-learning" });
    if (kind === "study") box.appendChild(el("a", { href: "/hoc-tap/thu-hoach/" + id + "/", class: "sotay-btn" },
      "Gửi bài thu hoạch"));
    article.insertBefore(box, article.querySelector(".sotay-feedback"));
    if (navigator.onLine === false || !root.fetch) return;
    fetch("/api/learning/polls?page=" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; }).then(function (polls) {
        polls.forEach(function (poll) {
          box.appendChild(el("a", { href: "/hoc-tap/y-kien/" + poll.id + "/", class: "sotay-btn" },
            "Cho ý kiến: " + poll.title));
        });
      }).catch(function () { /* offline: no link */ });
  }

  function feedbackForm(id, kind) {
    var form = el("form", { class: "sotay-feedback", "aria-labelledby": "sotay-fb-title" });
    form.appendChild(el("h2", { id: "sotay-fb-title" }, "Góp ý về bài này"));
    form.appendChild(el("label", { for: "sotay-fb-kind" }, "Loại góp ý"));
    var select = el("select", { id: "sotay-fb-kind", name: "kind" });
    var kinds = [["comment", "Góp ý bài viết"], ["opinion", "Ý kiến vào dự thảo"], ["report", "Phản ánh, kiến nghị"]];
    if (kind === "study") kinds.push(["reflection", "Bài thu hoạch"]);
    kinds.forEach(function (k) { select.appendChild(el("option", { value: k[0] }, k[1])); });
    form.appendChild(select);
    form.appendChild(el("label", { for: "sotay-fb-body" }, "Nội dung"));
    var text = el("textarea", { id: "sotay-fb-body", name: "body", rows: "4", required: "required" });
    form.appendChild(text);
    form.appendChild(el("button", { type: "submit", class: "sotay-btn" }, "Gửi góp ý"));
    var status = el("p", { class: "sotay-status", role: "status", "aria-live": "polite" });
    form.appendChild(status);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = text.value.trim();
      if (!body) {
        status.textContent = "Hãy viết nội dung góp ý.";
        text.focus();
        return;
      }
      feedback(select.value, body, id).then(function () {
        text.value = "";
        status.textContent = navigator.onLine === false
          ? "Góp ý đã được lưu trên máy và sẽ tự gửi khi có mạng." : "Đang gửi góp ý…";
      });
    });
    root.addEventListener("sotay-outbox", function (event) {
      var d = event.detail || {};
      if (d.kind === "feedback" && d.state === "sent") status.textContent = "Đã gửi góp ý tới cấp ủy.";
      if (d.kind === "feedback" && d.state === "refused") status.textContent = d.message;
    });
    return form;
  }

  function trackAudio(article, id) {
    var box = article.querySelector(".sotay-audio");
    var audio = box && box.querySelector("audio");
    if (!audio) return;
    var lastSaved = 0;
    audio.addEventListener("timeupdate", function () {
      var t = audio.currentTime;
      if (Math.abs(t - lastSaved) >= 5) {
        lastSaved = t;
        store("position." + id, String(t));
      }
      if (audio.duration && t / audio.duration >= LISTENED_SHARE) listened();
    });
    audio.addEventListener("ended", listened);
    function listened() {
      if (stored("listened." + id) === "1") return;
      store("listened." + id, "1");
      receipt(id, "listened");
    }
  }

  function offlineBanner() {
    var banner = document.querySelector(".sotay-offline");
    if (!banner) {
      banner = el("p", { class: "sotay-offline", role: "status" },
        "Bạn đang ngoại tuyến. Bài đã mở vẫn đọc được; xác nhận và góp ý sẽ được gửi khi có mạng.");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(banner, main.firstChild);
    }
    banner.hidden = navigator.onLine !== false;
  }

  function setup() {
    var article = document.querySelector(".sotay-article[data-page-id]");
    if (!article) return;
    setupArticle(article);
    offlineBanner();
    document.documentElement.setAttribute("data-sotay-ready", "article");
    if (root.performance && performance.mark) performance.mark("sotay-ready-article");
  }

  root.addEventListener("sotay-outbox", function (event) {
    var d = event.detail || {};
    var status = document.querySelector(".sotay-actions + .sotay-status");
    if (d.state !== "expired" || !status) return;
    status.textContent = d.message + " ";
    status.appendChild(el("a", { href: "/dang-nhap/?het-phien=1&next=" + encodeURIComponent(location.pathname) },
      "Đăng nhập lại"));
  });

  root.addEventListener("online", function () { if (document.querySelector(".sotay-offline")) offlineBanner(); });
  root.addEventListener("offline", function () { if (document.querySelector(".sotay-article")) offlineBanner(); });

  if (typeof root.document$ !== "undefined" && root.document$.subscribe) {
    root.document$.subscribe(setup);
  } else if (document.readyState === "loading" && !document.querySelector(".md-content")) {
    // Loaded async at the end of a layer page, this runs once the page's content is parsed, before Material's
    // deferred bundle: the article is usable without waiting for it (main.html). Not on DOMContentLoaded,
    // which waits until the deferred bundle has arrived and run: "interactive" is the end of parsing.
    document.addEventListener("readystatechange", function once() {
      if (document.readyState === "loading") return;
      document.removeEventListener("readystatechange", once);
      setup();
    });
  } else {
    setup();
  }
})(window);
