// Live price preview on "Add offline order": asks the admin's price-preview endpoint
// whenever the plan, the member or the coupon changes, and shows the quote.
(function () {
  "use strict";
  const form = document.getElementById("offline-order-form");
  if (!form) return;
  const box = document.getElementById("price-preview");
  const url = form.dataset.previewUrl;
  let timer = null;
  let latest = 0;

  function row(label, value) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    const td = document.createElement("td");
    th.textContent = label;
    td.textContent = value;
    tr.append(th, td);
    return tr;
  }

  function show(data) {
    box.replaceChildren();
    if (!data.ok) {
      const p = document.createElement("p");
      p.className = "errornote";
      p.textContent = data.message;
      box.append(p);
      return;
    }
    const table = document.createElement("table");
    table.className = "tally-quote";
    table.append(
      row("Subtotal", data.subtotal + " " + data.currency),
      row("Discount", data.discount + " " + data.currency),
      row("Tax", data.tax + " " + data.currency),
      row("Total", data.total + " " + data.currency)
    );
    box.append(table);
  }

  function refresh() {
    const params = new URLSearchParams({
      plan: form.elements.plan.value,
      member: form.elements.member.value,
      coupon: form.elements.coupon.value,
    });
    const ticket = ++latest;
    fetch(url + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (ticket === latest) show(data); })
      .catch(function () { if (ticket === latest) show({ ok: false, message: "The price could not be loaded." }); });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  ["plan", "member", "coupon"].forEach(function (name) {
    form.elements[name].addEventListener("input", later);
    form.elements[name].addEventListener("change", later);
  });
  if (form.elements.plan.value) refresh();
})();
