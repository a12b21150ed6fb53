/* Giao việc in the reader: "Việc của tôi" on the home (tasks and plan reports, by deadline, with a progress
   report — text, percentage and phone photos — that is queued offline in sotayOutbox, shown "Chờ gửi" and
   sent once), giving a task, a task's progress, plans with
   their report form and roll-up.

   Reads /api/tasks… and /api/plans… (the service worker keeps the last answers for offline). What the member
   reported is kept in localStorage ("sotay.task.<id>.percent") so the home shows it before the server has it.
   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var VIETNAM_MS = 7 * 3600000;

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
  function day(iso) {
    var d = new Date(Date.parse(iso) + VIETNAM_MS);
    return two(d.getUTCDate()) + "/" + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function endOfDay(value) { return value + "T17:00:00+07:00"; }
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
  function detail(data, fallback) {
    if (data && data.detail) return data.detail;
    var keys = Object.keys(data || {});
    return keys.length ? keys.map(function (k) { return k + ": " + data[k]; }).join("; ") : fallback;
  }

  /* --- home: Việc của tôi -------------------------------------------------------------------------------- */

  function reportForm(item, progressText) {
    var form = el("form", { class: "meeting-form task-report", hidden: "" });
    var pid = "pct-" + item.id, tid = "txt-" + item.id, fid = "pho-" + item.id;
    var percent = el("input", { id: pid, name: "percent", type: "number", min: "0", max: "100", step: "10",
      inputmode: "numeric", required: "", value: stored("task." + item.id + ".percent") || String(item.percent || 0) });
    var text = el("textarea", { id: tid, name: "text", rows: "3" });
    var photos = el("input", { id: fid, name: "photos", type: "file", accept: "image/*", multiple: "" });
    var status = el("p", { class: "status", role: "status" });
    [el("label", { for: pid, text: "Đã làm được (%)" }), percent, el("label", { for: tid, text: "Kết quả, khó khăn" }),
     text, el("label", { for: fid, text: "Ảnh chụp" }), photos,
     el("p", {}, [el("button", { type: "submit", class: "btn primary", text: "Gửi báo cáo" })]), status]
      .forEach(function (n) { form.appendChild(n); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = Math.max(0, Math.min(100, Number(percent.value || 0)));
      var done = function () {
        store("task." + item.id + ".percent", String(value));
        progressText.textContent = "Đã làm " + value + "%";
        text.value = "";
      };
      if (photos.files && photos.files.length) {
        queuePhotos(item, value, text.value.trim(), photos, status).then(done);
        return;
      }
      window.sotayOutbox.taskReport(item.id, value, text.value.trim()).then(function () {
        done();
        status.textContent = navigator.onLine === false ? "Đã lưu trên máy, sẽ tự gửi khi có mạng." : "Đang gửi báo cáo…";
      });
    });
    window.addEventListener("sotay-outbox", function (event) {
      var d = event.detail || {};
      if (d.kind === "task-report" && d.task === item.id) {
        status.textContent = d.state === "sent" ? "Đã gửi báo cáo." : d.message;
      }
    });
    return form;
  }

  /* --- a report with phone photos, kept on the phone until it is sent ------------------------------------ */

  var PHOTO_MAX_PX = 1280;

  /* A phone photo (4 MB, 4000 px) shrunk on the phone to a JPEG of at most PHOTO_MAX_PX (~200 kB) before it is
     kept: a cheap phone's storage and the later upload stay small. Anything the browser cannot draw is kept as
     it is (the server says what is wrong with it). */
  function shrink(file) {
    return new Promise(function (resolve) {
      var canvas = document.createElement("canvas");
      if (!window.URL || !URL.createObjectURL || !canvas.toBlob) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, PHOTO_MAX_PX / Math.max(img.naturalWidth, img.naturalHeight, 1));
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob && blob.size < file.size ? blob : file); }, "image/jpeg", 0.8);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function queuePhotos(item, value, text, input, status) {
    var files = Array.prototype.slice.call(input.files, 0, 6);
    status.textContent = "Đang chuẩn bị ảnh…";
    return Promise.all(files.map(shrink)).then(function (blobs) {
      return window.sotayOutbox.taskReportWithPhotos(item.id, value, text, blobs);
    }).then(function () {
      input.value = "";
      status.textContent = navigator.onLine === false ? "Đã lưu báo cáo và " + files.length +
        " ảnh trên máy, sẽ tự gửi khi có mạng." : "Đang gửi báo cáo và ảnh…";
    });
  }

  /* "Chờ gửi": what the member reported on this task that is still in the phone's outbox (with its photos). */
  function waitingLine(item, li) {
    var box = el("div", { class: "task-waiting", hidden: "" });
    li.appendChild(box);
    function draw() {
      if (!window.sotayOutbox) return;
      window.sotayOutbox.pending().then(function (items) {
        var mine = items.filter(function (i) {
          return (i.type === "task-report" || i.type === "task-report-photos") && i.payload.task === item.id;
        });
        box.textContent = "";
        mine.forEach(function (i) {
          var photos = i.payload.photos || [];
          var line = el("p", { class: "meeting-reminder", text: "Chờ gửi: báo cáo " + i.payload.percent + "%" +
            (photos.length ? " kèm " + photos.length + " ảnh" : "") });
          photos.forEach(function (blob) {
            var url = URL.createObjectURL(blob);
            var img = el("img", { src: url, alt: "Ảnh chờ gửi", width: "48", height: "48", class: "task-waiting-photo" });
            img.addEventListener("load", function () { URL.revokeObjectURL(url); });
            line.appendChild(document.createTextNode(" "));
            line.appendChild(img);
          });
          box.appendChild(line);
        });
        box.hidden = !mine.length;
      }, function () { /* no IndexedDB: nothing kept, nothing to show */ });
    }
    window.addEventListener("sotay-outbox", draw);
    draw();
  }

  function workCard(item) {
    var li = el("li", { class: "task" + (item.late ? " late" : ""), "data-kind": item.kind, "data-id": String(item.id) });
    li.appendChild(el("p", { class: "badges" }, [el("span", { class: "kind",
      text: (item.kind === "plan" ? "Báo cáo kế hoạch · " : "Việc được giao · ") + item.unit })]));
    li.appendChild(el("h3", { text: item.title }));
    li.appendChild(el("p", { class: "meeting-when", text: "Hạn: " + day(item.due_at) + (item.late ? " — đã quá hạn" : "") }));
    if (item.kind === "plan") {
      if (item.returned) li.appendChild(el("p", { class: "meeting-reminder", text: "Cấp trên trả lại để sửa: " + item.note }));
      li.appendChild(el("p", {}, [el("a", { class: "btn", href: item.url, text: "Điền báo cáo" })]));
      return li;
    }
    var local = stored("task." + item.id + ".percent");
    var progressText = el("p", { class: "task-progress", text: "Đã làm " + (local || item.percent) + "%" });
    li.appendChild(progressText);
    var form = reportForm(item, progressText);
    var open = el("button", { type: "button", class: "btn", "aria-expanded": "false", text: "Báo cáo tiến độ" });
    open.addEventListener("click", function () {
      form.hidden = !form.hidden;
      open.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) form.querySelector("input").focus();
    });
    li.appendChild(el("p", { class: "row" }, [open, el("a", { class: "btn", href: item.url, text: "Chi tiết" })]));
    li.appendChild(form);
    waitingLine(item, li);
    return li;
  }

  function home(section) {
    var me = JSON.parse(($("sotay-me") || {}).textContent || "{}");
    section.hidden = false;
    section.appendChild(el("h2", { id: "tasks-title", text: "Việc của tôi" }));
    var reminders = el("div", { class: "meeting-reminders" });
    var status = el("p", { class: "status", role: "status", text: "Đang tải việc của bạn…" });
    var list = el("ol", { class: "items tasks", id: "tasks-list" });
    [reminders, status, list].forEach(function (n) { section.appendChild(n); });
    var tools = el("p", { class: "row meeting-tools" }, [
      el("a", { class: "btn", href: "/cam-ket/", text: "Đăng ký, cam kết" }),
      el("a", { class: "btn", href: "/lich/", text: "Lịch của tôi" })]);
    if (me.role && me.role !== "member") {
      tools.appendChild(el("a", { class: "btn", href: "/viec/giao/", text: "Giao việc" }));
      tools.appendChild(el("a", { class: "btn", href: "/ke-hoach/", text: "Kế hoạch ngành dọc" }));
    }
    section.appendChild(tools);
    var drawn = getJSON("/api/tasks/mine").then(function (answer) {
      if (answer.status !== 200) { status.textContent = detail(answer.data, "Chưa tải được việc của bạn."); return; }
      status.textContent = answer.data.length ? (answer.offline ? "Danh sách đã lưu trên máy (ngoại tuyến)." : "") :
        "Bạn không có việc nào đang chờ.";
      answer.data.forEach(function (item) {
        var left = Date.parse(item.due_at) - Date.now();
        if (left > 0 && left < 3 * 86400000) {
          reminders.appendChild(el("p", { class: "meeting-reminder", role: "status", text: "Sắp đến hạn: " + item.title + " — " + day(item.due_at) }));
        }
        list.appendChild(workCard(item));
      });
      section.setAttribute("data-ready", "1");
    }, function () { status.textContent = "Ngoại tuyến: việc của bạn sẽ hiện khi có mạng."; });
    // The home appears once this part is drawn too, so nothing below it moves (shell.js).
    if (window.sotayHome) window.sotayHome.wait(drawn);
  }

  /* --- giving a task, a task's progress ------------------------------------------------------------------ */

  function assignPage(form) {
    var status = $("assign-status");
    var whole = $("task-whole");
    var box = $("task-members");
    var clientId = window.sotayOutbox.uuid();
    whole.addEventListener("change", function () { box.hidden = whole.checked; });
    getJSON("/api/tasks/members").then(function (answer) {
      if (answer.status !== 200) { status.textContent = detail(answer.data, "Chưa tải được danh sách."); return; }
      answer.data.forEach(function (m) {
        box.appendChild(el("label", { class: "check" }, [el("input", { type: "checkbox", name: "members", value: String(m.id) }),
          document.createTextNode(" " + m.full_name)]));
      });
    });
    function unitTasks() {
      getJSON("/api/tasks").then(function (answer) {
        var list = $("unit-tasks");
        list.textContent = "";
        (answer.status === 200 ? answer.data : []).forEach(function (t) {
          var late = (t.progress || []).filter(function (r) { return r.late; }).length;
          list.appendChild(el("li", {}, [el("a", { href: "/viec/" + t.id + "/", text: t.title }),
            el("span", { text: " — hạn " + day(t.due_at) + (late ? " · " + late + " người chậm" : "") })]));
        });
      });
    }
    unitTasks();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = form.elements;
      var members = Array.prototype.filter.call(box.querySelectorAll("input"), function (i) { return i.checked; })
        .map(function (i) { return Number(i.value); });
      var body = { client_id: clientId, title: f.title.value, body: f.body.value, due_at: endOfDay(f.due.value),
        whole_unit: whole.checked, members: whole.checked ? [] : members };
      send("POST", "/api/tasks", body).then(function (answer) {
        if (answer.status !== 201) { status.textContent = detail(answer.data, "Chưa giao được việc."); return; }
        clientId = window.sotayOutbox.uuid();
        status.textContent = "Đã giao việc cho " + answer.data.progress.length + " đảng viên.";
        form.reset();
        box.hidden = true;
        unitTasks();
      }, function () { status.textContent = "Cần có mạng để giao việc."; });
    });
  }

  function taskPage(page) {
    var id = page.getAttribute("data-task");
    getJSON("/api/tasks/" + id).then(function (answer) {
      if (answer.status !== 200) { $("task-status").textContent = detail(answer.data, "Không tải được."); return; }
      var t = answer.data;
      $("task-heading").textContent = t.title;
      $("task-due-line").textContent = "Hạn: " + day(t.due_at) + " · " + t.unit.name;
      $("task-text").textContent = t.body;
      (t.progress || []).forEach(function (r) {
        $("task-progress").appendChild(el("li", { class: "roster-row" + (r.late ? " late" : "") },
          [el("p", { class: "roster-name", text: r.full_name + ": " + r.percent + "%" + (r.late ? " — chậm" : r.done ? " — xong" : "") })]));
      });
      if (!t.progress && t.mine) $("task-progress").appendChild(el("li", { text: "Bạn đã làm " + t.mine.percent + "%" }));
      t.reports.forEach(function (r) {
        var li = el("li", {}, [el("p", { text: r.member + " — " + r.percent + "% — " + day(r.client_time) }), el("p", { text: r.text })]);
        r.photos.forEach(function (p) { li.appendChild(el("img", { src: p.url, alt: "Ảnh báo cáo", width: "160", loading: "lazy" })); });
        $("task-reports").appendChild(li);
      });
      page.setAttribute("data-ready", "1");
    });
  }

  /* --- plans --------------------------------------------------------------------------------------------- */

  var KINDS = [["number", "Số"], ["choice", "Lựa chọn"], ["text", "Văn bản"], ["file", "Tệp đính kèm"]];

  function fieldRow(n) {
    var row = el("div", { class: "plan-field" });
    var lid = "field-label-" + n, kid = "field-kind-" + n, cid = "field-choices-" + n;
    var kind = el("select", { id: kid, name: "kind" });
    KINDS.forEach(function (k) { kind.appendChild(el("option", { value: k[0], text: k[1] })); });
    [el("label", { for: lid, text: "Mục " + n }), el("input", { id: lid, name: "label", type: "text", maxlength: "200" }),
     el("label", { for: kid, text: "Kiểu của mục " + n }), kind,
     el("label", { for: cid, text: "Các lựa chọn (cách nhau bởi dấu ;)" }), el("input", { id: cid, name: "choices", type: "text" })]
      .forEach(function (x) { row.appendChild(x); });
    return row;
  }

  function plansPage() {
    var list = $("plans-list");
    getJSON("/api/plans").then(function (answer) {
      (answer.status === 200 ? answer.data : []).forEach(function (p) {
        list.appendChild(el("li", {}, [el("a", { href: "/ke-hoach/" + p.id + "/", text: (p.code ? p.code + " " : "") + p.title }),
          el("span", { text: " — " + p.unit.name + ", hạn " + day(p.due_at) })]));
      });
      if (answer.status === 200 && !answer.data.length) list.appendChild(el("li", { text: "Chưa có kế hoạch nào." }));
    });
    getJSON("/api/me").then(function (answer) {
      var me = answer.data || {};
      var units = me.units || [];
      var level = units.length ? units[units.length - 1].level : "cell";
      if ((me.role === "secretary" || me.role === "deputy") && level !== "cell") $("issue-section").hidden = false;
    });
    var fields = $("plan-fields");
    var count = 0;
    function add() { count += 1; fields.appendChild(fieldRow(count)); }
    add(); add(); add();
    $("add-field").addEventListener("click", add);
    var form = $("issue-form");
    var clientId = window.sotayOutbox.uuid();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = form.elements;
      var items = Array.prototype.map.call(fields.querySelectorAll(".plan-field"), function (row) {
        return { label: row.querySelector("[name=label]").value.trim(), kind: row.querySelector("[name=kind]").value,
          choices: row.querySelector("[name=choices]").value.split(";").map(function (c) { return c.trim(); }).filter(Boolean) };
      }).filter(function (x) { return x.label; });
      var body = { client_id: clientId, code: f.code.value, title: f.title.value, body: f.body.value,
        due_at: endOfDay(f.due.value), form: items };
      send("POST", "/api/plans", body).then(function (answer) {
        if (answer.status !== 201) { $("issue-status").textContent = detail(answer.data, "Chưa ban hành được."); return; }
        location.href = "/ke-hoach/" + answer.data.id + "/";
      }, function () { $("issue-status").textContent = "Cần có mạng để ban hành kế hoạch."; });
    });
  }

  function reportFields(plan, box) {
    var values = (plan.my_report && plan.my_report.values) || {};
    plan.form.forEach(function (field) {
      var id = "rf-" + field.key;
      box.appendChild(el("label", { for: id, text: field.label }));
      var input;
      if (field.kind === "choice") {
        input = el("select", { id: id, name: field.key });
        input.appendChild(el("option", { value: "", text: "— chọn —" }));
        field.choices.forEach(function (c) { input.appendChild(el("option", { value: c, text: c })); });
      } else if (field.kind === "text") {
        input = el("textarea", { id: id, name: field.key, rows: "3" });
      } else if (field.kind === "file") {
        input = el("input", { id: id, name: field.key, type: "file" });
      } else {
        input = el("input", { id: id, name: field.key, type: "number", min: "0", step: "any", inputmode: "decimal" });
      }
      if (field.kind !== "file" && values[field.key] !== undefined) input.value = values[field.key];
      box.appendChild(input);
    });
  }

  function rollup(plan, unit) {
    var q = unit ? "?unit=" + encodeURIComponent(unit) : "";
    getJSON("/api/plans/" + plan.id + "/rollup" + q).then(function (answer) {
      if (answer.status !== 200) return;
      var data = answer.data;
      var numbers = plan.form.filter(function (f) { return f.kind === "number"; });
      var table = $("rollup-table");
      table.textContent = "";
      table.appendChild(el("tr", {}, ["Đơn vị", "Đã báo cáo", "Quá hạn"].concat(numbers.map(function (f) { return f.label; }))
        .map(function (h) { return el("th", { scope: "col", text: h }); })));
      data.units.forEach(function (row) {
        var tr = el("tr", { "data-unit": row.code });
        var name = el("td", { text: (row.depth ? "· " : "") + row.name });
        if (row.depth && row.level !== "cell") {
          name.textContent = "";
          var down = el("button", { type: "button", class: "btn", text: row.name });
          down.addEventListener("click", function () { rollup(plan, row.code); });
          name.appendChild(down);
        } else if (!row.depth && unit) {
          name.textContent = "";
          var up = el("button", { type: "button", class: "btn", text: "↑ " + row.name });
          up.addEventListener("click", function () { rollup(plan, ""); });
          name.appendChild(up);
        }
        tr.appendChild(name);
        tr.appendChild(el("td", { text: row.reported + "/" + row.reached }));
        tr.appendChild(el("td", { text: String(row.late) }));
        numbers.forEach(function (f) { tr.appendChild(el("td", { class: "num", "data-key": f.key, text: String(row.totals[f.key]) })); });
        table.appendChild(tr);
        if (plan.can_return && row.depth && row.status === "submitted") {
          var back = el("button", { type: "button", class: "btn", text: "Trả lại " + row.name });
          back.addEventListener("click", function () {
            var note = window.prompt("Điều cần sửa trong báo cáo của " + row.name + ":");
            if (!note) return;
            send("POST", "/api/plans/" + plan.id + "/return", { unit: row.code, note: note }).then(function (r) {
              $("plan-status").textContent = r.status === 200 ? "Đã trả lại báo cáo của " + row.name + "." : detail(r.data, "Chưa trả lại được.");
              if (r.status === 200) rollup(plan, unit);
            });
          });
          table.appendChild(el("tr", {}, [el("td", { colspan: String(3 + numbers.length) }, [back])]));
        }
      });
      $("rollup-late").textContent = data.late_units.length ? "Quá hạn chưa báo cáo: " +
        data.late_units.map(function (u) { return u.name; }).join(", ") : "Không có đơn vị quá hạn.";
      $("rollup-xlsx").setAttribute("href", "/api/plans/" + plan.id + "/rollup?format=xlsx&unit=" + data.unit.code);
      $("plan-rollup").hidden = false;
      $("plan-rollup").setAttribute("data-ready", "1");
    });
  }

  function planPage(page) {
    var id = page.getAttribute("data-plan");
    getJSON("/api/plans/" + id).then(function (answer) {
      if (answer.status !== 200) { $("plan-status").textContent = detail(answer.data, "Không tải được kế hoạch."); return; }
      var plan = answer.data;
      $("plan-heading").textContent = (plan.code ? plan.code + " — " : "") + plan.title;
      $("plan-meta").textContent = plan.unit.name + " · hạn báo cáo " + day(plan.due_at);
      $("plan-text").textContent = plan.body;
      var mine = plan.my_report;
      if (mine) {
        $("plan-status").textContent = mine.status === "submitted" ? "Đơn vị đã gửi báo cáo." :
          mine.status === "returned" ? "Cấp trên trả lại để sửa: " + mine.return_note : "Đơn vị chưa báo cáo, hạn " + day(mine.due_at) + ".";
      }
      if (plan.can_fill) {
        var form = $("plan-report");
        reportFields(plan, $("plan-report-fields"));
        form.hidden = false;
        var clientId = window.sotayOutbox.uuid();
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var body = new FormData(form);
          body.append("client_id", clientId);
          send("POST", "/api/plans/" + plan.id + "/report", body, true).then(function (r) {
            if (r.status !== 200) { $("plan-report-status").textContent = detail(r.data, "Chưa gửi được báo cáo."); return; }
            clientId = window.sotayOutbox.uuid();
            $("plan-report-status").textContent = "Đã gửi báo cáo.";
            $("plan-status").textContent = "Đơn vị đã gửi báo cáo.";
          }, function () { $("plan-report-status").textContent = "Cần có mạng để gửi báo cáo. Nội dung vẫn còn trong ô."; });
        });
      }
      if (plan.can_forward) {
        var fwd = $("plan-forward");
        fwd.hidden = false;
        fwd.addEventListener("submit", function (event) {
          event.preventDefault();
          send("POST", "/api/plans/" + plan.id + "/forward", { due_at: endOfDay(fwd.elements.due.value) }).then(function (r) {
            $("forward-status").textContent = r.status === 200 ? "Đã chuyển tiếp xuống cấp dưới." : detail(r.data, "Chưa chuyển tiếp được.");
          });
        });
      }
      if (plan.oversees) rollup(plan, "");
      page.setAttribute("data-ready", "1");
    });
  }

  function setup() {
    var section = $("tasks-home");
    if (section) home(section);
    var form = $("assign-form");
    if (form) assignPage(form);
    var task = $("task-page");
    if (task) taskPage(task);
    if ($("plans-list")) plansPage();
    var plan = $("plan-page");
    if (plan) planPage(plan);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
