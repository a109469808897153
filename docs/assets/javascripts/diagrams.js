/* The site's diagrams (```mermaid fences, rendered by pymdownx as <pre class="jn-diagram">),
   drawn with the site's own mermaid.min.js when they come near the screen.

   Mermaid is 3.6 MB: a table page, whose relationship diagram sits below the field list, loads
   it only when the reader scrolls there, and a page without diagrams never does (this script
   is only on pages with one, see overrides/main.html). Diagrams are drawn at their natural size
   and scroll sideways in their box (extra.css), so that their text keeps the size of the
   page's text instead of shrinking with the width of the screen. */
(function () {
  "use strict";
  var script = document.currentScript;
  var mermaidUrl = script && script.getAttribute("data-mermaid");
  var loading = null;
  var count = 0;

  function mermaid() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = mermaidUrl;
        tag.onload = function () { resolve(window.mermaid); };
        tag.onerror = function () { reject(new Error("cannot load " + mermaidUrl)); };
        document.head.appendChild(tag);
      }).then(function (m) {
        m.initialize({
          startOnLoad: false,
          securityLevel: "strict",
          theme: "default",
          er: { useMaxWidth: false },
          flowchart: { useMaxWidth: false },
          sequence: { useMaxWidth: false }
        });
        return m;
      });
    }
    return loading;
  }

  var LABELS = {
    zh: { out: "缩小", in: "放大", fit: "适合宽度", one: "原大", hint: "拖动或滚动查看全图" },
    en: { out: "Zoom out", in: "Zoom in", fit: "Fit width", one: "Actual size", hint: "Drag or scroll to see the whole diagram" }
  };
  var MIN_READABLE = 0.8;   // of mermaid's 14 px text: below this, start scrolled rather than shrunk

  /* A diagram in a box of its own: zoom buttons, scroll or drag to pan. It opens at the width of
     the page when that keeps its text readable, else at 80 % and scrolled to its middle. */
  function viewer(svgMarkup) {
    var labels = LABELS[(document.documentElement.lang || "zh").slice(0, 2)] || LABELS.en;
    var box = document.createElement("div");
    box.className = "jn-diagram";
    var tools = document.createElement("div");
    tools.className = "jn-diagram__tools";
    var view = document.createElement("div");
    view.className = "jn-diagram__view";
    view.innerHTML = svgMarkup;
    box.appendChild(tools);
    box.appendChild(view);
    var svg = view.querySelector("svg");
    var vb = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!svg || !vb || !vb.width) {
      return box;
    }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.style.maxWidth = "none";
    var zoom = 1;
    function fit() { return Math.min(1, (view.clientWidth - 2) / vb.width); }
    function set(z) {
      var cx = (view.scrollLeft + view.clientWidth / 2) / zoom;
      var cy = (view.scrollTop + view.clientHeight / 2) / zoom;
      zoom = Math.max(0.1, Math.min(3, z));
      svg.style.width = vb.width * zoom + "px";
      svg.style.height = vb.height * zoom + "px";
      view.scrollLeft = cx * zoom - view.clientWidth / 2;
      view.scrollTop = cy * zoom - view.clientHeight / 2;
    }
    [["out", function () { set(zoom / 1.25); }, "−"], ["in", function () { set(zoom * 1.25); }, "+"],
     ["fit", function () { set(fit()); }, labels.fit], ["one", function () { set(1); }, labels.one]
    ].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button jn-diagram__button";
      button.textContent = b[2];
      button.title = labels[b[0]];
      button.setAttribute("aria-label", labels[b[0]]);
      button.addEventListener("click", b[1]);
      tools.appendChild(button);
    });
    var hint = document.createElement("span");
    hint.className = "jn-diagram__hint";
    hint.textContent = labels.hint;
    tools.appendChild(hint);
    // pan by dragging with a mouse (touch screens scroll the box natively)
    var drag = null;
    view.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse") { drag = [e.clientX, e.clientY, view.scrollLeft, view.scrollTop]; view.classList.add("jn-diagram__view--drag"); }
    });
    window.addEventListener("pointermove", function (e) {
      if (drag) { view.scrollLeft = drag[2] - (e.clientX - drag[0]); view.scrollTop = drag[3] - (e.clientY - drag[1]); }
    });
    window.addEventListener("pointerup", function () { drag = null; view.classList.remove("jn-diagram__view--drag"); });
    requestAnimationFrame(function () {
      var start = Math.max(fit(), Math.min(1, MIN_READABLE));
      zoom = start;
      svg.style.width = vb.width * start + "px";
      svg.style.height = vb.height * start + "px";
      view.scrollLeft = (vb.width * start - view.clientWidth) / 2;
    });
    return box;
  }

  function draw(pre) {
    var source = pre.textContent;
    mermaid().then(function (m) {
      count += 1;
      return m.render("jn-diagram-" + count, source);
    }).then(function (result) {
      pre.replaceWith(viewer(result.svg));
    }).catch(function (error) {
      pre.classList.add("jn-diagram--failed");  // the source stays readable
      console.error(error);
    });
  }

  var diagrams = Array.prototype.slice.call(document.querySelectorAll("pre.jn-diagram"));
  if (!mermaidUrl || diagrams.length === 0) {
    return;
  }
  if (!("IntersectionObserver" in window)) {
    diagrams.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "600px 0px" });
  diagrams.forEach(function (pre) { observer.observe(pre); });
})();
