// The only script: "select all" checkboxes on the findings list.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.check-all").forEach(function (all) {
    all.addEventListener("change", function () {
      all.closest("form").querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
    });
  });
});
