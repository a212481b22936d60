// Passkeys (ADR 0043), progressive enhancement: a form marked data-passkey="create" or "get"
// carries the server's options as JSON (data-passkey-options). On submit this asks the browser
// for a passkey with them, puts the browser's answer (JSON) in the form's "credential" field and
// sends the form; the server checks it. When the browser says no (cancelled, timed out, a
// passkey it already holds, no passkeys at all), the form is sent with "passkey-error" saying
// which, and the server shows the error on the page as it shows any other. Without JavaScript
// the form is sent empty, and the server says passkeys need JavaScript.

const refusalOf = (error) => {
  if (!error) return "cancelled";
  if (error.name === "InvalidStateError") return "already_registered";
  if (error.name === "NotSupportedError" || error.name === "SecurityError") return "unsupported";
  return "cancelled"; // NotAllowedError (cancelled or timed out), AbortError
};

const supported = () =>
  typeof window.PublicKeyCredential === "function" &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

async function answer(kind, options) {
  if (kind === "create") {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    return navigator.credentials.create({ publicKey });
  }
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
  return navigator.credentials.get({ publicKey });
}

function enhance(form) {
  const kind = form.dataset.passkey;
  const credential = form.querySelector("input[name=credential]");
  const refusal = form.querySelector("input[name=passkey-error]");
  const name = form.querySelector("input[name=name]");
  let sending = false;
  if (supported()) {
    form.querySelectorAll(".app-passkey-needs-javascript").forEach((note) => {
      note.hidden = true;
    });
  }
  form.addEventListener("submit", async (event) => {
    if (sending) return;
    event.preventDefault();
    credential.value = "";
    refusal.value = "";
    // A passkey with no name is not made: the server asks for the name first.
    if (!(name && !name.value.trim())) {
      if (!supported()) {
        refusal.value = "unsupported";
      } else {
        try {
          const made = await answer(kind, JSON.parse(form.dataset.passkeyOptions));
          if (made) credential.value = JSON.stringify(made.toJSON());
          else refusal.value = "cancelled";
        } catch (error) {
          refusal.value = refusalOf(error);
        }
      }
    }
    sending = true;
    form.submit();
  });
}

document.querySelectorAll("form[data-passkey]").forEach(enhance);
