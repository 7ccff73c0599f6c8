// Live coach page: camera -> canvas -> JPEG -> WebSocket -> pose update -> skeleton, reps, cue.
// Back-pressure: a new picture is sent only after the answer to the previous one arrived, so
// the server always sees the latest picture and the delay cannot grow on a slow machine.
// No framework; the page's config comes from the JSON in #live-config.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("live-config").textContent);
  const $ = (id) => document.getElementById(id);
  const video = $("live-video");
  const overlay = $("live-overlay");
  const ctx = overlay.getContext("2d");
  const startButton = $("live-start");
  const stopButton = $("live-stop");
  const muteButton = $("live-mute");
  const repsOut = $("live-reps");
  const cueOut = $("live-cue");
  const depthMeter = $("live-depth");
  const phaseOut = $("live-phase");
  const statusOut = $("live-status");
  const statsOut = $("live-stats");
  const errorOut = $("live-error");
  const summaryBox = $("live-summary");
  const summaryBody = $("live-summary-body");
  const grab = document.createElement("canvas");
  grab.width = config.width;
  grab.height = config.height;
  const grabCtx = grab.getContext("2d");

  let stream = null;
  let socket = null;
  let running = false; // sending pictures
  let awaiting = false; // a picture is on its way; wait for its answer
  let startedAt = 0;
  let lastSent = 0;
  let lastReps = 0;
  let lastSpoken = "";
  let answers = 0;
  let answerTimes = [];
  let timer = null;
  let sentAt = 0;
  let maxDepth = 0;
  let roundTrips = [];
  let rejectedText = "";
  let rejectedUntil = 0;
  const minGap = 1000 / config.fps;
  const PHASES = { unknown: "Stand tall to begin.", top: "Standing.", down: "Squatting." };
  let muted = localStorage.getItem("glutecoach.live.muted") === "1";

  function setStatus(text) {
    statusOut.textContent = text;
  }

  function showError(text) {
    errorOut.textContent = text;
    errorOut.hidden = !text;
  }

  function renderMute() {
    muteButton.setAttribute("aria-pressed", muted ? "true" : "false");
    muteButton.textContent = muted ? "Sound off" : "Sound on";
    muteButton.title = muted ? "Cues are shown, not spoken" : "Cues are spoken aloud";
  }

  function say(text) {
    if (muted || !text || !("speechSynthesis" in window)) return;
    try {
      window.speechSynthesis.cancel(); // one cue at a time: never a backlog of old ones
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 1.0;
      window.speechSynthesis.speak(utterance);
    } catch (err) {
      /* speech is a nicety; the cue is on screen anyway */
    }
  }

  function drawSkeleton(landmarks) {
    const w = overlay.width;
    const h = overlay.height;
    ctx.clearRect(0, 0, w, h);
    if (!landmarks) return;
    ctx.lineWidth = Math.max(3, w / 160);
    ctx.lineCap = "round";
    ctx.strokeStyle = "rgba(0, 230, 118, 0.9)";
    for (const [a, b] of config.bones) {
      const p = landmarks[a];
      const q = landmarks[b];
      if (!p || !q || p[2] < 0.5 || q[2] < 0.5) continue;
      ctx.beginPath();
      ctx.moveTo(p[0] * w, p[1] * h);
      ctx.lineTo(q[0] * w, q[1] * h);
      ctx.stroke();
    }
    ctx.fillStyle = "rgba(255, 255, 255, 0.95)";
    const used = new Set(config.bones.flat());
    for (const i of used) {
      const p = landmarks[i];
      if (!p || p[2] < 0.5) continue;
      ctx.beginPath();
      ctx.arc(p[0] * w, p[1] * h, Math.max(3, w / 160), 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function onUpdate(msg) {
    answers += 1;
    const now = performance.now();
    answerTimes.push(now);
    roundTrips.push(now - sentAt);
    if (roundTrips.length > 30) roundTrips.shift();
    const sorted = roundTrips.slice().sort((a, b) => a - b);
    const rtt = sorted[Math.floor(sorted.length / 2)];
    while (answerTimes.length && now - answerTimes[0] > 2000) answerTimes.shift();
    drawSkeleton(msg.landmarks);
    repsOut.textContent = String(msg.reps);
    depthMeter.value = msg.depth === null || msg.depth === undefined
      ? 0 : Math.max(0, Math.min(1, msg.depth));
    if (msg.rejected) {
      rejectedText = "Not counted: " + msg.rejected + ".";
      rejectedUntil = now + 3000;
    }
    phaseOut.textContent = (msg.found
      ? (PHASES[msg.phase] || "")
      : "Step into view: whole body, side on.") +
      (now < rejectedUntil ? " " + rejectedText : "");
    if (msg.cue && msg.cue !== cueOut.textContent) cueOut.textContent = msg.cue;
    if (msg.reps > lastReps) {
      lastReps = msg.reps;
      let speech = String(msg.reps);
      if (msg.cue && msg.cue !== lastSpoken) {
        speech += ". " + msg.cue;
        lastSpoken = msg.cue;
      }
      say(speech);
    }
    const fps = answerTimes.length > 1
      ? (answerTimes.length - 1) * 1000 / (answerTimes[answerTimes.length - 1] - answerTimes[0])
      : 0;
    statsOut.textContent = fps.toFixed(1) + " pictures/s analysed, " + Math.round(rtt) +
      " ms from picture to answer (model " + Math.round(msg.latency_ms) + " ms)";
    document.body.dataset.liveRttMs = String(Math.round(rtt));
    document.body.dataset.liveFrames = String(msg.frames);
    document.body.dataset.liveFps = fps.toFixed(1);
    document.body.dataset.liveReps = String(msg.reps);
    maxDepth = Math.max(maxDepth, depthMeter.value);
    document.body.dataset.liveMaxDepth = maxDepth.toFixed(2);
  }

  // The picture sent keeps the camera's shape (a phone may give 480x640), longest side 640.
  function fitToVideo() {
    const vw = video.videoWidth || config.width;
    const vh = video.videoHeight || config.height;
    const scale = Math.min(1, Math.max(config.width, config.height) / Math.max(vw, vh));
    const w = Math.round(vw * scale);
    const h = Math.round(vh * scale);
    if (grab.width !== w || grab.height !== h) {
      grab.width = w;
      grab.height = h;
      overlay.width = w;
      overlay.height = h;
      $("live-stage").style.aspectRatio = w + " / " + h;
    }
  }

  function sendFrame() {
    timer = null;
    if (!running || awaiting || !socket || socket.readyState !== WebSocket.OPEN) return;
    const now = performance.now();
    const wait = minGap - (now - lastSent);
    if (wait > 1) {
      timer = setTimeout(sendFrame, wait);
      return;
    }
    if (video.readyState < 2) {
      timer = setTimeout(sendFrame, 50);
      return;
    }
    fitToVideo();
    lastSent = now;
    sentAt = now;
    awaiting = true;
    const t = (now - startedAt) / 1000;
    grabCtx.drawImage(video, 0, 0, grab.width, grab.height);
    grab.toBlob(function (blob) {
      if (!blob || !running || !socket || socket.readyState !== WebSocket.OPEN) {
        awaiting = false;
        return;
      }
      blob.arrayBuffer().then(function (jpeg) {
        const message = new Uint8Array(8 + jpeg.byteLength);
        new DataView(message.buffer).setFloat64(0, t, true);
        message.set(new Uint8Array(jpeg), 8);
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(message.buffer);
        else awaiting = false;
      });
    }, "image/jpeg", config.jpeg_quality);
  }

  function showSummary(msg) {
    const result = msg.result || {};
    const summary = result.summary || {};
    summaryBody.textContent = "";
    const add = (tag, text, cls) => {
      const el = document.createElement(tag);
      el.textContent = text;
      if (cls) el.className = cls;
      summaryBody.appendChild(el);
      return el;
    };
    add("p", (result.rep_count || 0) + " reps in this set.", "live-summary-reps");
    if (summary.headline) add("p", summary.headline);
    if (summary.form_score !== undefined && summary.form_score !== null) {
      add("p", "Form score: " + Math.round(summary.form_score) + " / 100");
    }
    const cues = summary.top_cues || [];
    if (cues.length) {
      add("h3", "Work on");
      const list = add("ul", "");
      for (const c of cues) {
        const li = document.createElement("li");
        li.textContent = c.cue + " (" + c.reps + " of " + (result.rep_count || 0) + " reps)";
        list.appendChild(li);
      }
    }
    if (summary.praise) add("p", summary.praise);
    if (msg.saved) {
      add("p", "Saved to your log.", "live-saved");
    } else if (msg.error) {
      add("p", msg.error, "live-not-saved");
    }
    if (msg.set && msg.set.url) {
      const p = add("p", "");
      const a = document.createElement("a");
      a.href = msg.set.url;
      a.textContent = "See your progress";
      p.appendChild(a);
    }
    if (summary.disclaimer) add("p", summary.disclaimer, "muted");
    summaryBox.hidden = false;
    summaryBox.focus();
    say(summary.headline || "");
  }

  // Keep a phone's screen on during the set (where the browser allows it).
  let wakeLock = null;
  function keepAwake(on) {
    if (on && "wakeLock" in navigator && !wakeLock) {
      navigator.wakeLock.request("screen").then((lock) => { wakeLock = lock; }, () => {});
    } else if (!on && wakeLock) {
      wakeLock.release().catch(() => {});
      wakeLock = null;
    }
  }

  function stopCamera() {
    keepAwake(false);
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (stream) {
      for (const track of stream.getTracks()) track.stop();
      stream = null;
    }
    video.srcObject = null;
  }

  function reset() {
    running = false;
    awaiting = false;
    if (timer) clearTimeout(timer);
    timer = null;
    startButton.disabled = false;
    stopButton.disabled = true;
  }

  async function start() {
    // Speak once inside the click itself: some browsers (iOS Safari) only allow speech that
    // starts from a user gesture, and then allow the cues that follow.
    say("Starting");
    showError("");
    summaryBox.hidden = true;
    startButton.disabled = true;
    setStatus("Starting the camera...");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { width: { ideal: config.width }, height: { ideal: config.height },
                 facingMode: "user" },
      });
    } catch (err) {
      startButton.disabled = false;
      setStatus("");
      showError("The camera could not be opened (" + (err && err.name || err) +
        "). Allow camera access for this site and try again.");
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    repsOut.textContent = "0";
    cueOut.textContent = "Stand side on to the camera, whole body in view.";
    lastReps = 0;
    lastSpoken = "";
    answers = 0;
    answerTimes = [];
    roundTrips = [];
    maxDepth = 0;
    setStatus("Connecting...");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + config.ws_path);
    socket.binaryType = "arraybuffer";
    socket.onmessage = function (event) {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (msg.type === "ready") {
        running = true;
        startedAt = performance.now();
        stopButton.disabled = false;
        // Stop is next to the counter; focusing it must not scroll the counter away.
        stopButton.focus({preventScroll: true});
        setStatus("Coaching: squat when you are ready.");
        keepAwake(true);
        say("Ready");
        sendFrame();
      } else if (msg.type === "update") {
        awaiting = false;
        onUpdate(msg);
        sendFrame();
      } else if (msg.type === "error") {
        awaiting = false;
        setStatus(msg.message);
        sendFrame();
      } else if (msg.type === "summary") {
        setStatus(msg.saved ? "Set saved." : "Set finished.");
        showSummary(msg);
      }
    };
    socket.onclose = function (event) {
      const wasRunning = running;
      reset();
      stopCamera();
      socket = null;
      if (event.code === 4401) {
        showError("Your sign-in has expired. Sign in again to use the live coach.");
      } else if (event.code === 4403 || event.code === 4429) {
        showError(event.reason || "The live coach is not available right now.");
      } else if (wasRunning && event.code !== 1000) {
        showError("The connection to the coach was lost; this set was not saved.");
      }
      if (!errorOut.textContent && summaryBox.hidden) setStatus("Stopped.");
    };
    socket.onerror = function () {
      setStatus("Connection problem...");
    };
  }

  // A whole number 0-10 from a pain field, or null when empty or out of range.
  function painValue(id) {
    const text = $(id).value.trim();
    if (!/^\d{1,2}$/.test(text)) return null;
    const value = Number(text);
    return value <= 10 ? value : null;
  }

  function stop() {
    stopButton.disabled = true;
    running = false;
    if (timer) clearTimeout(timer);
    if (socket && socket.readyState === WebSocket.OPEN) {
      setStatus("Saving the set...");
      socket.send(JSON.stringify({
        type: "stop",
        pain_before: painValue("live-pain-before"),
        pain_after: painValue("live-pain-after"),
      }));
    } else {
      reset();
      stopCamera();
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  muteButton.addEventListener("click", function () {
    muted = !muted;
    localStorage.setItem("glutecoach.live.muted", muted ? "1" : "0");
    if (muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
    renderMute();
  });
  window.addEventListener("pagehide", function () {
    if (socket) socket.close();
    stopCamera();
  });
  const mirror = $("live-mirror");
  mirror.checked = localStorage.getItem("glutecoach.live.mirror") !== "0";
  function renderMirror() {
    $("live-stage").classList.toggle("mirror", mirror.checked);
  }
  mirror.addEventListener("change", function () {
    localStorage.setItem("glutecoach.live.mirror", mirror.checked ? "1" : "0");
    renderMirror();
  });
  renderMirror();
  renderMute();
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    startButton.disabled = true;
    showError("This browser cannot open the camera here. Use a current browser, over HTTPS " +
      "or on this computer (localhost).");
  }
})();
