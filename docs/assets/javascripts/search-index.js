/* Load the search index when the reader opens the search, not with every page.

   Material for MkDocs requests search/search_index.json at the site root as soon as a page
   loads, with XMLHttpRequest. This script, loaded before Material's bundle, changes that one
   request: it asks for the index of the page's language (data-index of this script's tag:
   Chinese at the root, English under en/; docsgen/mkdocs_hooks.py writes both) and sends it
   only when the search is first opened (its field focused, its icon pressed, or one of
   Material's search keys typed). Until then the search shows Material's "initialising"
   message, as it does while any index loads. */
(function () {
  "use strict";
  var script = document.currentScript;
  var index = script && script.getAttribute("data-index");
  if (!index) {
    return;
  }
  var indexUrl = new URL(index, document.baseURI).href;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var wanted = false;

  function release() {
    if (wanted) {
      return;
    }
    wanted = true;
    held.splice(0).forEach(function (go) { go(); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    var args = Array.prototype.slice.call(arguments);
    if (/\/search\/search_index\.json$/.test(String(url))) {
      this.jnSearchIndex = true;
      args[1] = indexUrl;
    }
    return open.apply(this, args);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (xhr.jnSearchIndex && !wanted) {
      held.push(function () { send.apply(xhr, args); });
      return undefined;
    }
    return send.apply(xhr, args);
  };

  function isSearch(target) {
    return target instanceof Element
      && (target.matches(".md-search__input, #__search") || target.closest("label[for='__search']") !== null);
  }
  document.addEventListener("focusin", function (e) { if (isSearch(e.target)) { release(); } }, true);
  document.addEventListener("pointerdown", function (e) { if (isSearch(e.target)) { release(); } }, true);
  document.addEventListener("change", function (e) { if (isSearch(e.target)) { release(); } }, true);
  document.addEventListener("keydown", function (e) {
    // Material opens the search on f, s and / (outside a form field)
    if (["f", "s", "/"].indexOf(e.key) >= 0 && !(e.target instanceof HTMLInputElement)) {
      release();
    }
  }, true);
})();
