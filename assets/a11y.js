// Radix scroll areas (wide tables on a phone) scroll but can't take the keyboard focus: make every
// one that overflows focusable and named, so keyboard users can scroll it too (WCAG 2.1.1).
(function () {
  function fix(root) {
    root.querySelectorAll(".rt-ScrollAreaViewport").forEach(function (el) {
      var overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (overflows && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", "Scrollable area");
        }
      }
    });
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fix(document); });
  }
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", schedule);
  schedule();
})();
