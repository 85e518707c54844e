// Behaviour every page shares. The Content-Security-Policy (ADR 0104) runs no inline handler
// (onchange=, onclick=, javascript: URLs), so markup asks for behaviour with data-* attributes instead.
(function () {
  "use strict";

  // <select data-submit-on-change>: picking an option submits its form (the language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.submit();
    }
  });

  // <a data-history-back href="fallback">: back to the previous page when there is one, else the href.
  document.addEventListener("click", function (event) {
    var a = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
    if (a && window.history.length > 1 && document.referrer.indexOf(window.location.origin + "/") === 0) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
