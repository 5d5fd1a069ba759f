/// The web view: one self-contained document (inline CSS and script, nothing fetched from
/// elsewhere, no build step). The state at the time of the request is embedded and rendered while
/// the page is parsed, so the first paint (and a headless `--dump-dom` or `--screenshot`) already
/// shows it; after that the script follows the event stream (/events), adds each event to the
/// timeline and fetches /api/state on each one and every few seconds.
///
/// The page notes when it first rendered each master address (`#seen` entries with
/// `data-first-seen`, wall-clock ms, and a console line), which is how the browser test measures
/// the delay from a switch to the page showing the new master.
enum WebPage {
    static func html(state: String) -> [UInt8] {
        Array((head + "<script id=\"initial-state\" type=\"application/json\">" + state + "</script>\n" + body).utf8)
    }

    static let contentSecurityPolicy = "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

    private static let head = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <title>sentinel</title>
    <style>
    :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#667085; --line:#e3e6eb;
            --ok:#1a7f37; --warn:#b35900; --bad:#c62828; --info:#1f5fbf; }
    * { box-sizing: border-box; }
    body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; background:var(--bg); color:var(--ink); }
    header { display:flex; flex-wrap:wrap; gap:6px 18px; align-items:baseline; padding:12px 20px; background:#1d2330; color:#fff; }
    header h1 { font-size:18px; margin:0 8px 0 0; }
    header .kv { color:#c9d1e0; } header .kv b { color:#fff; font-weight:600; }
    main { display:grid; grid-template-columns: minmax(0,2fr) minmax(280px,1fr); gap:16px; padding:16px 20px; }
    @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
    section.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; margin-bottom:16px; }
    h2 { font-size:17px; margin:0 0 6px; display:flex; gap:10px; align-items:center; flex-wrap:wrap; }
    h3 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:14px 0 6px; }
    .address { font:600 20px/1.2 ui-monospace, "DejaVu Sans Mono", monospace; }
    .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; background:var(--muted); }
    .ok { background:var(--ok); } .sdown { background:var(--warn); } .odown, .tilt, .fenced { background:var(--bad); } .failover { background:var(--info); }
    dl { display:grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap:4px 16px; margin:6px 0 0; }
    dl div { display:flex; flex-direction:column; min-width:0; } dt { color:var(--muted); font-size:12px; } dd { margin:0; font-weight:600; overflow-wrap:anywhere; }
    table { width:100%; border-collapse:collapse; font-size:13px; }
    th, td { text-align:left; padding:4px 8px 4px 0; border-bottom:1px solid var(--line); white-space:nowrap; }
    td.wrap { white-space:normal; }
    th { color:var(--muted); font-weight:600; font-size:12px; }
    td.mono, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
    .empty { color:var(--muted); font-style:italic; }
    #timeline { list-style:none; margin:0; padding:0; max-height:75vh; overflow:auto; }
    #timeline li { padding:5px 0; border-bottom:1px solid var(--line); display:grid; grid-template-columns:auto 1fr; gap:0 8px; }
    #timeline time { color:var(--muted); font:12px ui-monospace, "DejaVu Sans Mono", monospace; }
    #timeline .ch { font-weight:700; } #timeline .msg { grid-column: 1 / 3; color:#3b4252; font-size:12.5px; word-break:break-all; }
    .ch.down { color:var(--bad); } .ch.up { color:var(--ok); } .ch.fo { color:var(--info); }
    #stream { font-size:12px; } #stream.live { color:#8fe3a4; } #stream.lost { color:#ffb4a9; }
    </style>
    </head>
    <body>
    <header>
      <h1>sentinel</h1>
      <span class="kv">id <b id="my-id" class="mono">…</b></span>
      <span class="kv">port <b id="my-port">…</b></span>
      <span class="kv">current epoch <b id="my-epoch">…</b></span>
      <span id="my-tilt"></span>
      <span class="kv">updated <b id="updated">…</b></span>
      <span id="stream" class="lost">○ connecting</span>
    </header>
    <main>
      <div id="masters"></div>
      <section class="card"><h3 style="margin-top:0">Events</h3><ul id="timeline"></ul></section>
    </main>
    <div id="seen" hidden></div>

    """#

    private static let body = #"""
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]));
    const ago = (ms) => ms == null ? "—" : ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s";
    const clock = (t) => new Date(t).toLocaleTimeString([], {hour12:false}) + "." + String(t % 1000).padStart(3, "0");
    // Flags are comma-joined without spaces (as Redis prints them): spaced so they can wrap.
    const flags = (f) => esc(String(f ?? "").split(",").join(", "));
    const short = (id) => id && id.length > 12 ? id.slice(0, 12) + "…" : (id || "—");
    const seenEvents = new Set();

    function badges(m, tilt) {
      let b = `<span class="badge ${esc(m.status)}">${esc(m.status)}</span>`;
      if (tilt) b += ` <span class="badge tilt">tilt</span>`;
      if (m.fencing === "fenced") b += ` <span class="badge fenced">fenced</span>`;
      else if (m.fencing === "open") b += ` <span class="badge ok">fencing: open</span>`;
      if (m.failover_state) b += ` <span class="badge failover">failover: ${esc(m.failover_state)}</span>`;
      return b;
    }

    function replicaRows(m) {
      if (!m.replicas.length) return `<p class="empty">no replicas known</p>`;
      return `<table><thead><tr><th>address</th><th>role</th><th>flags</th><th>link</th><th>offset</th><th>lag</th></tr></thead><tbody>` +
        m.replicas.map((r) => `<tr><td class="mono">${esc(r.address)}</td><td>${esc(r.role)}</td><td class="wrap">${flags(r.flags)}</td>` +
          `<td><span class="badge ${r.link === "ok" ? "ok" : "odown"}">${esc(r.link)}</span></td><td class="mono">${esc(r.offset)}</td>` +
          `<td class="mono">${r.lag == null ? "—" : esc(r.lag) + " B"}</td></tr>`).join("") + `</tbody></table>`;
    }

    function sentinelRows(m) {
      if (!m.sentinels.length) return `<p class="empty">no other sentinels known</p>`;
      return `<table><thead><tr><th>address</th><th>run id</th><th>flags</th><th>last hello</th><th>voted leader</th></tr></thead><tbody>` +
        m.sentinels.map((s) => `<tr><td class="mono">${esc(s.address)}</td><td class="mono" title="${esc(s.runid)}">${esc(short(s.runid))}</td>` +
          `<td class="wrap">${flags(s.flags)}</td><td>${esc(ago(s.last_hello_ms))} ago</td>` +
          `<td class="mono">${s.voted_leader === "?" ? "—" : esc(short(s.voted_leader)) + " (epoch " + esc(s.voted_leader_epoch) + ")"}</td></tr>`).join("") +
        `</tbody></table>`;
    }

    function masterCard(m, st) {
      const leader = m.leader ? `${m.leader === st.sentinel.id ? "this sentinel" : short(m.leader)} (epoch ${m.leader_epoch})` : "—";
      return `<section class="card" data-master="${esc(m.name)}">
        <h2>${esc(m.name)} <span class="address" data-role="master-address">${esc(m.address)}</span> ${badges(m, st.sentinel.tilt)}</h2>
        <dl>
          <div><dt>config epoch</dt><dd>${esc(m.config_epoch)}</dd></div>
          <div><dt>current epoch</dt><dd>${esc(st.sentinel.current_epoch)}</dd></div>
          <div><dt>quorum</dt><dd>${esc(m.quorum)}</dd></div>
          <div><dt>failover</dt><dd>${esc(m.failover_state || "none")}</dd></div>
          <div><dt>leader vote</dt><dd class="mono">${esc(leader)}</dd></div>
          <div><dt>down for</dt><dd>${m.odown_ms != null ? "odown " + esc(ago(m.odown_ms)) : m.sdown_ms != null ? "sdown " + esc(ago(m.sdown_ms)) : "—"}</dd></div>
          <div><dt>flags</dt><dd>${flags(m.flags)}</dd></div>
        </dl>
        <h3>Replicas (${m.replicas.length})</h3>${replicaRows(m)}
        <h3>Sentinels (${m.sentinels.length + 1} with this one)</h3>${sentinelRows(m)}
      </section>`;
    }

    function channelClass(ch) {
      if (/^\+(sdown|odown|tilt)$|abort|timeout/.test(ch)) return "down";
      if (/^-(sdown|odown|tilt)$/.test(ch)) return "up";
      if (/failover|elected|promoted|switch|vote|reconf|epoch/.test(ch)) return "fo";
      return "";
    }

    function addEvent(e) {
      // seq restarts with the sentinel: the time tells a restarted sentinel's events apart.
      const key = e.seq + "@" + e.time;
      if (seenEvents.has(key)) return;
      seenEvents.add(key);
      const li = document.createElement("li");
      li.dataset.seq = e.seq;
      li.dataset.channel = e.channel;
      li.innerHTML = `<time>${esc(clock(e.time))}</time><span class="ch ${channelClass(e.channel)}">${esc(e.channel)}</span><span class="msg">${esc(e.message)}</span>`;
      $("timeline").prepend(li);
      while ($("timeline").children.length > 300) $("timeline").lastChild.remove();
    }

    function render(st) {
      $("my-id").textContent = short(st.sentinel.id);
      $("my-id").title = st.sentinel.id;
      $("my-port").textContent = st.sentinel.port;
      $("my-epoch").textContent = st.sentinel.current_epoch;
      $("my-tilt").innerHTML = st.sentinel.tilt ? `<span class="badge tilt">TILT</span>` : "";
      $("updated").textContent = clock(Date.now());
      $("masters").innerHTML = st.masters.length ? st.masters.map((m) => masterCard(m, st)).join("")
        : `<section class="card"><p class="empty">no masters monitored</p></section>`;
      for (const e of st.events) addEvent(e);
      // Note the first time each master address is on screen, read back from the DOM.
      for (const card of document.querySelectorAll("[data-master]")) {
        const name = card.dataset.master, address = card.querySelector("[data-role=master-address]").textContent;
        const key = name + " " + address;
        if ([...$("seen").children].some((s) => s.dataset.key === key)) continue;
        const mark = document.createElement("span");
        const now = Date.now();
        mark.dataset.key = key; mark.dataset.master = name; mark.dataset.address = address; mark.dataset.firstSeen = now;
        $("seen").append(mark);
        console.log(`sentinel-view: rendered ${name} at ${address} first at ${now}`);
      }
    }

    // One fetch at a time; an event during a fetch asks for one more after it.
    let inFlight = false, again = false, failures = 0;
    async function refresh() {
      if (inFlight) { again = true; return; }
      inFlight = true;
      try {
        const r = await fetch("/api/state", {cache: "no-store"});
        if (r.ok) render(await r.json());
        failures = 0;
      } catch (err) {
        // One failure is usually a fetch cut short (a reload); say so after two in a row.
        if (++failures >= 2) $("updated").textContent = "unreachable (" + err + ")";
      } finally {
        inFlight = false;
        if (again) { again = false; refresh(); }
      }
    }

    render(JSON.parse($("initial-state").textContent));
    setInterval(refresh, 3000);
    const stream = new EventSource("/events");
    stream.onopen = () => { $("stream").textContent = "● live"; $("stream").className = "live"; console.log("sentinel-view: stream open"); refresh(); };
    stream.onerror = () => { $("stream").textContent = "○ reconnecting"; $("stream").className = "lost"; };
    stream.onmessage = (msg) => { addEvent(JSON.parse(msg.data)); refresh(); };
    </script>
    </body>
    </html>

    """#
}
