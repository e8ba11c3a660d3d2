/*
 * Expat Service Desk chat widget. Embed with ONE script tag:
 *
 *   <script src="https://desk.example/static/widget.js"
 *           data-rasa-url="https://bot.example" data-lang="de" defer></script>
 *
 * data-rasa-url  Rasa server with the REST channel (default http://localhost:5005)
 * data-lang      page language "de" | "en" (default: <html lang>)
 * data-open      "true" to start with the chat open
 *
 * Talks to POST {rasa}/webhooks/rest/webhook with metadata {"language": page language}.
 * The conversation id and the visible history stay in localStorage, so a reload continues
 * the conversation. Everything from the bot is rendered as text (links and buttons are
 * built as DOM nodes, never from HTML strings).
 */
(function () {
  "use strict";
  if (window.ExpatDeskWidget) return; // embedded twice: keep the first

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};
  var RASA_URL = (data.rasaUrl || "http://localhost:5005").replace(/\/+$/, "");
  var pageLang = (data.lang || document.documentElement.lang || "en").toLowerCase().slice(0, 2);
  var LANG = pageLang === "de" ? "de" : "en";
  var STORE = "expatdesk.widget.";
  var MAX_HISTORY = 80;

  var TEXT = {
    de: {
      launcher: "Fragen? Chatten Sie mit uns",
      title: "Expat Service Desk – Assistent",
      close: "Chat schließen",
      restart: "Neues Gespräch",
      placeholder: "Ihre Frage …",
      inputLabel: "Nachricht an den Assistenten",
      send: "Senden",
      intro: "Hallo! Ich beantworte Fragen zu Aufenthalt, Arbeit und Leben in Düsseldorf und im Kreis Mettmann – auf Deutsch oder Englisch. Bei Bedarf buche ich Ihnen eine Beratung.",
      typing: "Der Assistent schreibt …",
      you: "Sie",
      bot: "Assistent",
      offline: "Der Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal."
    },
    en: {
      launcher: "Questions? Chat with us",
      title: "Expat Service Desk – Assistant",
      close: "Close chat",
      restart: "New conversation",
      placeholder: "Your question …",
      inputLabel: "Message to the assistant",
      send: "Send",
      intro: "Hello! I answer questions about residence, work and life in Düsseldorf and the Kreis Mettmann – in English or German. If needed, I can book you a consultation.",
      typing: "The assistant is typing …",
      you: "You",
      bot: "Assistant",
      offline: "The assistant cannot be reached right now. Please try again later."
    }
  }[LANG];

  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(STORE + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (e) { /* private mode or full: the chat still works for this page */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var sender = load("sender", null);
  if (!sender) {
    sender = newId();
    save("sender", sender);
  }
  var history = load("history", []);

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // Text with [title](https://…) links and bare https:// URLs → text nodes and <a> elements.
  var LINK = /\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > last) fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = match[2] || match[3];
      fragment.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: match[1] || href }));
      last = LINK.lastIndex;
    }
    if (last < text.length) fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---- DOM -----------------------------------------------------------------
  var root = el("div", { className: "edw-root", lang: LANG });
  if (!data.css || data.css !== "none") {
    var css = el("link", { rel: "stylesheet", href: script ? script.src.replace(/\.js(\?.*)?$/, ".css$1") : "widget.css" });
    document.head.appendChild(css);
  }
  var launcher = el("button", {
    type: "button", className: "edw-launcher", "aria-expanded": "false", "aria-controls": "edw-panel"
  }, [el("span", { className: "edw-launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: TEXT.launcher })]);
  var log = el("div", {
    className: "edw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": TEXT.title, tabindex: "0"
  });
  var status = el("div", { className: "edw-sr", role: "status", "aria-live": "polite" });
  var input = el("input", {
    id: "edw-input", className: "edw-input", type: "text", autocomplete: "off", maxlength: "1000", placeholder: TEXT.placeholder
  });
  var sendButton = el("button", { type: "submit", className: "edw-send", text: TEXT.send });
  var form = el("form", { className: "edw-form" }, [
    el("label", { className: "edw-sr", "for": "edw-input", text: TEXT.inputLabel }), input, sendButton
  ]);
  var closeButton = el("button", { type: "button", className: "edw-icon-button edw-close", "aria-label": TEXT.close, title: TEXT.close, text: "×" });
  var restartButton = el("button", { type: "button", className: "edw-icon-button edw-restart", "aria-label": TEXT.restart, title: TEXT.restart, text: "↺" });
  var panel = el("section", { id: "edw-panel", className: "edw-panel", role: "dialog", "aria-label": TEXT.title, hidden: "" }, [
    el("header", { className: "edw-header" }, [el("h2", { className: "edw-title", text: TEXT.title }), restartButton, closeButton]),
    log, status, form
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function renderMessage(message, live) {
    var who = message.from === "user" ? TEXT.you : TEXT.bot;
    var bubble = el("div", { className: "edw-msg edw-from-" + message.from });
    bubble.appendChild(el("span", { className: "edw-sr", text: who + ": " }));
    if (message.text) bubble.appendChild(el("p", { className: "edw-text" }, [richText(message.text)]));
    if (message.image && /^https?:\/\//.test(message.image)) bubble.appendChild(el("img", { src: message.image, alt: "" }));
    if (message.buttons && message.buttons.length) {
      var group = el("div", { className: "edw-buttons", role: "group" });
      message.buttons.forEach(function (button) {
        var b = el("button", { type: "button", className: "edw-choice", text: button.title });
        if (message.used || !live) b.disabled = true;
        b.addEventListener("click", function () {
          message.used = true;
          save("history", history);
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (x) { x.disabled = true; });
          send(button.payload, button.title);
        });
        group.appendChild(b);
      });
      bubble.appendChild(group);
    }
    log.appendChild(bubble);
    scrollDown();
  }

  function remember(message) {
    history.push(message);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    save("history", history);
  }

  function add(message) {
    remember(message);
    renderMessage(message, true);
  }

  function renderAll() {
    log.textContent = "";
    renderMessage({ from: "bot", text: TEXT.intro }, false);
    history.forEach(function (message, i) {
      // Only the last bot message's buttons stay clickable after a reload.
      renderMessage(message, i === history.length - 1);
    });
  }

  var typing = null;
  var busy = false;

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    root.classList.toggle("edw-busy", on);
    if (on) {
      typing = el("div", { className: "edw-msg edw-from-bot edw-typing", "aria-hidden": "true" }, [
        el("span"), el("span"), el("span")
      ]);
      log.appendChild(typing);
      status.textContent = TEXT.typing;
      scrollDown();
    } else {
      if (typing && typing.parentNode) typing.parentNode.removeChild(typing);
      typing = null;
      status.textContent = "";
    }
  }

  function send(message, shownAs) {
    if (!message || busy) return;
    add({ from: "user", text: shownAs || message });
    setBusy(true);
    fetch(RASA_URL + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message, metadata: { language: LANG } })
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (replies) {
      setBusy(false);
      (replies || []).forEach(function (reply) {
        if (!reply.text && !reply.buttons && !reply.image) return;
        add({ from: "bot", text: reply.text || "", buttons: reply.buttons || [], image: reply.image || null });
      });
    }).catch(function () {
      setBusy(false);
      var note = el("div", { className: "edw-msg edw-from-bot edw-error", role: "alert" }, [el("p", { text: TEXT.offline })]);
      log.appendChild(note);
      scrollDown();
    });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("edw-open");
    save("open", true);
    scrollDown();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("edw-open");
    save("open", false);
    launcher.focus();
  }

  function restart() {
    sender = newId();
    save("sender", sender);
    history = [];
    save("history", history);
    renderAll();
    input.focus();
  }

  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send(text);
  });

  function mount() {
    document.body.appendChild(root);
    renderAll();
    if (data.open === "true" || load("open", false)) open();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.ExpatDeskWidget = { open: open, close: close, send: send, restart: restart };
})();
