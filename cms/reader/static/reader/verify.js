/* Checks of a layer's signed manifest, shared by the shell page and the service worker.

   A layer is trusted only through its manifest.json: its Ed25519 signature (manifest.json.sig, base64 over the
   exact bytes) must verify with the province key (/keys/signing.pub), it must name the layer it was fetched
   from, not be expired (a frozen layer) and not be older than a version already seen (a rollback); then every
   file must have the manifest's sha256 and length, as listed by the head or by one of its parts. WebCrypto Ed25519 is used where the browser has it;
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

  /* --- manifest parts (site_builder/manifest.py) -------------------------------------------------------
     A large layer's signed head lists most files through parts, `manifest/<dir>-<n>.json`, which the head
     lists with their sha256. Which part lists a path follows from the head's `parts` rule alone, so a
     reader fetches only the parts it needs. The same rule is written in Python (`part_of`). */
  var PARTS_DIR = "manifest";

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  /* The part listing `rel`, or null when the head lists it itself. */
  function partOf(manifest, rel) {
    var slash = rel.indexOf("/");
    var rules = manifest.parts || {};
    if (slash < 0 || !Object.prototype.hasOwnProperty.call(rules, rel.slice(0, slash))) return null;
    var top = rel.slice(0, slash);
    var rule = rules[top];
    if (rule[0] === "id") {
      var ident = rel.slice(slash + 1).split("/")[0];
      if (!/^[0-9]+$/.test(ident)) return null;
      return PARTS_DIR + "/" + top + "-" + Math.floor(Number(ident) / rule[1]) + ".json";
    }
    if (rule[0] === "fnv1a") return PARTS_DIR + "/" + top + "-" + (fnv1a(rel) % rule[1]) + ".json";
    return null;
  }

  function fetchPart(manifest, part) {
    // A part keeps its name from one version to the next: never take it from the HTTP cache unchecked.
    var options = { credentials: "same-origin", cache: "no-cache" };
    return fetch("/" + manifest.layer + "/" + part, options).then(function (response) {
      if (!response.ok) throw { status: response.status, response: response };
      return response.arrayBuffer();
    });
  }

  function checkEntry(entry, rel, bytes) {
    if (!entry) return Promise.reject(VerifyError("missing", rel));
    if (bytes.byteLength !== entry.length) return Promise.reject(VerifyError("hash", rel + ": length"));
    return sha256(bytes).then(function (digest) {
      if (digest !== entry.sha256) throw VerifyError("hash", rel);
      return bytes;
    });
  }

  /* The entries of one part (checked against the head, memoised on the manifest object).
     `load(manifest, part)` resolves with the part's bytes; by default they are fetched. */
  function partFiles(manifest, part, load) {
    if (!manifest.__parts) Object.defineProperty(manifest, "__parts", { value: {} });
    var cache = manifest.__parts;
    if (!cache[part]) {
      cache[part] = (load || fetchPart)(manifest, part).then(function (bytes) {
        return checkEntry(manifest.files[part], part, bytes);
      }).then(function (bytes) {
        var body;
        try {
          body = JSON.parse(new TextDecoder("utf-8").decode(bytes));
        } catch (e) {
          throw VerifyError("format", part);
        }
        if (!body || body.layer !== manifest.layer || typeof body.files !== "object") throw VerifyError("format", part);
        Object.keys(body.files).forEach(function (rel) {
          if (partOf(manifest, rel) !== part) throw VerifyError("format", part + " lists " + rel);
        });
        return body.files;
      });
      cache[part].catch(function () { delete cache[part]; });
    }
    return cache[part];
  }

  /* Resolve with the manifest entry of `rel` ({sha256, length}) or null when the layer has no such file. */
  function entryFor(manifest, rel, load) {
    var part = partOf(manifest, rel);
    if (!part) return Promise.resolve(manifest.files[rel] || null);
    if (!manifest.files[part]) return Promise.resolve(null);
    return partFiles(manifest, part, load).then(function (files) { return files[rel] || null; });
  }

  /* Resolve with the bytes if `rel` (a path inside the layer) matches the manifest; else reject. */
  function checkFile(manifest, rel, bytes, load) {
    return entryFor(manifest, rel, load).then(function (entry) { return checkEntry(entry, rel, bytes); });
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
    entryFor: entryFor,
    partOf: partOf,
    partFiles: partFiles,
    fnv1a: fnv1a,
    sha256: sha256,
    splitLayerPath: splitLayerPath,
    isVerifyError: isVerifyError,
    VerifyError: VerifyError,
    messages: MESSAGES,
  };
})(typeof self !== "undefined" ? self : this);
