/* Tone folding for search, the twin of site_builder.text.fold: "Nghị quyết Đảng" -> "nghi quyet dang".
   NFD splits tone and vowel marks off their letters; nonspacing marks are dropped; đ is a letter of its
   own, so it is mapped by hand (and U+00D0, which legacy encodings used for Đ). */
(function (root) {
  "use strict";
  var marks;
  try {
    marks = new RegExp("\\p{Mn}", "gu");
  } catch (e) {
    // WebViews without Unicode property escapes: the combining blocks cover every Vietnamese mark.
    marks = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  }
  function fold(text) {
    return String(text).replace(/[\u0111\u0110\u00d0]/g, "d").normalize("NFD").replace(marks, "").toLowerCase();
  }
  root.sotayFold = fold;
  if (typeof module === "object" && module.exports) module.exports = fold;
})(typeof self !== "undefined" ? self : this);
