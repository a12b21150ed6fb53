/* Checks of a layer's signed manifest, shared by the shell page and the service worker.

   A layer is trusted only through its manifest.json: its Ed25519 signature (manifest.json.sig, base64 over the
   exact bytes) must verify with the province key (/keys/signing.pub), it must name the layer it was fetched
   from, not be expired (a frozen layer) and not be older than a version already seen (a rollback); then every
   file must have the manifest's sha256 and length. WebCrypto Ed25519 is used where the browser has it;
   older WebViews fall back to tweetnacl (reader/vendor/nacl.min.js).

   Plain ES2017 without optional chaining: it runs in Android WebViews from Chrome 61 on. */
(function (root) {
  "use strict";

  var KEY_URL = "/keys/signing.pub";
  var MESSAGES = {
    signature: "Nội dung này không qua được kiểm tra chữ ký số nên không được hiển thị. Hãy báo cho cấp ủy.",
    layer: "Bản kê nội dung không khớp với đơn vị được yêu cầu nên không được hiển thị.",
    expired: "Bản kê nội dung đã quá hạn kiểm tra. Hãy kết nối mạng để tải bản mới.",
    rollback: "Máy chủ gửi một bản cũ hơn bản đã có trên máy; sổ tay giữ bản mới hơn.",
    hash: "Tệp nội dung đã bị thay đổi so với bản đã ký nên không được hiển thị. Hãy báo cho cấp ủy.",
    missing: "Tệp này không có trong bản kê đã ký nên không được hiển thị.",
    format: "Bản kê nội dung bị hỏng nên không được hiển thị.",
  };

  function VerifyError(code, detail) {
    var error = new Error(MESSAGES[code] || MESSAGES.format);
    error.name = "VerifyError";
    error.code = code;
    error.detail = detail || "";
    return error;
  }

  function isVerifyError(error) {
    return Boolean(error) && error.name === "VerifyError";
  }

  function fromBase64(text) {
    var binary = atob(String(text).trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function sha256(data) {
    return crypto.subtle.digest("SHA-256", data).then(hex);
  }

  var naclPromise = null;
  function loadNacl() {
    if (root.nacl && root.nacl.sign) return Promise.resolve(root.nacl);
    if (!naclPromise) {
      naclPromise = new Promise(function (resolve, reject) {
        if (typeof document === "undefined" || !root.SOTAY_NACL_URL) {
          reject(new Error("no Ed25519 fallback"));
          return;
        }
        var script = document.createElement("script");
        script.src = root.SOTAY_NACL_URL;
        script.onload = function () { resolve(root.nacl); };
        script.onerror = function () { naclPromise = null; reject(new Error("cannot load the Ed25519 fallback")); };
        document.head.appendChild(script);
      });
    }
    return naclPromise;
  }

  var nativeEd25519 = true;
  function verifySignature(key, signature, data) {
    function fallback() {
      nativeEd25519 = false;
      return loadNacl().then(function (nacl) {
        return nacl.sign.detached.verify(new Uint8Array(data), signature, key);
      });
    }
    if (!nativeEd25519 || !crypto.subtle) return fallback();
    return crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]).then(
      function (cryptoKey) { return crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, signature, data); },
      fallback
    );
  }

  var keyPromise = null;
  function publicKey() {
    if (!keyPromise && root.SOTAY_PUBLIC_KEY) {
      // The shell page and the service worker carry the key (saves a round trip on 3G; changes with it).
      keyPromise = Promise.resolve(root.SOTAY_PUBLIC_KEY);
    }
    if (!keyPromise) {
      keyPromise = fetch(KEY_URL, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("public key: HTTP " + response.status);
          return response.text();
        });
      keyPromise.catch(function () { keyPromise = null; });
    }
    return keyPromise.then(function (text) {
      var key = fromBase64(text);
      if (key.length !== 32) throw VerifyError("format", "public key length " + key.length);
      return key;
    });
  }

  /* Resolve with the parsed manifest, or reject with a VerifyError naming what failed.
     options.minVersion: the highest version already trusted for this layer (rollback check).
     options.allowExpired: accept an expired manifest (a copy kept on the phone, read offline). */
  function checkManifest(layer, bytes, signatureText, options) {
    options = options || {};
    var signature;
    try {
      signature = fromBase64(signatureText);
    } catch (e) {
      return Promise.reject(VerifyError("signature", "signature is not base64"));
    }
    return publicKey()
      .then(function (key) { return verifySignature(key, signature, bytes); })
      .then(function (valid) {
        if (!valid) throw VerifyError("signature", layer);
        var manifest;
        try {
          manifest = JSON.parse(new TextDecoder("utf-8").decode(bytes));
        } catch (e) {
          throw VerifyError("format", String(e));
        }
        if (!manifest || typeof manifest.files !== "object" || typeof manifest.version !== "number") {
          throw VerifyError("format", layer);
        }
        if (manifest.layer !== layer) throw VerifyError("layer", manifest.layer + " != " + layer);
        var expires = Date.parse(manifest.expires);
        if (!(expires > Date.now()) && !options.allowExpired) throw VerifyError("expired", manifest.expires);
        if (options.minVersion && manifest.version < options.minVersion) {
          throw VerifyError("rollback", manifest.version + " < " + options.minVersion);
        }
        return manifest;
      });
  }

  /* Resolve with the bytes if `rel` (a path inside the layer) matches the manifest; else reject. */
  function checkFile(manifest, rel, bytes) {
    var entry = manifest.files[rel];
    if (!entry) return Promise.reject(VerifyError("missing", rel));
    if (bytes.byteLength !== entry.length) return Promise.reject(VerifyError("hash", rel + ": length"));
    return sha256(bytes).then(function (digest) {
      if (digest !== entry.sha256) throw VerifyError("hash", rel);
      return bytes;
    });
  }

  /* "/u/tn/dt/all/a/12/" -> {layer: "u/tn/dt/all", rel: "a/12/index.html"}; null outside layers.
     The tier is the first "all" or "committee" after the unit codes, as in site_builder.model.LayerId. */
  function splitLayerPath(pathname) {
    var parts = pathname.split("/").filter(Boolean).map(function (part) {
      try { return decodeURIComponent(part); } catch (e) { return part; }
    });
    if (parts.length < 3 || parts[0] !== "u") return null;
    for (var i = 2; i < parts.length; i++) {
      if (parts[i] === "all" || parts[i] === "committee") {
        var rel = parts.slice(i + 1).join("/");
        if (!rel) rel = "index.html";
        else if (pathname.charAt(pathname.length - 1) === "/") rel += "/index.html";
        return { layer: parts.slice(0, i + 1).join("/"), rel: rel };
      }
    }
    return null;
  }

  root.sotayVerify = {
    checkManifest: checkManifest,
    checkFile: checkFile,
    sha256: sha256,
    splitLayerPath: splitLayerPath,
    isVerifyError: isVerifyError,
    VerifyError: VerifyError,
    messages: MESSAGES,
  };
})(typeof self !== "undefined" ? self : this);
