// Layout help for formulas (see _static/book.css): runs once MathJax has typeset the page.
(() => {
  "use strict";

  // An inline formula wider than the paragraph it sits in gets its own line, where it scrolls.
  function markWideInline() {
    for (const c of document.querySelectorAll("mjx-container:not([display='true'])")) {
      c.classList.remove("sce-wide-inline");
      const box = c.closest("p, li, td, dd, div") || c.parentElement;
      if (!box) continue;
      const math = c.querySelector("mjx-math") || c;
      if (math.getBoundingClientRect().width > box.clientWidth) c.classList.add("sce-wide-inline");
    }
  }

  // On paper a formula cannot scroll: one wider than the page is set in a smaller size.
  function fitForPrint(printing) {
    for (const c of document.querySelectorAll("mjx-container")) {
      c.style.fontSize = "";
      if (!printing) continue;
      const math = c.querySelector("mjx-math") || c;
      const box = c.parentElement.closest("div, p, li, td") || c.parentElement;
      const wide = math.getBoundingClientRect().width;
      const room = box.clientWidth;
      if (wide > room && room > 0) c.style.fontSize = `${Math.floor((100 * room) / wide) - 1}%`;
    }
  }

  function whenTypeset(callback) {
    const MJ = window.MathJax;
    if (MJ && MJ.startup && MJ.startup.promise) MJ.startup.promise.then(callback);
    else callback();
  }

  window.addEventListener("load", () =>
    whenTypeset(() => {
      const print = window.matchMedia("print");
      const layout = () => {
        fitForPrint(print.matches);
        if (!print.matches) markWideInline();
      };
      layout();
      print.addEventListener("change", layout);
      window.addEventListener("beforeprint", () => fitForPrint(true));
      window.addEventListener("afterprint", () => fitForPrint(false));
      let pending = 0;
      window.addEventListener("resize", () => {
        clearTimeout(pending);
        pending = setTimeout(layout, 150);
      });
    }),
  );
})();
