// Optional comfort (everything works without it): clicking a sentence or a fact number
// outlines every sentence of that fact, in every article of the story.
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-row]") : null;
  if (!target) { return; }
  var story = target.closest("[data-story]");
  if (!story) { return; }
  var row = target.getAttribute("data-row");
  story.querySelectorAll(".sent.focus").forEach(function (el) { el.classList.remove("focus"); });
  story.querySelectorAll('.sent[data-row="' + row.replace(/[^0-9]/g, "") + '"]')
    .forEach(function (el) { el.classList.add("focus"); });
});
