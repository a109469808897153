/* The site's search worker: Material for MkDocs' own worker (named by ?material= in this
   script's URL, see overrides/main.html), with each query adjusted before that worker sees it.

   The index is segmented by jieba at build time, which separates Chinese from digits and Latin
   letters ("超过​30​日"). Material segments a query's runs of Han characters with the words of
   the index, but leaves "30日" one term, which then matches nothing. A space between Han
   characters and digits or Latin letters makes them separate terms, as they are in the index;
   Material ranks pages that match every term first. */
"use strict";

addEventListener("message", function (event) {
  var message = event.data;
  // type 2 is a query (Material's SearchMessageType.QUERY); listeners share the message object,
  // and this one is registered before Material's
  if (message && message.type === 2 && typeof message.data === "string") {
    message.data = message.data
      .replace(/(\p{sc=Han})(?=[0-9A-Za-z])/gu, "$1 ")
      .replace(/([0-9A-Za-z])(?=\p{sc=Han})/gu, "$1 ");
  }
});

(function () {
  var material = new URL(self.location.href).searchParams.get("material") || "";
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(material)) {
    throw new Error("jn-search.js: ?material= must name Material's search worker, not " + JSON.stringify(material));
  }
  importScripts(material);
})();
