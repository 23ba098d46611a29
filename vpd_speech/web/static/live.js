// The live board: follows the app's server-sent events (live/events) and draws calls and alerts.
(function () {
  "use strict";
  var levels = JSON.parse(document.currentScript.dataset.levels);
  var status = document.getElementById("status");
  var alerts = document.getElementById("alerts");
  var body = document.querySelector("#live-calls tbody");
  var STATUS = { live: "loopt", klaar: "afgerond", fout: "fout" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function badge(level) { return el("span", { "class": "badge l" + level }, level + " " + levels[level]); }
  function mmss(t) { t = Math.floor(t || 0); return String(Math.floor(t / 60)).padStart(2, "0") + ":" + String(t % 60).padStart(2, "0"); }

  function drawCall(c) {
    var row = body.querySelector('tr[data-call="' + CSS.escape(c.call_id) + '"]');
    var fresh = el("tr", { "data-call": c.call_id, "data-level": c.level, "data-status": c.status });
    [el("td", {}, c.call_id), el("td", {}, c.agent_id || ""), el("td", {}, c.team || "")].forEach(function (td) { fresh.appendChild(td); });
    var now = el("td"); now.appendChild(badge(c.level)); fresh.appendChild(now);
    var top = el("td"); top.appendChild(badge(c.max_level)); fresh.appendChild(top);
    fresh.appendChild(el("td", { "class": "n" }, c.alerts));
    fresh.appendChild(el("td", {}, STATUS[c.status] || c.status));
    fresh.appendChild(el("td", {}, c.advice ? c.advice.replace("_", " ") : ""));
    if (row) body.replaceChild(fresh, row); else body.insertBefore(fresh, body.firstChild);
  }
  function drawAlert(a, isNew) {
    var none = alerts.querySelector("li.none");
    if (none) none.remove();
    var li = el("li", { "class": "alert" + (isNew ? " fresh" : ""), "data-call": a.call_id, "data-kind": a.kind });
    var when = a.sent_at ? new Date(a.sent_at).toLocaleTimeString("nl-NL") : "";
    li.appendChild(el("strong", {}, (a.kind === "threat" ? "Bedreiging" : "Opnieuw over de grens") + " "));
    li.appendChild(el("span", {}, "in " + a.call_id + " om " + mmss(a.time) + (a.agent_id ? " (medewerker " + a.agent_id + (a.team ? ", " + a.team : "") + ")" : "") + ": "));
    li.appendChild(el("q", {}, a.quote));
    li.appendChild(el("span", { "class": "note" }, " " + (a.note || "") + " " + when));
    alerts.insertBefore(li, alerts.firstChild);
  }
  function showStatus(connected, configured) {
    if (!configured) return;
    status.className = "status " + (connected ? "ok" : "down");
    status.textContent = connected ? "Verbonden met de streamserver." : "Geen verbinding met de streamserver; de app probeert het opnieuw.";
  }

  var source = new EventSource("live/events");
  source.addEventListener("snapshot", function (e) {
    var s = JSON.parse(e.data);
    body.textContent = "";
    alerts.textContent = "";
    alerts.appendChild(el("li", { "class": "none" }, "Nog geen meldingen."));
    s.calls.forEach(drawCall);
    s.alerts.slice().reverse().forEach(function (a) { drawAlert(a, false); });
    showStatus(s.connected, s.configured);
  });
  source.addEventListener("call", function (e) { drawCall(JSON.parse(e.data).call); });
  source.addEventListener("alert", function (e) {
    drawAlert(JSON.parse(e.data).alert, true);
    document.title = "! Melding – Live – VPD gesprekken";
  });
  source.addEventListener("status", function (e) { var s = JSON.parse(e.data); showStatus(s.connected, s.configured); });
  source.addEventListener("signed_out", function () {
    source.close();
    status.className = "status down";
    status.textContent = "U bent uitgelogd; log opnieuw in om de meldingen te blijven zien.";
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      status.className = "status down";
      status.textContent = "De verbinding met de app is verbroken; herlaad de pagina.";
    }
  };
})();
