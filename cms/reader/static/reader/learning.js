/* Học tập và thi in the reader: the list of rounds and Hỏi – Đáp, and the page where a member takes a round.

   Every choice is kept on the phone at once (localStorage "sotay.quiz.<attempt>") and sent to the server with
   PUT /api/learning/attempts/<id>/answers; when the network is gone the choices wait on the phone and are sent
   when it is back (the `online` event, and every few seconds), so a dropped connection loses nothing. The
   time left is the server's (`remaining_s`), counted down here only for display; the server refuses late answers
   and scores an unsubmitted attempt with what it has. Keys and explanations come only from /results, which the
   server answers after the round closes.

   Plain ES2017 without optional chaining, for Android WebViews from Chrome 61 on. */
(function () {
  "use strict";

  var LETTERS = "ABCDEF";

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
  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }
  function call(method, url, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() } };
    if (body !== undefined) options.body = JSON.stringify(body);
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        return { status: r.status, data: data, offline: r.headers.get("X-Sotay-Offline") === "1" };
      });
    });
  }
  function load(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function keep(key, value) { try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full */ } }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) { return Math.floor(seconds / 60) + ":" + two(seconds % 60); }
  function when(iso) {
    var d = new Date(Date.parse(iso) + 7 * 3600000);
    return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " " + two(d.getUTCDate()) + "/" +
      two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }

  /* --- the list of rounds and Hỏi – Đáp ---------------------------------------------------------------- */

  var STATES = { open: "Đang mở", upcoming: "Sắp mở", closed: "Đã đóng — xem kết quả" };

  function listPage() {
    call("GET", "/api/learning/rounds").then(function (answer) {
      var list = $("rounds");
      if (answer.status !== 200) { $("rounds-status").textContent = answer.data.detail || "Không tải được."; return; }
      $("rounds-status").textContent = answer.data.length ? "" : "Chưa có đợt thi nào.";
      answer.data.forEach(function (r) {
        list.appendChild(el("li", { "class": "item round", "data-round": r.id }, [
          el("a", { "class": "title", href: "/hoc-tap/" + r.id + "/", text: r.title }),
          el("span", { "class": "summary", text: STATES[r.state] + " · " + r.unit.name + " · đóng lúc " + when(r.closes_at) })
        ]));
      });
    }).catch(function () { $("rounds-status").textContent = "Không có mạng."; });
    $("qa-form").addEventListener("submit", function (event) {
      event.preventDefault();
      searchQA($("qa-q").value);
    });
    searchQA("");
  }

  function searchQA(q) {
    call("GET", "/api/learning/qa?q=" + encodeURIComponent(q)).then(function (answer) {
      var list = $("qa");
      list.textContent = "";
      $("qa-status").textContent = answer.data.length ? answer.data.length + " câu hỏi – đáp" : "Không tìm thấy.";
      answer.data.forEach(function (e) {
        list.appendChild(el("li", { "class": "item qa" }, [
          el("span", { "class": "title", text: e.question }),
          el("span", { "class": "summary", text: e.topic }),
          el("p", { text: e.answer })
        ]));
      });
    }).catch(function () { $("qa-status").textContent = "Không có mạng."; });
  }

  /* --- taking a round ------------------------------------------------------------------------------------ */

  var quiz = { round: null, attempt: null, answers: {}, pending: {}, deadline: 0, timer: null, submitting: false };

  function storageKey() { return "sotay.quiz." + quiz.attempt.id; }
  /* The started attempt (questions without keys, the deadline as a moment), so its page opens offline. */
  function roundKey(roundId) { return "sotay.quiz.round." + roundId; }
  function persist() { keep(storageKey(), { answers: quiz.answers, pending: quiz.pending, submit: quiz.submitting }); }

  function showPending() {
    var waiting = Object.keys(quiz.pending).length;
    var box = $("quiz-pending");
    box.hidden = !waiting && !quiz.submitting;
    box.textContent = quiz.submitting ? "Chưa nộp được: không có mạng. Bài sẽ được nộp khi có mạng trở lại." :
      "Có " + waiting + " câu đã lưu trên máy, sẽ gửi khi có mạng.";
    var given = Object.keys(quiz.answers).length;
    $("quiz-status").textContent = "Đã trả lời " + given + "/" + quiz.attempt.questions.length + " câu.";
  }

  function flush() {
    var ids = Object.keys(quiz.pending);
    if (!ids.length || !quiz.attempt) return Promise.resolve(true);
    var body = { answers: ids.map(function (id) { return { question: +id, choices: quiz.pending[id] }; }) };
    return call("PUT", "/api/learning/attempts/" + quiz.attempt.id + "/answers", body).then(function (answer) {
      if (answer.status === 200 || answer.status === 409) {
        ids.forEach(function (id) { if (quiz.pending[id] === body.answers.filter(function (a) { return a.question === +id; })[0].choices) delete quiz.pending[id]; });
        if (answer.status === 409) $("quiz-status").textContent = answer.data.detail;
      }
      persist();
      showPending();
      return answer.status === 200;
    }).catch(function () { showPending(); return false; });
  }

  function choose(question, index, button) {
    var current = (quiz.answers[question.id] || []).slice();
    if (question.kind === "single") current = [index];
    else if (current.indexOf(index) >= 0) current.splice(current.indexOf(index), 1);
    else current.push(index);
    current.sort();
    quiz.answers[question.id] = current;
    quiz.pending[question.id] = current;
    persist();
    var card = button.parentNode;
    Array.prototype.forEach.call(card.querySelectorAll(".choice"), function (b) {
      b.setAttribute("aria-pressed", current.indexOf(+b.getAttribute("data-choice")) >= 0 ? "true" : "false");
    });
    showPending();
    flush();
  }

  function questionCard(question, number) {
    var card = el("li", { "class": "question", "data-question": question.id }, [
      el("p", { "class": "text", text: "Câu " + number + ". " + question.text +
        (question.kind === "multiple" ? " (chọn một hoặc nhiều phương án)" : "") })
    ]);
    var listen = el("button", { type: "button", "class": "btn listen", text: "▶ Nghe câu hỏi" });
    listen.addEventListener("click", function () {
      var audio = card.querySelector("audio") || card.appendChild(el("audio", { controls: "",
        src: "/api/learning/attempts/" + quiz.attempt.id + "/questions/" + question.id + "/audio" }));
      audio.play().catch(function () { listen.textContent = "Chưa nghe được câu này"; });
    });
    card.appendChild(listen);
    var given = quiz.answers[question.id] || [];
    question.choices.forEach(function (choice) {
      var button = el("button", { type: "button", "class": "choice", "data-choice": choice.id,
        "aria-pressed": given.indexOf(choice.id) >= 0 ? "true" : "false", text: LETTERS[choice.id] + ". " + choice.text });
      button.addEventListener("click", function () { choose(question, choice.id, button); });
      card.appendChild(button);
    });
    return card;
  }

  function tick() {
    var left = Math.max(0, Math.round((quiz.deadline - Date.now()) / 1000));
    $("quiz-timer").textContent = "Còn lại " + clock(left);
    if (left === 0 && !quiz.submitting) submit();
  }

  function showAttempt(attempt, kept) {
    quiz.attempt = attempt;
    var local = load(storageKey()) || {};
    // Offline the kept attempt is older than what this phone chose since: the phone's answers count.
    quiz.answers = (kept && local.answers) || attempt.answers || {};
    quiz.pending = local.pending || {};
    Object.keys(quiz.pending).forEach(function (id) { quiz.answers[id] = quiz.pending[id]; });
    quiz.deadline = kept ? kept.deadline : Date.now() + attempt.remaining_s * 1000;
    if (!kept) keep(roundKey(quiz.round.id), { round: quiz.round, attempt: attempt, deadline: quiz.deadline });
    $("quiz-start-row").hidden = true;
    $("quiz-timer").hidden = false;
    $("quiz-submit-row").hidden = false;
    var list = $("questions");
    list.textContent = "";
    attempt.questions.forEach(function (q, i) { list.appendChild(questionCard(q, i + 1)); });
    document.getElementById("quiz").setAttribute("data-attempt", attempt.id);
    showPending();
    tick();
    quiz.timer = setInterval(tick, 1000);
    if (local.submit) submit();
    else flush();
  }

  function submit() {
    quiz.submitting = true;
    persist();
    var body = { answers: Object.keys(quiz.answers).map(function (id) { return { question: +id, choices: quiz.answers[id] }; }) };
    return call("POST", "/api/learning/attempts/" + quiz.attempt.id + "/submit", body).then(function (answer) {
      if (answer.status !== 200) { $("quiz-status").textContent = answer.data.detail || "Chưa nộp được."; return; }
      clearInterval(quiz.timer);
      try { localStorage.removeItem(roundKey(quiz.round.id)); } catch (e) { /* */ }
      quiz.pending = {};
      quiz.submitting = false;
      persist();
      $("quiz-timer").hidden = true;
      $("quiz-submit-row").hidden = true;
      $("questions").textContent = "";
      $("quiz-pending").hidden = true;
      $("quiz-status").textContent = "Đã nộp bài. Điểm, đáp án và thứ hạng được công bố lúc " +
        when(answer.data.results_at) + ", khi đợt thi đóng.";
    }).catch(function () { showPending(); });
  }

  function showResults() {
    call("GET", "/api/learning/rounds/" + quiz.round.id + "/results").then(function (answer) {
      if (answer.status !== 200) { $("quiz-status").textContent = answer.data.detail; return; }
      var r = answer.data;
      $("results").hidden = false;
      $("results-summary").textContent = r.score === null ? "Bạn chưa dự đợt thi này." :
        "Bạn được " + r.score + "/" + r.max_score + " điểm, xếp hạng " + r.rank + "/" + r.participants + ".";
      r.questions.forEach(function (q, i) {
        var card = el("li", { "class": "question" }, [el("p", { "class": "text", text: "Câu " + (i + 1) + ". " + q.text })]);
        q.choices.forEach(function (c) {
          var mark = (c.correct ? " ✔ đúng" : "") + (q.given.indexOf(c.id) >= 0 ? " (bạn chọn)" : "");
          card.appendChild(el("p", { "class": "choice" + (c.correct ? " right" : ""), text: LETTERS[c.id] + ". " + c.text + mark }));
        });
        if (q.explanation) card.appendChild(el("p", { "class": "explanation", text: "Giải thích: " + q.explanation }));
        $("results-questions").appendChild(card);
      });
      r.leaders.forEach(function (l) {
        $("leaders").appendChild(el("li", { text: l.name + " — " + l.score + " điểm, " + clock(l.seconds) }));
      });
    });
  }

  function quizPage(roundId) {
    window.addEventListener("online", function () { if (quiz.attempt) (quiz.submitting ? submit() : flush()); });
    setInterval(function () { if (quiz.attempt && navigator.onLine) (quiz.submitting ? submit() : flush()); }, 5000);
    var kept = load(roundKey(roundId));
    function rules(r) {
      $("quiz-title").textContent = r.title;
      $("quiz-rules").textContent = (r.description ? r.description + " " : "") + r.question_count + " câu, " +
        Math.round(r.time_limit_s / 60) + " phút, được làm " + r.attempts_allowed + " lượt (đã làm " + r.attempts_used +
        "). Đóng lúc " + when(r.closes_at) + ".";
    }
    function resume() {  // offline: the attempt started on this phone, with the answers kept here
      quiz.round = kept.round;
      rules(kept.round);
      showAttempt(kept.attempt, kept);
    }
    call("GET", "/api/learning/rounds/" + roundId).then(function (answer) {
      if (kept && (answer.offline || answer.status === 503)) return resume();
      if (answer.status !== 200) { $("quiz-status").textContent = answer.data.detail; return; }
      var r = quiz.round = answer.data;
      rules(r);
      if (!r.attempt_in_progress) {
        try { localStorage.removeItem(roundKey(roundId)); } catch (e) { /* */ }
      }
      if (r.state === "closed") return showResults();
      if (r.state === "upcoming") { $("quiz-status").textContent = "Đợt thi mở lúc " + when(r.opens_at) + "."; return; }
      if (r.attempt_in_progress) {
        return call("GET", "/api/learning/attempts/" + r.attempt_in_progress).then(function (a) { showAttempt(a.data); });
      }
      if (r.attempts_used >= r.attempts_allowed) {
        $("quiz-status").textContent = "Bạn đã làm hết số lượt. Kết quả được công bố lúc " + when(r.closes_at) + ".";
        return;
      }
      $("quiz-start-row").hidden = false;
    }, function () {
      if (kept) return resume();
      $("quiz-status").textContent = "Không có mạng. Hãy mở lại khi có mạng.";
    }).then(function () { document.getElementById("quiz").setAttribute("data-ready", "1"); });
    $("quiz-start").addEventListener("click", function () {
      call("POST", "/api/learning/rounds/" + roundId + "/attempt").then(function (answer) {
        if (answer.status !== 200) { $("quiz-status").textContent = answer.data.detail; return; }
        showAttempt(answer.data);
      });
    });
    $("quiz-submit").addEventListener("click", function () {
      if (window.confirm("Nộp bài? Sau khi nộp không sửa được nữa.")) submit();
    });
  }

  /* --- góp ý dự thảo and bài thu hoạch -------------------------------------------------------------------- */

  var AGREE = [["agree", "Đồng ý"], ["disagree", "Không đồng ý"]];

  function pollPage(pollId) {
    var poll = null;
    call("GET", "/api/learning/polls/" + pollId).then(function (answer) {
      if (answer.status !== 200) { $("poll-status").textContent = answer.data.detail; return; }
      poll = answer.data;
      drawPoll(poll);
    }).catch(function () { $("poll-status").textContent = "Không có mạng."; });
    $("poll").addEventListener("submit", function (event) {
      event.preventDefault();
      if (!poll) return;
      var answers = poll.questions.map(function (q, i) {
        if (q.kind === "text") return $("poll-q" + i).value;
        var picked = document.querySelector("input[name='poll-q" + i + "']:checked");
        return picked ? picked.value : "";
      });
      call("POST", "/api/learning/polls/" + pollId + "/answer", { answers: answers }).then(function (answer) {
        $("poll-status").textContent = answer.status === 200 ? "Đã gửi ý kiến. Cảm ơn đồng chí." : answer.data.detail;
      }).catch(function () { $("poll-status").textContent = "Không có mạng. Hãy gửi lại khi có mạng."; });
    });
  }

  function drawPoll(poll) {
    $("poll-title").textContent = poll.title;
    $("poll-note").textContent = (poll.anonymous ? "Ý kiến được gửi ẩn danh. " : "") + "Hạn góp ý: " + when(poll.closes_at) + ".";
    var list = $("poll-questions");
    poll.questions.forEach(function (q, i) {
      var item = el("li", { "class": "question" }, [el("p", { "class": "text", text: "Câu " + (i + 1) + ". " + q.text })]);
      var given = poll.my_answers ? poll.my_answers[i] : "";
      if (q.kind === "text") {
        var area = el("textarea", { id: "poll-q" + i, rows: "4", "aria-label": q.text });
        area.value = given || "";
        item.appendChild(area);
      } else {
        (q.kind === "agree" ? AGREE : q.options.map(function (o) { return [o, o]; })).forEach(function (pair, k) {
          var input = el("input", { type: "radio", name: "poll-q" + i, id: "poll-q" + i + "-" + k, value: pair[0] });
          if (given === pair[0]) input.checked = true;
          item.appendChild(el("label", { "class": "choice", "for": "poll-q" + i + "-" + k }, [input, document.createTextNode(" " + pair[1])]));
        });
      }
      list.appendChild(item);
    });
  }

  function essayPage(pageId) {
    call("GET", "/api/learning/essays?page=" + pageId).then(function (answer) {
      var essay = answer.status === 200 && answer.data[0];
      if (!essay) return;
      $("essay-text").value = essay.text;
      $("essay-mark").textContent = essay.mark ? "Đã chấm: " + ({ excellent: "Tốt", good: "Khá", pass: "Đạt", fail: "Chưa đạt" })[essay.mark] +
        (essay.comment ? ". Nhận xét: " + essay.comment : "") : "Đã gửi, chờ chi bộ chấm.";
    });
    $("essay").addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData($("essay"));
      data.append("page", pageId);
      $("essay-status").textContent = "Đang gửi…";
      fetch("/api/learning/essays", { method: "POST", credentials: "same-origin", body: data,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() } }).then(function (r) {
        return r.json().then(function (d) {
          $("essay-status").textContent = r.status === 201 ? "Đã gửi bài thu hoạch." : d.detail;
        });
      }).catch(function () { $("essay-status").textContent = "Không có mạng. Hãy gửi lại khi có mạng."; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if ($("quiz")) quizPage($("quiz").getAttribute("data-round"));
    else if ($("rounds")) listPage();
    else if ($("poll")) pollPage($("poll").getAttribute("data-poll"));
    else if ($("essay")) essayPage($("essay").getAttribute("data-page"));
  });
})();
