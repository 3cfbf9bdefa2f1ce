// The local chat page: sends what you type to the gateway and shows the bot's replies.
// Text is always inserted with textContent, never as HTML.
"use strict";

const conversation = localStorage.getItem("conversation") || crypto.randomUUID();
localStorage.setItem("conversation", conversation);
let last = 0;
const log = document.getElementById("log");

function show(text, who, buttons) {
  const bubble = document.createElement("div");
  bubble.className = `msg ${who}`;
  bubble.textContent = text;
  log.appendChild(bubble);
  if (buttons && buttons.length) {
    const row = document.createElement("div");
    row.className = "buttons";
    for (const b of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", () => send(b.payload, b.title));
      row.appendChild(button);
    }
    log.appendChild(row);
  }
  log.scrollTop = log.scrollHeight;
}

async function send(text, shown) {
  show(shown || text, "worker");
  await fetch("/chat/api/send", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ conversation, text, id: crypto.randomUUID() }),
  });
}

async function poll() {
  try {
    const response = await fetch(`/chat/api/replies?conversation=${conversation}&after=${last}`);
    if (response.ok) {
      const data = await response.json();
      for (const reply of data.replies) show(reply.text, "bot", reply.buttons);
      last = data.last;
    }
  } catch (error) { /* the gateway is restarting: try again */ }
  setTimeout(poll, 700);
}

document.getElementById("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  if (input.value.trim()) send(input.value);
  input.value = "";
});
poll();
