/* Shequ default theme: small enhancements. Every page works without this file; it only
   keeps the product page's price and stock in step with the chosen options, adds − / +
   steppers to quantity inputs, and shows the new-address fields only when they are used. */
(function () {
  "use strict";

  function skuPicker(form) {
    var groups = Array.prototype.slice.call(form.querySelectorAll(".spec-group"));
    var variants = Array.prototype.slice.call(form.querySelectorAll(".variant"));
    if (!groups.length || !variants.length) {
      return;
    }
    var shown = document.createElement("p");
    shown.className = "chosen-variant";
    shown.setAttribute("aria-live", "polite");
    form.insertBefore(shown, form.querySelector(".variants"));
    var buttons = form.querySelectorAll(".buy-buttons button");

    function chosenValues() {
      return groups.map(function (group) {
        var checked = group.querySelector("input:checked");
        return checked ? checked.value : null;
      });
    }

    function valuesOf(variant) {
      try {
        return JSON.parse(variant.getAttribute("data-values"));
      } catch (error) {
        return [];
      }
    }

    function update() {
      var wanted = chosenValues();
      var match = null;
      variants.forEach(function (variant) {
        var values = valuesOf(variant);
        var same = values.length === wanted.length && values.every(function (value, index) {
          return value === wanted[index];
        });
        variant.classList.toggle("selected", same);
        if (same) {
          match = variant;
        }
      });
      var available = false;
      if (match) {
        var price = match.querySelector(".variant-price").textContent;
        var stock = match.querySelector(".variant-stock").textContent;
        shown.textContent = price + " · " + stock;
        available = parseInt(match.getAttribute("data-stock"), 10) > 0;
      } else {
        shown.textContent = form.getAttribute("data-unavailable") || "—";
      }
      Array.prototype.forEach.call(buttons, function (button) {
        button.disabled = !match || !available;
      });
    }

    form.classList.add("enhanced");
    groups.forEach(function (group) {
      group.addEventListener("change", update);
    });
    update();
  }

  function stepper(input) {
    var min = parseInt(input.getAttribute("min") || "1", 10);
    var max = parseInt(input.getAttribute("max") || "999", 10);
    function button(text, delta, label) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "step";
      element.textContent = text;
      element.setAttribute("aria-label", label);
      element.addEventListener("click", function () {
        var value = parseInt(input.value, 10);
        if (isNaN(value)) {
          value = min;
        }
        input.value = Math.min(max, Math.max(min, value + delta));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return element;
    }
    var wrapper = document.createElement("span");
    wrapper.className = "stepper";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(button("−", -1, "−1"));
    wrapper.appendChild(input);
    wrapper.appendChild(button("+", 1, "+1"));
  }

  function newAddress(fields) {
    var form = fields.form || fields.closest("form");
    var radios = form.querySelectorAll('input[name="address_id"]');
    function update() {
      var checked = form.querySelector('input[name="address_id"]:checked');
      fields.hidden = !(checked && checked.value === "new");
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sku-picker]"), skuPicker);
    Array.prototype.forEach.call(document.querySelectorAll("input.qty"), stepper);
    Array.prototype.forEach.call(document.querySelectorAll("[data-new-address]"), newAddress);
  });
})();
