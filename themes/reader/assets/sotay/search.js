/* Offline search across a member's layers with Pagefind.
   Each layer lists its non-empty index segments (recent, archive) in search.json; all segments of all
   layers are merged into one Pagefind instance, and every query is folded exactly like the indexed text
   (sotayFold), so "nghi quyet", "Nghị quyết" and "NGHỊ QUYẾT" find the same pages.

     var search = await sotaySearch.open(["/u/tn/all/", "/u/tn/dh/all/"]);
     var found = await search.search("nghi quyet");     // Pagefind results; await r.data() for each
     // data.url is absolute (/u/tn/dh/all/a/12/); show data.meta.title and data.meta.summary. */
(function (root) {
  "use strict";
  var fold = root.sotayFold || (typeof require === "function" ? require("./fold.js") : null);

  function layerOf(spec) {
    // A layer is a URL string, or {url, baseUrl} when files are fetched from elsewhere than results point.
    var url = typeof spec === "string" ? spec : spec.url;
    url = url.replace(/\/?$/, "/");
    var baseUrl = (typeof spec === "string" ? url : spec.baseUrl || url).replace(/\/?$/, "/");
    return { url: url, baseUrl: baseUrl };
  }

  async function segmentsOf(layer) {
    var response = await fetch(layer.url + "search.json", { credentials: "same-origin" });
    if (!response.ok) return [];
    var listing = await response.json();
    return (listing.segments || []).map(function (segment) {
      return { url: layer.url + segment.path, baseUrl: layer.baseUrl };
    });
  }

  async function open(layers, options) {
    var segments = [];
    for (var i = 0; i < layers.length; i++) {
      segments = segments.concat(await segmentsOf(layerOf(layers[i])));
    }
    var pagefind = null;
    for (var j = 0; j < segments.length; j++) {
      var segment = segments[j];
      if (!pagefind) {
        pagefind = await import(segment.url + "pagefind.js");
        await pagefind.options(Object.assign({ baseUrl: segment.baseUrl }, options || {}));
        await pagefind.init();
      } else {
        await pagefind.mergeIndex(segment.url, { baseUrl: segment.baseUrl });
      }
    }
    return {
      segments: segments.length,
      search: async function (query, searchOptions) {
        if (!pagefind) return { results: [] };
        return pagefind.search(fold(query), searchOptions || {});
      },
    };
  }

  var api = { open: open, fold: fold };
  root.sotaySearch = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
