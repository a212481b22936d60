// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/static/nhsuk/nhsuk-frontend.min.js";

// The design system's enhanced file upload names its "Choose file" button from the label, the
// status and the button text together, which axe reports as a WCAG 2.5.3 label-in-name failure
// (docs/adr/0004). The browser's own file input, the component without JavaScript, has none:
// keep that.
document
  .querySelectorAll('[data-module="nhsuk-file-upload"]')
  .forEach((upload) => upload.removeAttribute("data-module"));

initAll();

// Warn before the session's idle limit (GOV.UK "warn users before a session times out").
// The server ends a session SESSION_COOKIE_AGE seconds after its last request; this page's
// timer starts when it loads. "Stay signed in" (or Escape) makes a request that moves the
// server's expiry on. If nobody answers, the page goes to sign-in before it can show anything
// more to whoever is at the computer.
function sessionTimeoutWarning(dialog) {
  const idleLimit = Number(dialog.dataset.idleLimit) * 1000;
  const warnBefore = Number(dialog.dataset.warnBefore) * 1000;
  if (!idleLimit || typeof dialog.showModal !== "function" || !window.fetch) return;

  const stay = dialog.querySelector(".app-timeout-dialog__stay");
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  // The page's sign-out form holds its CSRF token; the keep-alive request sends the same one.
  const tokenInput = document.querySelector("#sign-out input[name=csrfmiddlewaretoken]");
  if (!tokenInput) return;
  const token = tokenInput.value;
  let deadline = 0;
  let warnTimer = 0;
  let endTimer = 0;
  let ticker = 0;
  let returnFocusTo = null;

  const describe = (milliseconds) => {
    const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };
  const showRemaining = () => {
    countdown.textContent = describe(deadline - Date.now());
  };
  const signedOut = () => {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${dialog.dataset.signInUrl}?next=${encodeURIComponent(next)}`);
  };
  const open = () => {
    returnFocusTo = document.activeElement;
    showRemaining();
    ticker = window.setInterval(showRemaining, 1000);
    dialog.showModal();
    stay.focus();
  };
  const close = () => {
    window.clearInterval(ticker);
    if (dialog.open) dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
    returnFocusTo = null;
  };
  const schedule = () => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    deadline = Date.now() + idleLimit;
    warnTimer = window.setTimeout(open, Math.max(0, idleLimit - warnBefore));
    endTimer = window.setTimeout(signedOut, idleLimit);
  };
  const staySignedIn = async () => {
    let response = null;
    try {
      response = await window.fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      response = null;
    }
    // 204 only while signed in; a session that has already ended is redirected to sign-in.
    if (response && response.status === 204) {
      close();
      schedule();
    } else {
      signedOut();
    }
  };

  stay.addEventListener("click", staySignedIn);
  // Escape closes a modal dialog: take it to mean "stay signed in", as the pattern does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule();
}

const timeoutDialog = document.getElementById("session-timeout-warning");
if (timeoutDialog) sessionTimeoutWarning(timeoutDialog);

// Show how much of a large upload has been sent (a 250MB file takes a while). Without
// JavaScript the form posts as it is. With it, the same form data goes by XMLHttpRequest so
// that its progress can be shown; when the server answers, the browser shows what it answered:
// the page it redirected to, or the page with the error.
function uploadProgress(form) {
  const status = form.querySelector("[data-upload-progress-status]");
  const bar = status && status.querySelector("progress");
  const text = status && status.querySelector("[data-upload-progress-text]");
  if (!bar || !window.XMLHttpRequest || !window.FormData) return;

  form.addEventListener("submit", (event) => {
    const file = form.querySelector("input[type=file]");
    if (!file || !file.files || file.files.length === 0) return; // the server says "Select a file"
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    status.hidden = false;
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      text.textContent = `${percent}% sent`;
    });
    request.addEventListener("load", () => {
      if (request.status < 400 && request.responseURL) {
        window.location.assign(request.responseURL); // uploaded: the page it redirected to
        return;
      }
      // Refused: show the page with the error, as a plain post would have.
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => {
      text.textContent = "The selected file could not be uploaded – try again";
    });
    request.send(new FormData(form));
  });
}

document.querySelectorAll("form[data-upload-progress]").forEach(uploadProgress);
