// Registrations table: a "tick all on this page" box in the header (without JavaScript, tick rows one by one).
(function () {
  "use strict";
  var form = document.getElementById("rows-form");
  if (!form) return;
  var head = form.querySelector("thead th.pick");
  var boxes = form.querySelectorAll("tbody input[name=ids]");
  if (!head || !boxes.length) return;
  var all = document.createElement("input");
  all.type = "checkbox";
  all.setAttribute("aria-label", head.textContent.trim() + " — " + (form.dataset.allLabel || "all"));
  head.textContent = "";
  head.appendChild(all);
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
