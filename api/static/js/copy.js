// Copy buttons for the API examples (progressive enhancement: without this script, select and copy).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var code = document.getElementById(btn.getAttribute("data-target"));
      if (!code) { return; }
      navigator.clipboard.writeText(code.textContent).then(function () {
        var old = btn.textContent;
        btn.textContent = "✓";
        setTimeout(function () { btn.textContent = old; }, 1500);
      });
    });
  });
})();
