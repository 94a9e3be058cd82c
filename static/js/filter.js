/* After htmx swaps in a filtered list (templates: the "filter region"), move
 * keyboard focus to the sentence saying what is shown now ("Showing 3 answers
 * with ..."): the chip that was pressed is gone, and focus would otherwise fall
 * back to the top of the page. Focusing the sentence also has screen readers
 * read the new result count, and scrolls it into view only when it is not.
 * Without JavaScript the filters are plain links and none of this runs.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function () {
    var region = document.getElementById("filter-results");
    if (!region) return;
    var status = region.querySelector("[data-filter-status]") || region.querySelector("h1");
    if (!status) return;
    if (!status.hasAttribute("tabindex")) status.setAttribute("tabindex", "-1");
    status.focus();
  });
})();
