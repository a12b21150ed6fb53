/* Reading aids on layer pages: large text, high contrast, a simple audio player.
   Subscribes to mkdocs-material's document$ so it also runs after instant navigation. */
(function () {
  "use strict";
  var html = document.documentElement;
  var TOGGLES = { large: "sotay-large", contrast: "sotay-contrast" };
  var SPEEDS = [0.75, 1, 1.25, 1.5];

  function stored(name) {
    try { return localStorage.getItem("sotay." + name); } catch (e) { return null; }
  }
  function store(name, value) {
    try { localStorage.setItem("sotay." + name, value); } catch (e) { /* private mode: not remembered */ }
  }

  function setupToggles(scope) {
    var buttons = scope.querySelectorAll("[data-sotay-toggle]");
    Array.prototype.forEach.call(buttons, function (button) {
      var name = button.getAttribute("data-sotay-toggle");
      var cls = TOGGLES[name];
      if (!cls || button.sotayReady) return;
      button.sotayReady = true;
      button.setAttribute("aria-pressed", String(html.classList.contains(cls)));
      button.addEventListener("click", function () {
        var on = !html.classList.contains(cls);
        html.classList.toggle(cls, on);
        store(name, on ? "1" : "0");
        Array.prototype.forEach.call(document.querySelectorAll('[data-sotay-toggle="' + name + '"]'), function (b) {
          b.setAttribute("aria-pressed", String(on));
        });
      });
    });
  }

  // The buttons are drawn with the page (site_builder/pages.py) so nothing moves when this script runs; a page
  // built before that gets them created here.
  function button(box, role, label) {
    var b = box.querySelector('[data-sotay-audio="' + role + '"]');
    if (!b) {
      b = document.createElement("button");
      b.type = "button";
      b.className = "sotay-btn";
      b.textContent = label;
      box.appendChild(b);
    }
    return b;
  }

  function speedLabel(rate) {
    return "Tốc độ " + String(rate).replace(".", ",") + "×";
  }

  function setupPlayer(box) {
    if (box.sotayReady || !box.getAttribute("data-src")) return;
    box.sotayReady = true;
    var key = "position." + (box.getAttribute("data-page-id") || box.getAttribute("data-src"));
    var audio = box.querySelector("audio");
    if (!audio) {
      audio = document.createElement("audio");
      audio.preload = "none";
      audio.src = box.getAttribute("data-src");
      box.insertBefore(audio, box.firstChild);
    }
    var rateIndex = SPEEDS.indexOf(Number(stored("rate"))) >= 0 ? SPEEDS.indexOf(Number(stored("rate"))) : 1;
    var play = button(box, "play", "▶ Nghe đọc");
    var back = button(box, "back", "⟲ Lùi 10 giây");
    var speed = button(box, "speed", speedLabel(SPEEDS[rateIndex]));
    speed.textContent = speedLabel(SPEEDS[rateIndex]);
    play.addEventListener("click", function () {
      if (audio.paused) {
        var position = Number(stored(key));
        if (position && !audio.currentTime) audio.currentTime = position;
        audio.playbackRate = SPEEDS[rateIndex];
        audio.play();
      } else {
        audio.pause();
      }
    });
    back.addEventListener("click", function () { audio.currentTime = Math.max(0, audio.currentTime - 10); });
    speed.addEventListener("click", function () {
      rateIndex = (rateIndex + 1) % SPEEDS.length;
      audio.playbackRate = SPEEDS[rateIndex];
      speed.textContent = speedLabel(SPEEDS[rateIndex]);
      store("rate", String(SPEEDS[rateIndex]));
    });
    audio.addEventListener("play", function () { play.textContent = "❚❚ Tạm dừng"; });
    audio.addEventListener("pause", function () {
      play.textContent = "▶ Nghe tiếp";
      store(key, String(audio.currentTime));
    });
    audio.addEventListener("ended", function () { play.textContent = "▶ Nghe lại"; store(key, "0"); });
  }

  function setup() {
    setupToggles(document);
    Array.prototype.forEach.call(document.querySelectorAll(".sotay-audio"), setupPlayer);
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(setup);
  } else if (document.readyState === "loading" && !document.querySelector(".md-content")) {
    // Loaded async at the end of a layer page, this runs once the page's content is parsed, before Material's
    // deferred bundle: the article is usable without waiting for it (main.html).
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
