// The live page's script and stylesheet, served by the live server itself (nothing comes from another
// origin). The script listens to the server's events and swaps in each section it sends; when the
// server goes away it says so and keeps the last state on screen.

import { REPORT_CSS } from "../report/style.ts";

export const LIVE_CSS = `${REPORT_CSS}
#live-connection { font-size: 12px; }
#live-connection.closed { color: var(--warn); }
progress { width: 100%; height: 10px; margin: 6px 0 0; }
.problems { padding-left: 18px; }
`;

export const LIVE_SCRIPT = `"use strict";
(() => {
  const connection = document.getElementById("live-connection");
  let updates = 0;
  const say = (text, closed) => {
    connection.textContent = text;
    connection.classList.toggle("closed", closed);
  };
  const source = new EventSource("/events");
  source.addEventListener("open", () => say("live: connected, updating as the run's files grow", false));
  source.addEventListener("update", (event) => {
    const update = JSON.parse(event.data);
    if (document.title !== update.title) document.title = update.title;
    const heading = document.getElementById("live-title");
    if (heading.textContent !== update.title) heading.textContent = update.title;
    const main = document.querySelector("main");
    for (const [id, html] of Object.entries(update.sections)) {
      let element = document.getElementById(id);
      if (element === null) {
        element = document.createElement("section");
        element.id = id;
        main.appendChild(element);
      }
      if (element.innerHTML !== html) element.innerHTML = html;
    }
    updates++;
    document.body.dataset.updates = String(updates);
  });
  source.addEventListener("end", (event) => {
    source.close();
    say("live: the server stopped (" + event.data + "); this is the last state it sent", true);
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) say("live: disconnected; this is the last state received", true);
    else say("live: reconnecting…", true);
  });
})();
`;
