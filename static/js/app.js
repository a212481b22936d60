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
  // The page's first count is what its session had left when it was made (the service's clock
  // may have moved at most a refresh interval before); "Stay signed in" restarts the whole
  // limit on the service, so the page counts the whole limit again from its answer.
  const idleLimit = Number(dialog.dataset.idleLimit) * 1000;
  const secondsLeft = Number(dialog.dataset.secondsLeft);
  const firstLimit = Number.isFinite(secondsLeft) ? Math.min(idleLimit, secondsLeft * 1000) : idleLimit;
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
    // A page replaced in place (an upload refused, below) runs its own warning: not this one.
    if (!dialog.isConnected) return;
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${dialog.dataset.signInUrl}?next=${encodeURIComponent(next)}`);
  };
  const open = () => {
    if (!dialog.isConnected) return;
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
  const schedule = (limit) => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    deadline = Date.now() + limit;
    warnTimer = window.setTimeout(open, Math.max(0, limit - warnBefore));
    endTimer = window.setTimeout(signedOut, limit);
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
      schedule(idleLimit);
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
  schedule(firstLimit);
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
    // Answered 204 with where to go instead of a redirect, which this request would follow
    // itself and so use up the page's success message (core/upload_progress.py).
    request.setRequestHeader("X-Upload-Progress", "1");
    status.hidden = false;
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      text.textContent = `${percent}% sent`;
    });
    request.addEventListener("load", () => {
      const next = request.getResponseHeader("X-Upload-Location");
      if (request.status === 204 && next) {
        window.location.assign(next); // uploaded: the page the service sends us to
        return;
      }
      if (request.status < 400 && request.responseURL) {
        window.location.assign(request.responseURL); // uploaded: the page it redirected to
        return;
      }
      // Refused: show the page with the error, as a plain post would have. The page written is
      // a new document in the same window, where this module does not run again (a module runs
      // once a window): run a fresh copy, so that the error page is enhanced as any page is
      // (its error summary focused, its progress bar, its warning for a file chosen).
      document.open();
      document.write(request.responseText);
      document.close();
      import(`${import.meta.url.split("?")[0]}?page=${Date.now()}`);
    });
    request.addEventListener("error", () => {
      text.textContent = "The selected file could not be uploaded – try again";
    });
    // The button pressed says where to go next (Continue, Back, Back to all questions): a
    // plain post sends its name and value, and so must this.
    const data = new FormData(form);
    const pressed = event.submitter;
    if (pressed && pressed.name) data.append(pressed.name, pressed.value);
    request.send(data);
  });
}

document.querySelectorAll("form[data-upload-progress]").forEach(uploadProgress);

// A file chosen is never lost without a word (issue 25, docs/adr/0035). The upload form's own
// ways out (Continue, the back link, Back to all questions) send the file, with or without
// JavaScript. Any other way out of the page (a link, the header's Sign out) cannot carry it:
// while a file is chosen, the first press is stopped and a warning says the file has not been
// uploaded, with a link to leave without it.
function keepChosenFile(form) {
  const input = form.querySelector("input[type=file]");
  const warning = document.querySelector("[data-chosen-file-warning]");
  if (!input || !warning) return;
  const name = warning.querySelector("[data-chosen-file-name]");
  const leave = warning.querySelector("[data-chosen-file-leave]");
  let leaving = false;
  let wayOut = null;

  const leavesThePage = (target) => {
    if (target.closest("dialog")) return false; // the session timeout's own Sign out
    if (target.tagName === "A") {
      const href = target.getAttribute("href") || "";
      return !href.startsWith("#") && !target.hasAttribute("download") && target.target !== "_blank";
    }
    return target.type === "submit" && target.form !== null && target.form !== form;
  };

  document.addEventListener(
    "click",
    (event) => {
      const target = event.target.closest("a[href], button");
      if (!target || target === leave || leaving) return;
      if (!input.files || input.files.length === 0) return;
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (!leavesThePage(target)) return;
      event.preventDefault();
      wayOut = target;
      name.textContent = input.files[0].name;
      leave.href = target.tagName === "A" ? target.href : "#";
      warning.hidden = false;
      warning.scrollIntoView({ block: "center" });
      warning.focus();
    },
    true,
  );
  leave.addEventListener("click", (event) => {
    if (!wayOut) return;
    leaving = true;
    if (wayOut.tagName !== "A") {
      event.preventDefault();
      wayOut.click(); // the way out the person first pressed, such as Sign out
    }
  });
  // Choosing no file (or sending it) makes the warning untrue: hide it.
  input.addEventListener("change", () => {
    if (!input.files || input.files.length === 0) warning.hidden = true;
    else name.textContent = input.files[0].name;
  });
}

document.querySelectorAll("form[data-keep-chosen-file]").forEach(keepChosenFile);
