/* Passkeys (WebAuthn) for the organiser workspace: register one, use it as the second factor,
   or sign in with it. Each <form data-passkey="register|verify|sign_in"> is hidden until this
   script finds WebAuthn in the browser; without it the other ways to sign in remain.
   The form's data-options is the URL that gives the options, its action the URL that checks
   the browser's answer; both answer JSON. A static file: the Content-Security-Policy stays strict. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || response.statusText);
        }
        return data;
      });
    });
  }

  function creationOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBuffer(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }

  function created(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  function asserted(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  function run(form) {
    var kind = form.getAttribute("data-passkey");
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var status = form.querySelector("[data-passkey-status]");
    var button = form.querySelector("button");
    var nameField = form.querySelector("[name=name]");
    status.textContent = "";
    button.disabled = true;
    post(form.getAttribute("data-options"), token)
      .then(function (options) {
        if (kind === "register") {
          return navigator.credentials.create({ publicKey: creationOptions(options) }).then(created);
        }
        return navigator.credentials.get({ publicKey: requestOptions(options) }).then(asserted);
      })
      .then(function (credential) {
        return post(form.action, token, { credential: credential, name: nameField ? nameField.value : "" });
      })
      .then(function (answer) {
        window.location.assign(answer.redirect);
      })
      .catch(function (error) {
        status.textContent = (error && error.name === "NotAllowedError")
          ? form.getAttribute("data-cancelled")
          : (error && error.message) || form.getAttribute("data-cancelled");
        button.disabled = false;
      });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form);
    });
  });
})();
