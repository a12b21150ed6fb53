/* Giao việc pages outside the home: "Đăng ký, cam kết" (a member registers and reports; the committee approves,
   returns with a reason and comments) and "Lịch của tôi" (meetings, deadlines and the committees' lịch công
   tác tuần; the committee adds entries). Drawn from /api/commitments… and /api/my-calendar, /api/work-calendar.
   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var VIETNAM_MS = 7 * 3600000;
  var KINDS = [["directive", "Đăng ký việc làm theo Chỉ thị"], ["self", "Cam kết tu dưỡng, rèn luyện"]];

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
  function call(method, url, body) {
    var init = { method: method, credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() } };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    });
  }
  function detail(data, fallback) { return (data && data.detail) || fallback; }

  /* --- commitments --------------------------------------------------------------------------------------- */

  function commitmentCard(c, manager, reload) {
    var li = el("li", { class: "task", "data-commitment": String(c.id) });
    li.appendChild(el("p", { class: "badges" }, [el("span", { class: "kind", text: c.kind_label + " · " + c.year +
      (manager ? " · " + c.member.full_name : "") })]));
    li.appendChild(el("p", { text: c.text }));
    li.appendChild(el("p", { class: "meeting-when", text: c.status_label + (c.comment ? " — " + c.comment : "") }));
    var status = el("p", { class: "status", role: "status" });
    c.reports.forEach(function (r) {
      var row = el("div", { class: "plan-field" }, [el("p", { text: "Kết quả: " + r.text }),
        r.comment ? el("p", { text: "Nhận xét: " + r.comment }) : null]);
      if (manager && !r.comment) {
        var cid = "comment-" + r.id;
        var input = el("input", { id: cid, type: "text", maxlength: "2000" });
        var button = el("button", { type: "button", class: "btn", text: "Gửi nhận xét" });
        button.addEventListener("click", function () {
          call("POST", "/api/commitments/" + c.id + "/reports/" + r.id + "/comment", { comment: input.value })
            .then(function (a) { if (a.status === 200) reload(); else status.textContent = detail(a.data, "Chưa gửi được."); });
        });
        [el("label", { for: cid, text: "Nhận xét kết quả" }), input, button].forEach(function (n) { row.appendChild(n); });
      }
      li.appendChild(row);
    });
    if (manager && c.status === "submitted") {
      var rid = "review-" + c.id;
      var reason = el("input", { id: rid, type: "text", maxlength: "2000" });
      var approve = el("button", { type: "button", class: "btn primary", text: "Duyệt" });
      var back = el("button", { type: "button", class: "btn", text: "Trả lại để sửa" });
      function review(ok) {
        call("POST", "/api/commitments/" + c.id + "/review", { approve: ok, comment: reason.value })
          .then(function (a) { if (a.status === 200) reload(); else status.textContent = detail(a.data, "Chưa duyệt được."); });
      }
      approve.addEventListener("click", function () { review(true); });
      back.addEventListener("click", function () { review(false); });
      [el("label", { for: rid, text: "Ý kiến (bắt buộc khi trả lại)" }), reason, el("p", { class: "row" }, [approve, back])]
        .forEach(function (n) { li.appendChild(n); });
    }
    if (!manager && c.status === "approved") {
      var tid = "result-" + c.id;
      var text = el("textarea", { id: tid, rows: "3" });
      var sendButton = el("button", { type: "button", class: "btn primary", text: "Báo cáo kết quả" });
      sendButton.addEventListener("click", function () {
        call("POST", "/api/commitments/" + c.id + "/reports", { client_id: window.sotayOutbox.uuid(), text: text.value })
          .then(function (a) { if (a.status === 201) reload(); else status.textContent = detail(a.data, "Chưa gửi được."); },
            function () { status.textContent = "Cần có mạng để gửi báo cáo."; });
      });
      [el("label", { for: tid, text: "Kết quả thực hiện" }), text, sendButton].forEach(function (n) { li.appendChild(n); });
    }
    li.appendChild(status);
    return li;
  }

  function commitmentsPage(page) {
    var year = new Date().getFullYear();
    function load() {
      call("GET", "/api/commitments?year=" + year).then(function (a) {
        var list = $("my-commitments");
        list.textContent = "";
        (a.status === 200 ? a.data : []).forEach(function (c) { list.appendChild(commitmentCard(c, false, load)); });
        if (a.status === 200 && !a.data.length) list.appendChild(el("li", { text: "Bạn chưa đăng ký năm " + year + "." }));
        page.setAttribute("data-ready", "1");
      });
      call("GET", "/api/commitments?unit=1&year=" + year).then(function (a) {
        if (a.status !== 200) return;
        $("unit-section").hidden = false;
        var list = $("unit-commitments");
        list.textContent = "";
        a.data.forEach(function (c) { list.appendChild(commitmentCard(c, true, load)); });
      });
    }
    var select = $("commitment-kind");
    KINDS.forEach(function (k) { select.appendChild(el("option", { value: k[0], text: k[1] })); });
    $("commitment-form").addEventListener("submit", function (event) {
      event.preventDefault();
      call("POST", "/api/commitments", { year: year, kind: select.value, text: $("commitment-text").value }).then(function (a) {
        $("commitment-status").textContent = a.status === 201 ? "Đã gửi bản đăng ký, chờ chi ủy duyệt." : detail(a.data, "Chưa gửi được.");
        if (a.status === 201) { $("commitment-text").value = ""; load(); }
      }, function () { $("commitment-status").textContent = "Cần có mạng để gửi bản đăng ký."; });
    });
    load();
  }

  /* --- calendar ------------------------------------------------------------------------------------------ */

  var LABELS = { meeting: "Họp", deadline: "Hạn", work: "Lịch công tác" };

  function calendarPage(page) {
    function load() {
      call("GET", "/api/my-calendar?days=31").then(function (a) {
        var list = $("calendar-list");
        list.textContent = "";
        (a.status === 200 ? a.data : []).forEach(function (e) {
          list.appendChild(el("li", { class: "task", "data-kind": e.kind }, [
            el("p", { class: "badges" }, [el("span", { class: "kind", text: (LABELS[e.kind] || e.kind) })]),
            el("h3", { text: e.title }), el("p", { class: "meeting-when", text: when(e.starts_at) + (e.place ? " — " + e.place : "") }),
            e.description ? el("p", { text: e.description }) : null]));
        });
        if (a.status === 200 && !a.data.length) list.appendChild(el("li", { text: "Không có gì trong 31 ngày tới." }));
        page.setAttribute("data-ready", "1");
      });
    }
    var me = {};
    call("GET", "/api/me").then(function (a) { me = a.data || {}; if (me.role && me.role !== "member") $("work-section").hidden = false; });
    $("work-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var f = event.target.elements;
      call("POST", "/api/work-calendar", { title: f.title.value, place: f.place.value, tier: f.tier.value,
        starts_at: f.date.value + "T" + f.time.value + ":00+07:00" }).then(function (a) {
        $("work-status").textContent = a.status === 201 ? "Đã thêm vào lịch công tác." : detail(a.data, "Chưa thêm được.");
        if (a.status === 201) { event.target.reset(); load(); }
      });
    });
    load();
  }

  function setup() {
    var commitments = $("commitments-page");
    if (commitments) commitmentsPage(commitments);
    var calendar = $("calendar-page");
    if (calendar) calendarPage(calendar);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
