// Sortable tables: each column heading becomes a button; aria-sort says the current order.
(function () {
  "use strict";
  document.querySelectorAll("table.sortable").forEach((table) => {
    const headers = [...table.querySelectorAll("thead th")];
    headers.forEach((th, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.replaceChildren(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((h) => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const numeric = th.hasAttribute("data-numeric");
        const rows = [...table.tBodies[0].rows];
        const value = (row) => row.cells[index].dataset.value;
        rows.sort((a, b) => {
          const x = numeric ? +value(a) : value(a);
          const y = numeric ? +value(b) : value(b);
          const order = numeric ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        table.tBodies[0].append(...rows);
      });
    });
  });
})();
