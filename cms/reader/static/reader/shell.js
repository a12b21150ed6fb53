/* The reader shell: the member's home composed from their chain of layers, search, the unread and
   "Xem sau" lists, feedback, and the offline, expired-session and refused-content messages.

   Data: the profile embedded in the page (script#sotay-me, the same as /api/me); for each layer, its signed
   manifest, checked here with sotayVerify, and feed.json, checked against the manifest; /api/unread,
   /api/saved, /api/feedback and /api/search. Writes go through sotayOutbox (receipts.js), which keeps them
   in IndexedDB until the server has them. When the service worker is active it answers layer files and
   the last API answers offline.

   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var LEVELS = { province: "Tỉnh", district: "Huyện", base: "Cơ sở", cell: "Chi bộ" };
  var KINDS = { news: "Tin tức", resolution: "Nghị quyết, văn bản", study: "Tài liệu học tập",
    meeting: "Tài liệu sinh hoạt chi bộ" };
  var FEED_LIMIT = 60;
  var REMINDER_DAYS = 30;  // deadlines shown this many days ahead
  var OVERDUE_DAYS = 60;   // and this long after they passed (older ones stay in the unread list)
  var DAY_MS = 86400000;
  var VIETNAM_MS = 7 * 3600000;

  // From the address, not the page: offline, the service worker answers every shell route with one kept page.
  var ROUTES = { "/": "home", "/tim-kiem/": "search", "/chua-doc/": "unread", "/xem-sau/": "saved", "/gop-y/": "feedback",
    "/luu-tru/": "archive", "/tai-ve/": "offline" };
  var view = ROUTES[location.pathname] || "home";
  var me = JSON.parse(document.getElementById("sotay-me").textContent);
  var verify = window.sotayVerify;
  var outbox = window.sotayOutbox;

  function $(id) { return document.getElementById(id); }
  function stored(name) { try { return localStorage.getItem("sotay." + name); } catch (e) { return null; } }
  function store(name, value) { try { localStorage.setItem("sotay." + name, value); } catch (e) { /* not kept */ } }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* A view is usable: say so to tests and to the 3G benchmark (performance mark "sotay-ready-<view>"). */
  function ready(name) {
    document.documentElement.setAttribute("data-sotay-ready", name);
    if (window.performance && performance.mark) performance.mark("sotay-ready-" + name);
  }

  function vnDate(value) {
    var t = typeof value === "number" ? value : Date.parse(value.length === 10 ? value + "T00:00:00+07:00" : value);
    if (isNaN(t)) return "";
    var d = new Date(t + VIETNAM_MS);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getUTCDate()) + "/" + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }

  function daysUntil(isoDate) {
    var today = Math.floor((Date.now() + VIETNAM_MS) / DAY_MS);
    var due = Math.floor((Date.parse(isoDate + "T00:00:00Z")) / DAY_MS);
    return due - today;
  }

  /* Snippets from the search API and Pagefind: escape everything, then bring back only <mark>. */
  function markedText(html) {
    var node = document.createElement("span");
    var text = String(html || "").replace(/<(\/?)mark>/g, "\u0001$1\u0002").replace(/<[^>]*>/g, "");
    var parser = document.createElement("textarea");
    parser.innerHTML = text;  // decodes entities; a textarea never runs or renders markup
    parser.value.split(/(\u0001\/?\u0002)/).reduce(function (inMark, part) {
      if (part === "\u0001\u0002") return true;
      if (part === "\u0001/\u0002") return false;
      if (part) node.appendChild(inMark ? el("mark", { text: part }) : document.createTextNode(part));
      return inMark;
    }, false);
    return node;
  }

  /* --- banners ------------------------------------------------------------------------------------------ */

  var shown = {};
  function alertOnce(key, message, link) {
    if (shown[key]) return;
    shown[key] = true;
    var p = el("p", { class: "alert", text: message + " " });
    if (link) p.appendChild(el("a", { href: link.href, text: link.text }));
    $("alerts").appendChild(p);
  }

  function sessionExpired() {
    alertOnce("expired", "Phiên đăng nhập đã hết. Những gì bạn đánh dấu vẫn được giữ trên máy.",
      { href: "/dang-nhap/?het-phien=1&next=" + encodeURIComponent(location.pathname), text: "Đăng nhập lại" });
  }

  function setOffline(offline) {
    $("offline").hidden = !offline;
  }
  window.addEventListener("online", function () { setOffline(false); });
  window.addEventListener("offline", function () { setOffline(true); });
  setOffline(navigator.onLine === false);

  function refused(message) {
    alertOnce("refused:" + message, message);
  }

  /* --- fetching ----------------------------------------------------------------------------------------- */

  function getJSON(url) {
    var headers = { Accept: "application/json" };
    if (window.sotayOutbox) headers["X-Sotay-Display"] = window.sotayOutbox.displayMode();
    return fetch(url, { credentials: "same-origin", headers: headers }).then(function (r) {
      if (r.headers.get("X-Sotay-Offline")) setOffline(true);
      if (r.status === 401 || r.status === 403) {
        sessionExpired();
        throw new Error("expired");
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /* One layer's feed, only if its manifest is signed by the province key and feed.json matches it. Manifest,
     signature and feed are fetched at once (one round trip on 3G instead of three) and checked on arrival;
     a signature that does not match is fetched once more with its manifest, in case a publish fell between. */
  function layerFeed(layer, again) {
    var base = "/" + layer + "/";
    var options = { credentials: "same-origin", cache: "no-cache" };
    function refusedBy(r) {
      if (r.headers.get("X-Sotay-Refused")) throw verify.VerifyError(r.headers.get("X-Sotay-Refused"));
      return r;
    }
    var manifestAnswer = fetch(base + "manifest.json", options).then(refusedBy);
    var signatureAnswer = fetch(base + "manifest.json.sig", options);
    var feedBytes = fetch(base + "feed.json", { credentials: "same-origin" }).then(refusedBy).then(function (f) {
      return f.ok ? f.arrayBuffer() : null;
    });
    [signatureAnswer, feedBytes].forEach(function (p) { p.catch(function () {}); });  // awaited below if needed
    return manifestAnswer.then(function (r) {
      if (r.status === 404) return null;  // the layer has nothing published yet
      if (r.status === 401) { sessionExpired(); return null; }
      if (!r.ok) throw new Error("HTTP " + r.status);
      var offline = Boolean(r.headers.get("X-Sotay-Offline"));
      if (offline) setOffline(true);
      // the service worker hands over the signature it checked with this manifest
      var signature = r.headers.get("X-Sotay-Signature") || signatureAnswer.then(function (sig) {
        if (!sig.ok) throw verify.VerifyError("signature", "no signature");
        return sig.text();
      });
      return Promise.all([r.arrayBuffer(), signature, feedBytes]).then(function (parts) {
        return verify.checkManifest(layer, parts[0], parts[1], { allowExpired: offline }).then(function (manifest) {
          if (!manifest.files["feed.json"] || !parts[2]) return [];
          return verify.checkFile(manifest, "feed.json", parts[2]);
        });
      });
    }).then(function (bytes) {
      if (!bytes || !bytes.byteLength) return bytes ? [] : null;
      return JSON.parse(new TextDecoder("utf-8").decode(bytes)).map(function (entry) {
        entry.href = base + entry.url;
        entry.layer = layer;
        return entry;
      });
    }).catch(function (error) {
      if (verify.isVerifyError(error) && !again && error.code !== "expired") return layerFeed(layer, true);
      if (verify.isVerifyError(error)) refused(error.message);
      else if (navigator.onLine === false || error instanceof TypeError) setOffline(true);
      return null;
    });
  }

  var feedsPromise = null;
  function allFeeds() {
    if (!feedsPromise) {
      feedsPromise = Promise.all(me.layers.map(function (layer) { return layerFeed(layer); })).then(function (lists) {
        var entries = [];
        lists.forEach(function (list) { if (list) entries = entries.concat(list); });
        entries.sort(function (a, b) { return Date.parse(b.published) - Date.parse(a.published) || b.id - a.id; });
        return entries;
      });
    }
    return feedsPromise;
  }

  var unreadPromise = null;
  function unread() {
    if (!unreadPromise) {
      unreadPromise = getJSON("/api/unread?limit=200").then(function (data) {
        var ids = {};
        data.results.forEach(function (item) { ids[item.id] = item; });
        return { items: data.results, ids: ids };
      }, function () { return null; });
    }
    return unreadPromise;
  }

  /* --- rendering ---------------------------------------------------------------------------------------- */

  function itemLink(entry, extra) {
    var badges = el("span", { class: "badges" }, [
      entry.level ? el("span", { class: "badge level-" + entry.level, text: LEVELS[entry.level] || entry.level }) : null,
      entry.kind ? el("span", { class: "kind", text: KINDS[entry.kind] || entry.kind }) : null,
      extra && extra.unread ? el("span", { class: "badge unread-mark", text: "Chưa đọc" }) : null,
    ]);
    var meta = [entry.published ? vnDate(entry.published) : "", entry.unit || ""].filter(Boolean).join(" · ");
    return el("a", { class: "item", href: entry.href || entry.url }, [
      badges,
      el("span", { class: "title", text: entry.title }),
      entry.snippet !== undefined ? el("span", { class: "summary" }, [markedText(entry.snippet)])
        : entry.summary ? el("span", { class: "summary", text: entry.summary }) : null,
      meta ? el("span", { class: "meta", text: meta }) : null,
    ]);
  }

  function isRead(id, unreadIds) {
    if (stored("read." + id) === "1") return true;
    return unreadIds ? !unreadIds[id] : true;
  }

  function renderReminders(items) {
    var box = $("reminders");
    box.textContent = "";
    var due = items.filter(function (item) {
      if (!item.study_deadline || stored("read." + item.id) === "1") return false;
      var days = daysUntil(item.study_deadline);
      return days <= REMINDER_DAYS && days >= -OVERDUE_DAYS;
    }).slice(0, 3);
    if (!due.length) return;
    box.appendChild(el("h2", { text: "Nhắc hạn học tập" }));
    var list = el("ul");
    due.forEach(function (item) {
      var days = daysUntil(item.study_deadline);
      var when = days < 0 ? "quá hạn " + -days + " ngày" : days === 0 ? "hôm nay là hạn cuối" : "còn " + days + " ngày";
      list.appendChild(el("li", {}, [
        el("a", { href: item.url }, [
          el("span", { class: "title", text: item.title }),
          el("span", { class: "due" + (days < 0 ? " overdue" : ""),
            text: "Hạn " + vnDate(item.study_deadline) + ": " + when }),
        ]),
      ]));
    });
    box.appendChild(list);
  }

  /* The home is shown in one frame once its parts are drawn, so nothing on it moves after it appears (layout
     shift). A part drawn by another script (meetings.js, ...) passes its promise to sotayHome.wait() when it
     starts; the home waits for it, at most HOME_PARTS_MS, then shows what it has. */
  var HOME_PARTS_MS = 3000;
  var homeParts = [];
  window.sotayHome = { wait: function (promise) { homeParts.push(promise); } };

  function revealHome() {
    var cap = new Promise(function (resolve) { setTimeout(resolve, HOME_PARTS_MS); });
    var parts = Promise.all(homeParts.map(function (p) { return Promise.resolve(p).catch(function () {}); }));
    return Promise.race([parts, cap]).then(function () {
      $("view-home").removeAttribute("aria-busy");
      ready("home");
    });
  }

  function showHome() {
    var status = $("feed-status");
    return Promise.all([allFeeds(), unread()]).then(function (parts) {
      var entries = parts[0];
      var pending = parts[1];
      var list = $("feed");
      list.textContent = "";
      entries.slice(0, FEED_LIMIT).forEach(function (entry) {
        var unreadNow = pending ? !isRead(entry.id, pending.ids) : false;
        list.appendChild(el("li", {}, [itemLink(entry, { unread: unreadNow })]));
      });
      if (pending) {
        renderReminders(pending.items);
        entries.forEach(function (entry) { if (!pending.ids[entry.id]) store("read." + entry.id, "1"); });
      }
      status.textContent = entries.length ? "" : navigator.onLine === false
        ? "Chưa có bài nào được lưu trên máy. Hãy mở sổ tay khi có mạng." : "Chưa có bài viết nào.";
      return revealHome();
    });
  }

  function showUnread() {
    return Promise.all([unread(), allFeeds()]).then(function (parts) {
      var pending = parts[0];
      var list = $("unread");
      list.textContent = "";
      if (!pending) {
        $("unread-status").textContent = "Chưa tải được danh sách. Hãy thử lại khi có mạng.";
        return;
      }
      var byId = {};
      parts[1].forEach(function (entry) { byId[entry.id] = entry; });
      var items = pending.items.filter(function (item) { return stored("read." + item.id) !== "1"; });
      items.forEach(function (item) {
        var entry = Object.assign({}, byId[item.id] || {}, item, { href: item.url });
        if (item.study_deadline) entry.summary = "Hạn học tập: " + vnDate(item.study_deadline);
        entry.published = item.published || entry.published;
        list.appendChild(el("li", {}, [itemLink(entry, { unread: true })]));
      });
      $("unread-status").textContent = items.length ? items.length + " bài chưa đọc xong." : "Bạn đã đọc hết các bài.";
      ready("unread");
    });
  }

  function showSaved() {
    var server = getJSON("/api/saved").catch(function () { return null; });
    return Promise.all([server, allFeeds()]).then(function (parts) {
      var byId = {};
      parts[1].forEach(function (entry) { byId[entry.id] = entry; });
      var items = [];
      var seen = {};
      (parts[0] || []).forEach(function (item) {
        if (stored("saved." + item.page) === "0") return;
        store("saved." + item.page, "1");
        seen[item.page] = true;
        items.push(Object.assign({}, byId[item.page] || {}, { id: item.page, title: item.title, href: item.url }));
      });
      Object.keys(byId).forEach(function (id) {  // saved on this phone, not yet sent
        if (!seen[id] && stored("saved." + id) === "1") items.push(byId[id]);
      });
      var list = $("saved");
      list.textContent = "";
      items.forEach(function (entry) { list.appendChild(el("li", {}, [itemLink(entry)])); });
      $("saved-status").textContent = items.length ? ""
        : "Chưa có bài nào. Bấm “Xem sau” trong một bài để lưu lại đọc sau.";
      ready("saved");
    });
  }

  /* --- search ------------------------------------------------------------------------------------------- */

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = el("script", { src: src });
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  var offlineIndex = null;
  function searchOffline(q) {
    if (!offlineIndex) {
      offlineIndex = loadScript(window.SOTAY_ASSETS.fold)
        .then(function () { return loadScript(window.SOTAY_ASSETS.search); })
        .then(function () { return window.sotaySearch.open(me.layers.map(function (l) { return "/" + l + "/"; })); });
      offlineIndex.catch(function () { offlineIndex = null; });
    }
    return offlineIndex.then(function (index) { return index.search(q); }).then(function (found) {
      return Promise.all(found.results.slice(0, 20).map(function (r) {
        return r.data().catch(function () { return null; });
      }));
    }).then(function (datas) {
      return datas.filter(Boolean).map(function (d) {
        return { title: (d.meta && d.meta.title) || d.url, url: d.url, snippet: d.excerpt || "" };
      });
    });
  }

  function runSearch(q) {
    var status = $("search-status");
    var list = $("results");
    list.textContent = "";
    document.documentElement.removeAttribute("data-sotay-ready");
    if (!q) {
      status.textContent = "";
      ready("search");
      return Promise.resolve();
    }
    status.textContent = "Đang tìm…";
    var online = fetch("/api/search?q=" + encodeURIComponent(q), { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401 || r.status === 403) { sessionExpired(); throw new Error("expired"); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json().then(function (data) { return { results: data.results, offline: false }; });
    });
    return online.catch(function () {
      return searchOffline(q).then(function (results) { return { results: results, offline: true }; });
    }).then(function (answer) {
      answer.results.forEach(function (r) { list.appendChild(el("li", {}, [itemLink(r)])); });
      var n = answer.results.length;
      status.textContent = (n ? n + " kết quả cho “" + q + "”." : "Không tìm thấy bài nào cho “" + q + "”.") +
        (answer.offline ? " (Tìm trên các bài đã lưu trên máy.)" : "");
      ready("search");
    }, function () {
      status.textContent = "Không tìm được: không có mạng và chưa có chỉ mục tìm kiếm trên máy.";
      ready("search");
    });
  }

  function showSearch() {
    var form = $("search-form");
    var input = $("q");
    var q = new URLSearchParams(location.search).get("q") || "";
    input.value = q;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = input.value.trim();
      history.replaceState(null, "", "/tim-kiem/" + (value ? "?q=" + encodeURIComponent(value) : ""));
      runSearch(value);
    });
    if (!q) input.focus();
    return runSearch(q);
  }

  /* --- archive and "Tải về máy" ------------------------------------------------------------------------ */

  /* The unit (and tier) of a layer prefix, in the member's words: "Chi bộ xóm Đồng Tâm (cấp ủy)". */
  function layerName(layer) {
    var parts = layer.split("/");
    var code = parts[parts.length - 2];
    var unit = me.units.filter(function (u) { return u.code === code; })[0];
    return (unit ? unit.name : code) + (parts[parts.length - 1] === "committee" ? " (dành cho cấp ủy)" : "");
  }

  /* Each layer has its own archive pages (luu-tru/ in the layer, by year and by column): link to them. */
  function showArchive() {
    var list = $("archive-layers");
    me.layers.slice().reverse().forEach(function (layer) {
      list.appendChild(el("li", { class: "item" }, [el("a", { href: "/" + layer + "/luu-tru/", text: layerName(layer) })]));
    });
    ready("archive");
  }

  function showOffline() {
    return loadScript(window.SOTAY_ASSETS.offline).then(function () {
      return window.sotayOfflinePage({ me: me, el: el, layerName: layerName, ready: ready, refused: refused });
    });
  }

  /* --- feedback ----------------------------------------------------------------------------------------- */

  var FEEDBACK_STATUS = { open: "Đang xử lý", closed: "Đã đóng" };

  function showFeedback() {
    $("feedback-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var body = $("fb-body").value.trim();
      if (!body) { $("fb-status").textContent = "Hãy viết nội dung góp ý."; return; }
      outbox.feedback("report", body).then(function () {
        $("fb-body").value = "";
        $("fb-status").textContent = navigator.onLine === false
          ? "Góp ý đã được lưu trên máy và sẽ tự gửi khi có mạng." : "Đang gửi góp ý…";
      });
    });
    window.addEventListener("sotay-outbox", function (event) {
      var d = event.detail || {};
      if (d.kind === "feedback" && d.state === "sent") {
        $("fb-status").textContent = "Đã gửi góp ý tới cấp ủy.";
        listFeedback();
      }
      if (d.kind === "feedback" && d.state === "refused") $("fb-status").textContent = d.message;
    });
    return listFeedback();
  }

  /* What happened to one thread, in the member's words: where it is now and how it got there. */
  function feedbackState(item) {
    var path = item.path || [];
    if (item.status === "closed") return "Đã đóng";
    if (item.escalated && path.length) {
      return "Đã chuyển lên " + path[path.length - 1].name + " (" + path.map(function (u) { return u.name; }).join(" → ") + ")";
    }
    return FEEDBACK_STATUS[item.status] || item.status;
  }

  function listFeedback() {
    return getJSON("/api/feedback").then(function (items) {
      var list = $("feedback-list");
      list.textContent = "";
      // Committee members also receive their members' feedback here; this list is what the reader sent.
      var mine = items.filter(function (item) { return item.member && item.member.username === me.username; });
      $("feedback-empty").hidden = mine.length > 0;
      mine.forEach(function (item) {
        var replies = (item.replies || []).map(function (reply) {
          return el("p", { class: "summary reply" + (reply["new"] ? " new" : "") }, [
            reply["new"] ? el("span", { class: "badge unread-mark", text: "Trả lời mới" }) : null,
            document.createTextNode(" " + reply.author.full_name + ": " + reply.body),
          ]);
        });
        var article = item.article && item.article.url
          ? el("p", { class: "meta" }, [document.createTextNode("Về bài: "),
            el("a", { href: item.article.url, text: item.article.title })])
          : null;
        list.appendChild(el("li", { class: "item" + (item.news ? " has-news" : ""), "data-feedback": String(item.id) }, [
          item.news ? el("span", { class: "badges" }, [el("span", { class: "badge unread-mark", text: "Có cập nhật" })]) : null,
          el("span", { class: "meta fb-state", text: vnDate(item.created) + " · " + feedbackState(item) }),
          el("p", { text: item.body }),
          article,
        ].concat(replies)));
      });
      ready("feedback");
      markFeedbackSeen(mine.filter(function (item) { return item.news; }));
    }, function () { /* offline or expired: already said in a banner */ });
  }

  /* The member has now seen these threads as they are: the marks stay on screen, and are gone next time. */
  function markFeedbackSeen(items) {
    var token = (/(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie || "") || [])[1] || "";
    items.forEach(function (item) {
      fetch("/api/feedback/" + item.id + "/seen", {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": decodeURIComponent(token) },
      }).catch(function () { /* offline: the mark is shown again next time */ });
    });
  }

  /* --- chrome: who, tabs, display toggles, outbox status, service worker -------------------------------- */

  function setupChrome() {
    var previous = stored("user");
    if (previous && previous !== me.username) {
      Object.keys(localStorage).forEach(function (k) {
        if (/^sotay\.(read|opened|listened|saved|position)\./.test(k)) localStorage.removeItem(k);
      });
    }
    store("user", me.username);
    // The view, its tab, the member's name and the feedback count are drawn by the server (views.shell); the
    // text-size and contrast buttons are wired in base.html, on every page.
    window.addEventListener("sotay-outbox", function (event) {
      var d = event.detail || {};
      var line = $("outbox");
      if (d.state === "expired") { sessionExpired(); line.textContent = d.message; }
      else if (d.pending) line.textContent = d.pending + " mục đang chờ gửi" + (d.state === "offline" ? " khi có mạng." : "…");
      else if (d.state === "sent") line.textContent = "";
    });
    $("logout").addEventListener("submit", function (event) {
      var form = this;
      if (form.sotaySending) return;
      event.preventDefault();
      form.sotaySending = true;
      var wait = new Promise(function (resolve) { setTimeout(resolve, 3000); });
      Promise.race([outbox.flush(), wait]).then(function () { form.submit(); });
    });
  }

  function startServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "sotay-refused") refused(data.message);
      if (data.type === "sotay-held") document.documentElement.setAttribute("data-sotay-held", "1");
    });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Keep each layer's feed and theme for offline use (and what the member chose in "Tải về máy"); the
      // first view is already drawn. The worker carries on if the member opens an article meanwhile.
      if (registration.active && navigator.onLine !== false) {
        registration.active.postMessage({ type: "hold", layers: me.layers });
      }
    }).catch(function () { /* the reader still works online */ });
  }

  setupChrome();
  var views = { home: showHome, search: showSearch, unread: showUnread, saved: showSaved, feedback: showFeedback,
    archive: showArchive, offline: showOffline };
  Promise.resolve(views[view]()).then(function () {
    if (document.readyState === "complete") startServiceWorker();
    else window.addEventListener("load", startServiceWorker);
  });
})();
