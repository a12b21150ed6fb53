/* Sinh hoạt chi bộ in the reader: "Lịch sinh hoạt" on the home, and the meeting page where the secretary
   marks attendance (one tap per member), posts the minutes and rates the meeting.

   Reads /api/meetings… (the service worker keeps the last answers for offline); every answer and mark goes
   through sotayOutbox (receipts.js), so it survives a dropped network and is sent once. What the member did
   is also kept in localStorage ("sotay.meeting.<id>.…") so the screen shows it before the server has it.

   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var VIETNAM_MS = 7 * 3600000;
  var MARKS = [["present", "Có mặt"], ["online", "Dự trực tuyến"], ["excused", "Vắng có lý do"],
    ["absent", "Vắng không lý do"]];
  var ANSWERS = { attend: "Bạn sẽ dự", excused: "Bạn đã xin vắng" };
  var QUALITY = [["good", "Tốt"], ["fair", "Khá"], ["average", "Trung bình"], ["poor", "Kém"]];

  function $(id) { return document.getElementById(id); }
  function stored(name) { try { return localStorage.getItem("sotay." + name); } catch (e) { return null; } }
  function store(name, value) { try { localStorage.setItem("sotay." + name, value); } catch (e) { /* */ } }
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
    var days = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"];
    return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ", " + days[d.getUTCDay()] + " " +
      two(d.getUTCDate()) + "/" + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data, offline: r.headers.get("X-Sotay-Offline") }; });
    });
  }
  function send(method, url, body, isForm) {
    var headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    if (!isForm) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, credentials: "same-origin", headers: headers,
      body: isForm ? body : JSON.stringify(body) }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    });
  }

  /* --- home: Lịch sinh hoạt ------------------------------------------------------------------------------ */

  function reminder(meeting) {
    var left = Date.parse(meeting.starts_at) - Date.now();
    if (left < -3 * 3600000 || left > 36 * 3600000) return null;
    var text = left <= 2 * 3600000 ? (left > 0 ? "Sắp họp: " : "Đang họp: ") : "Ngày mai họp: ";
    return el("p", { class: "meeting-reminder", role: "status", text: text + meeting.title + " — " + when(meeting.starts_at) });
  }

  function answerBox(meeting) {
    var box = el("div", { class: "meeting-answer" });
    var key = "meeting." + meeting.id + ".answer";
    var local = stored(key);
    var current = local ? JSON.parse(local) : meeting.my_answer;
    var status = el("p", { class: "status", role: "status" });
    function paint() {
      status.textContent = current ? ANSWERS[current.answer] + (current.reason ? " (" + current.reason + ")" : "") : "";
    }
    var reasonWrap = el("div", { class: "meeting-reason", hidden: "" });
    var reasonId = "reason-" + meeting.id;
    var reason = el("input", { id: reasonId, type: "text", maxlength: "300", autocomplete: "off" });
    var sendExcuse = el("button", { type: "button", class: "btn primary", text: "Gửi xin vắng" });
    reasonWrap.appendChild(el("label", { for: reasonId, text: "Lý do xin vắng" }));
    reasonWrap.appendChild(reason);
    reasonWrap.appendChild(sendExcuse);
    function answer(value, why) {
      current = { answer: value, reason: why || "" };
      store(key, JSON.stringify(current));
      paint();
      return window.sotayOutbox.meetingAnswer(meeting.id, value, why);
    }
    var attend = el("button", { type: "button", class: "btn primary", text: "Tôi sẽ dự" });
    var excuse = el("button", { type: "button", class: "btn", text: "Xin vắng" });
    attend.addEventListener("click", function () { reasonWrap.hidden = true; answer("attend", ""); });
    excuse.addEventListener("click", function () { reasonWrap.hidden = false; reason.focus(); });
    sendExcuse.addEventListener("click", function () {
      if (!reason.value.trim()) { status.textContent = "Hãy ghi lý do xin vắng."; reason.focus(); return; }
      reasonWrap.hidden = true;
      answer("excused", reason.value.trim());
    });
    box.appendChild(el("div", { class: "row" }, [attend, excuse]));
    box.appendChild(reasonWrap);
    box.appendChild(status);
    paint();
    return box;
  }

  function meetingCard(meeting, withAnswer) {
    var li = el("li", { class: "meeting", "data-meeting": String(meeting.id) });
    li.appendChild(el("p", { class: "badges" }, [el("span", { class: "kind", text: meeting.kind_label + " · " + meeting.unit.name })]));
    li.appendChild(el("h3", { text: meeting.title }));
    var at = when(meeting.starts_at) + (meeting.moved_from ? " (dời do trùng ngày nghỉ)" : "");
    li.appendChild(el("p", { class: "meeting-when", text: at }));
    if (meeting.place) li.appendChild(el("p", { text: "Địa điểm: " + meeting.place }));
    if (meeting.online_link) {
      li.appendChild(el("p", {}, [el("a", { href: meeting.online_link, rel: "noopener", text: "Dự trực tuyến" })]));
    }
    if (meeting.agenda.length) {
      var list = el("ol", { class: "agenda" });
      meeting.agenda.forEach(function (item) {
        var row = el("li", { text: item.title });
        if (item.material) {
          row.appendChild(el("br"));
          row.appendChild(el("a", { href: item.material.url, class: "material", text: "Đọc trước: " + item.material.title }));
        }
        list.appendChild(row);
      });
      li.appendChild(list);
    }
    if (withAnswer && !meeting.cancelled) li.appendChild(answerBox(meeting));
    if (meeting.can_manage) {
      li.appendChild(el("p", {}, [el("a", { class: "btn", href: "/sinh-hoat/" + meeting.id + "/", text: "Điểm danh, biên bản" })]));
    }
    return li;
  }

  function urlKey(text) {
    var b64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  /* "Nhận nhắc lịch họp": a Web Push subscription of this phone; without it, reminders show on the home. */
  function pushButton(status) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return null;
    var button = el("button", { type: "button", class: "btn", id: "push-toggle", "aria-pressed": "false",
      text: "Nhận nhắc lịch họp" });
    function paint(on) {
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? "✓ Đang nhận nhắc lịch họp" : "Nhận nhắc lịch họp";
    }
    navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (sub) { paint(Boolean(sub)); }, function () { /* no push here */ });
    button.addEventListener("click", function () {
      navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.getSubscription().then(function (sub) {
          if (sub) {
            return send("DELETE", "/api/push/subscriptions", { endpoint: sub.endpoint }).then(function () {
              return sub.unsubscribe();
            }).then(function () { paint(false); });
          }
          return Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") throw new Error("Bạn chưa cho phép thông báo; lời nhắc sẽ hiện ở trang chủ.");
            return getJSON("/api/push/key");
          }).then(function (answer) {
            return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlKey(answer.data.public_key) });
          }).then(function (created) {
            return send("POST", "/api/push/subscriptions", created.toJSON());
          }).then(function (answer) {
            if (answer.status !== 201) throw new Error(answer.data.detail || "Chưa đăng ký nhận nhắc được.");
            paint(true);
          });
        });
      }).catch(function (error) { status.textContent = error.message || "Chưa đăng ký nhận nhắc được."; });
    });
    return button;
  }

  /* The coming meetings' materials go to the service worker, which keeps them for reading offline (sw.js,
     keepAhead). Each link gets its line at once, drawn with the cards, so the answer moves nothing below. */
  function readAhead(section, meetings) {
    var urls = [];
    meetings.forEach(function (meeting) {
      if (meeting.cancelled) return;
      meeting.agenda.forEach(function (item) {
        if (item.material && urls.indexOf(item.material.url) < 0) urls.push(item.material.url);
      });
    });
    if (!urls.length || !("serviceWorker" in navigator)) return;
    var notes = [];
    Array.prototype.forEach.call(section.querySelectorAll("a.material"), function (link) {
      var note = el("span", { class: "material-kept", "data-url": link.getAttribute("href"), text: "Đang lưu vào máy…" });
      link.parentNode.insertBefore(note, link.nextSibling);
      notes.push(note);
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type !== "sotay-ahead") return;
      notes.forEach(function (note) {
        note.textContent = data.kept.indexOf(note.getAttribute("data-url")) >= 0 ? "✓ Đã lưu trên máy" : "";
      });
      section.setAttribute("data-ahead", String(data.kept.length));
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "ahead", urls: urls });
    }, function () { /* no service worker: read online */ });
  }

  function home(section) {
    var me = JSON.parse(($("sotay-me") || {}).textContent || "{}");
    section.hidden = false;
    section.appendChild(el("h2", { id: "meetings-title", text: "Lịch sinh hoạt" }));
    var reminders = el("div", { class: "meeting-reminders" });
    var status = el("p", { class: "status", role: "status", text: "Đang tải lịch sinh hoạt…" });
    var list = el("ol", { class: "items meetings", id: "meetings-list" });
    section.appendChild(reminders);
    section.appendChild(status);
    section.appendChild(list);
    var tools = el("p", { class: "row meeting-tools" });
    if (me.role && me.role !== "member") tools.appendChild(el("a", { class: "btn", href: "/sinh-hoat/", text: "Xếp lịch họp" }));
    var calendar = el("button", { type: "button", class: "btn", text: "Thêm vào lịch điện thoại" });
    calendar.addEventListener("click", function () {
      send("POST", "/api/calendar/token", {}).then(function (answer) {
        if (answer.status !== 201) { status.textContent = answer.data.detail || "Chưa tạo được đường dẫn lịch."; return; }
        var url = answer.data.url;
        status.textContent = "";
        status.appendChild(el("a", { href: url.replace(/^https?:/, "webcal:"), text: "Mở lịch trên điện thoại" }));
        status.appendChild(document.createTextNode(" — đường dẫn riêng của bạn, không chia sẻ: " + url));
      }, function () { status.textContent = "Cần có mạng để tạo đường dẫn lịch."; });
    });
    tools.appendChild(calendar);
    var remind = pushButton(status);
    if (remind) tools.appendChild(remind);
    section.appendChild(tools);
    var drawn = getJSON("/api/meetings").then(function (answer) {
      if (answer.status !== 200) { status.textContent = answer.data.detail || "Chưa tải được lịch sinh hoạt."; return; }
      status.textContent = answer.data.length ? (answer.offline ? "Lịch đã lưu trên máy (ngoại tuyến)." : "") :
        "Chưa có cuộc họp nào sắp tới.";
      answer.data.forEach(function (meeting) {
        var note = reminder(meeting);
        if (note) reminders.appendChild(note);
        list.appendChild(meetingCard(meeting, true));
      });
      section.setAttribute("data-ready", "1");
      if (!answer.offline) readAhead(section, answer.data);
    }, function () { status.textContent = "Ngoại tuyến: lịch sinh hoạt sẽ hiện khi có mạng."; });
    // The home appears once this part is drawn too, so the feed below does not move (shell.js).
    if (window.sotayHome) window.sotayHome.wait(drawn);
  }

  /* --- the meeting page: attendance, minutes, rating ---------------------------------------------------- */

  function attendance(page, id) {
    var status = $("meeting-status");
    var listBox = $("roster");
    var counts = $("attendance-counts");
    var rosterKey = "meeting." + id + ".roster";
    function localMarks() { return JSON.parse(stored("meeting." + id + ".marks") || "{}"); }
    function paintCounts(rows) {
      var marks = localMarks();
      var tally = { present: 0, online: 0, excused: 0, absent: 0 };
      rows.forEach(function (r) { var m = marks[r.member] || r.mark; if (m) tally[m] += 1; });
      counts.textContent = "Có mặt " + tally.present + " · Trực tuyến " + tally.online + " · Vắng có lý do " +
        tally.excused + " · Vắng không lý do " + tally.absent + " / " + rows.length + " đảng viên";
    }
    function draw(data) {
      $("meeting-title").textContent = data.meeting.title;
      $("meeting-when").textContent = when(data.meeting.starts_at) + (data.meeting.place ? " — " + data.meeting.place : "");
      listBox.textContent = "";
      var marks = localMarks();
      data.roster.forEach(function (row) {
        var li = el("li", { class: "roster-row", "data-member": String(row.member) });
        li.appendChild(el("p", { class: "roster-name", text: row.full_name +
          (row.answer === "excused" ? " — xin vắng: " + row.reason : row.answer === "attend" ? " — sẽ dự" : "") }));
        var group = el("div", { class: "marks", role: "group", "aria-label": "Điểm danh " + row.full_name });
        MARKS.forEach(function (m) {
          var button = el("button", { type: "button", class: "btn mark-" + m[0], "data-mark": m[0], text: m[1],
            "aria-pressed": String((marks[row.member] || row.mark) === m[0]) });
          button.addEventListener("click", function () {
            var all = localMarks();
            all[row.member] = m[0];
            store("meeting." + id + ".marks", JSON.stringify(all));
            Array.prototype.forEach.call(group.children, function (b) { b.setAttribute("aria-pressed", String(b === button)); });
            paintCounts(data.roster);
            window.sotayOutbox.attendanceMark(id, row.member, m[0]);
          });
          group.appendChild(button);
        });
        li.appendChild(group);
        listBox.appendChild(li);
      });
      paintCounts(data.roster);
      page.setAttribute("data-ready", "1");
    }
    getJSON("/api/meetings/" + id + "/attendance").then(function (answer) {
      if (answer.status !== 200) { status.textContent = answer.data.detail || "Chưa tải được danh sách."; return; }
      store(rosterKey, JSON.stringify(answer.data));
      draw(answer.data);
    }, function () {
      var kept = stored(rosterKey);
      if (kept) { status.textContent = "Ngoại tuyến: điểm danh được lưu trên máy và gửi khi có mạng."; draw(JSON.parse(kept)); }
      else status.textContent = "Ngoại tuyến, chưa có danh sách trên máy. Hãy mở trang này khi có mạng trước buổi họp.";
    });
    window.addEventListener("sotay-outbox", function (event) {
      var d = event.detail || {};
      var pending = $("marks-pending");
      if (d.state === "sent") pending.textContent = "Đã gửi hết điểm danh.";
      else if (d.state === "offline" || d.state === "queued") pending.textContent = "Đang chờ mạng để gửi điểm danh" +
        (d.pending ? " (" + d.pending + ")" : "") + ".";
      else if (d.message) pending.textContent = d.message;
    });
  }

  function minutesForm(id) {
    var form = $("minutes-form");
    var status = $("minutes-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      status.textContent = "Đang gửi biên bản…";
      send("POST", "/api/meetings/" + id + "/minutes", new FormData(form), true).then(function (answer) {
        status.textContent = answer.status === 201 ? "Đã đăng biên bản." : (answer.data.detail || "Chưa gửi được biên bản.");
      }, function () { status.textContent = "Cần có mạng để gửi biên bản và ảnh. Nội dung vẫn còn trong ô."; });
    });
    var rating = $("rating-form");
    var select = $("quality");
    QUALITY.forEach(function (q) { select.appendChild(el("option", { value: q[0], text: q[1] })); });
    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      send("POST", "/api/meetings/" + id + "/rating", { quality: select.value }).then(function (answer) {
        $("rating-status").textContent = answer.status === 200 ? "Đã xếp loại." : (answer.data.detail || "Chưa xếp loại được.");
      }, function () { $("rating-status").textContent = "Cần có mạng để xếp loại."; });
    });
  }

  /* --- scheduling ---------------------------------------------------------------------------------------- */

  var KIND_LABELS = { meeting: "Tài liệu sinh hoạt", resolution: "Nghị quyết", study: "Tài liệu học tập", news: "Tin tức" };

  /* "Tài liệu cần đọc trước": articles everyone called may read, one large checkbox each. */
  function materialPicker(box, tierSelect) {
    function load() {
      box.textContent = "Đang tải danh sách tài liệu…";
      getJSON("/api/meetings/materials?tier=" + encodeURIComponent(tierSelect.value)).then(function (answer) {
        box.textContent = "";
        if (answer.status !== 200 || !answer.data.length) {
          box.textContent = answer.status === 200 ? "Chưa có tài liệu nào đã xuất bản." : (answer.data.detail || "");
          return;
        }
        answer.data.forEach(function (m) {
          var input = el("input", { type: "checkbox", name: "material", value: String(m.id), "data-title": m.title });
          box.appendChild(el("label", { class: "material-choice" }, [input,
            el("span", { text: " " + m.title }), el("small", { text: " — " + (KIND_LABELS[m.kind] || m.kind) })]));
        });
      }, function () { box.textContent = "Cần có mạng để chọn tài liệu."; });
    }
    tierSelect.addEventListener("change", load);
    load();
  }

  function chosenMaterials(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=material]"), function (i) { return i.checked; })
      .map(function (i) { return { title: i.getAttribute("data-title"), material: Number(i.value) }; });
  }

  function scheduleForm(form) {
    var status = $("schedule-status");
    var repeat = $("repeat");
    var clientId = window.sotayOutbox.uuid();
    if ($("material-choices")) materialPicker($("material-choices"), form.elements.tier);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = form.elements;
      var body = { client_id: clientId, kind: f.kind.value, title: f.title.value, tier: f.tier.value,
        place: f.place.value, online_link: f.online_link.value,
        starts_at: f.date.value + "T" + f.time.value + ":00+07:00",
        agenda: f.agenda.value.split("\n").map(function (t) { return t.trim(); }).filter(Boolean)
          .map(function (t) { return { title: t }; }).concat(chosenMaterials(form)) };
      if (repeat.checked) {
        body.repeat_day = Number(f.date.value.slice(8, 10));
        body.repeat_count = Number(f.repeat_count.value || 3);
      }
      status.textContent = "Đang lưu lịch…";
      send("POST", "/api/meetings", body).then(function (answer) {
        if (answer.status !== 201) {
          var d = answer.data;
          status.textContent = d.detail || Object.keys(d).map(function (k) { return k + ": " + d[k]; }).join("; ");
          return;
        }
        clientId = window.sotayOutbox.uuid();
        status.textContent = "Đã xếp lịch: " + answer.data.map(function (m) { return when(m.starts_at); }).join("; ");
        form.reset();
      }, function () { status.textContent = "Cần có mạng để xếp lịch."; });
    });
  }

  function setup() {
    var section = $("meetings-home");
    if (section) home(section);
    var page = $("meeting-page");
    if (page) {
      var id = Number(page.getAttribute("data-meeting"));
      attendance(page, id);
      minutesForm(id);
    }
    var form = $("schedule-form");
    if (form) scheduleForm(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
