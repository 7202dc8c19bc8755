// The admin home loads the orders charts (server-drawn SVG) after the page itself,
// so the index stays quick however many orders there are.
(function () {
  "use strict";
  const section = document.getElementById("tally-charts");
  if (!section) return;
  fetch(section.dataset.src, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
    .then(function (html) {
      const fallback = section.querySelector(".tally-charts-fallback");
      const holder = document.createElement("div");
      holder.innerHTML = html;
      if (fallback) fallback.remove();
      section.append(holder);
    })
    .catch(function () { /* the link to the charts page stays */ });
})();
