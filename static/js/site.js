// What every page does: after a form is refused, focus its error summary, so a keyboard or
// screen reader user hears what went wrong first.
(function () {
  "use strict";
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
