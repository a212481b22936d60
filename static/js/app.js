// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/static/nhsuk/nhsuk-frontend.min.js";

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
  const token = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
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
