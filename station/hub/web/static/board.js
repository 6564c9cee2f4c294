// The TV board: draws the hub's state, kept current by server-sent events.
// Every name goes in with textContent, never as markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  // The hub's clock minus this browser's, from the newest samples: a sample
  // can only be late, so the largest of them is the closest.
  const offsets = [];
  let state = JSON.parse($("board-state").textContent);

  function hubNowS() {
    const offset = offsets.length ? Math.max(...offsets) : 0;
    return Date.now() / 1000 + offset;
  }

  function sample(serverS) {
    offsets.push(serverS - Date.now() / 1000);
    if (offsets.length > 10) offsets.shift();
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function cm(m) { return m === null || m === undefined ? "–" : (m * 100).toFixed(1) + " cm"; }

  function drawRanking(challenge) {
    $("challenge-name").textContent = challenge.title || challenge.name;
    const body = $("ranking").tBodies[0];
    const rows = challenge.standings.map((s) => {
      const tr = el("tr");
      tr.dataset.station = s.station;
      [s.place, s.athlete || "–", s.station, s.reps, s.valid_reps, s.quality_reps].forEach(
        (v, i) => tr.appendChild(el("td", ["place", "athlete", "station", "reps", "valid", "quality"][i], v)));
      return tr;
    });
    body.replaceChildren(...rows);
    document.body.style.setProperty("--rank", String(Math.min(1, 9 / Math.max(1, rows.length))));
  }

  function drawTiles(stations) {
    const tiles = stations.map((s) => {
      const tile = el("div", "tile" + (s.online ? "" : " offline"));
      tile.dataset.station = s.station;
      tile.appendChild(el("div", "tile-station", s.station));
      tile.appendChild(el("div", "tile-athlete", s.athlete || "Nobody on the mat"));
      tile.appendChild(el("div", "tile-reps", s.set_reps === null || s.set_reps === undefined ? "–" : s.set_reps));
      const rating = el("div", "tile-rating rating-" + (s.last_rating || "none"), s.last_rating || "");
      tile.appendChild(rating);
      tile.appendChild(el("div", "tile-online", s.online ? "online" : "offline"));
      return tile;
    });
    $("tiles").replaceChildren(...tiles);
    // Up to eight stations at full size; beyond, smaller so all fit above the bests.
    document.body.style.setProperty("--tile", String(Math.min(1, Math.sqrt(8 / Math.max(1, stations.length)))));
  }

  function drawBests(bests) {
    const show = {highest_jump: cm, best_rsi: (v) => v.toFixed(2), softest_landing: (v) => v.toFixed(0)};
    document.querySelectorAll("#bests .best").forEach((box) => {
      const best = bests[box.dataset.best];
      box.querySelector(".value").textContent = best ? show[box.dataset.best](best.value) : "–";
      box.querySelector(".who").textContent = best ? (best.athlete || "–") + " · " + best.station : "";
    });
  }

  function draw() {
    const challenge = state.challenge;
    $("challenge").hidden = !challenge;
    $("between").hidden = !!challenge;
    if (challenge) drawRanking(challenge); else { drawTiles(state.stations); drawBests(state.bests); }
    document.body.dataset.drawn = String(Date.now());
    tick();
  }

  function intervalName(kind, round) { return kind === "work" ? "Work · round " + round : "Rest"; }

  // Where the challenge is at the hub's time: the get-ready countdown before
  // the start, then each interval's time left, on the intervals as the
  // stations run them (the hub shifts them by every pause and skip); while
  // paused, the time left stands still.
  function tick() {
    const c = state.challenge;
    if (!c) return;
    let phase = "", left = 0;
    const now = hubNowS();
    if (c.status === "finished" || c.status === "aborted") {
      phase = c.status === "finished" ? "Final ranking" : "Stopped";
    } else if (c.paused_left) {
      const [kind, round] = c.timeline[c.paused_left.index];
      phase = "Paused · " + intervalName(kind, round); left = c.paused_left.left_s;
    } else if (c.paused) {
      phase = "Paused";
    } else if (now < c.start_at_unix_s) {
      phase = "Get ready"; left = c.start_at_unix_s - now;
    } else {
      phase = "Last results";
      for (const [kind, round, start, end] of c.timeline) {
        if (now < end) { phase = intervalName(kind, round); left = end - now; break; }
      }
    }
    $("phase").textContent = phase;
    $("countdown").textContent = left > 0 ? Math.ceil(left) + " s" : "";
  }

  function connect() {
    const source = new EventSource("/board/events");
    source.onmessage = (event) => {
      state = JSON.parse(event.data);
      sample(state.time_unix_s);
      $("connection").hidden = true;
      draw();
    };
    // EventSource tries again by itself, after the retry the hub asked for.
    source.onerror = () => {
      $("connection").hidden = false;
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    };
  }

  sample(state.time_unix_s);
  draw();
  setInterval(tick, 200);
  connect();
})();
