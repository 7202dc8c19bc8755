// The checkout's live price: as the member types a coupon, ask the price preview and show
// the new total, or the reason the coupon does not apply. The form works without it.
(function () {
  "use strict";
  var table = document.getElementById("price");
  var input = document.getElementById("id_coupon_code");
  var message = document.getElementById("coupon-message");
  var form = document.getElementById("checkout-form");
  if (!table || !input || !message) return;
  var url = table.getAttribute("data-price-url");
  var timer = null;
  var latest = 0;

  function show(prices) {
    ["subtotal", "discount", "tax", "total"].forEach(function (name) {
      var cell = document.getElementById("price-" + name);
      if (cell && prices[name] !== undefined) cell.textContent = prices[name];
    });
  }

  function refresh() {
    var asked = ++latest;
    var query = "?coupon=" + encodeURIComponent(input.value.trim());
    fetch(url + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reply) { return reply.json().then(function (body) { return [reply.ok, body]; }); })
      .then(function (result) {
        if (asked !== latest) return; // an older answer arriving late
        if (result[0]) {
          show(result[1]);
          message.className = "helptext";
          message.textContent = input.value.trim() ? "Coupon applied." : "";
        } else {
          message.className = "errorlist";
          message.textContent = result[1].error || "This coupon cannot be used.";
          fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
            if (asked === latest) show(body);
          });
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  // A code typed (or filled in by the browser) before this script ran gets its price too.
  if (input.value.trim()) refresh();

  // A second click while the first is on its way would send the same form again (the server
  // makes one order of it either way); disabling the button saves the round trip.
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("confirm");
      setTimeout(function () { if (button) button.disabled = true; }, 0);
    });
  }
})();
