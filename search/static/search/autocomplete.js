// Suggestions under every search box that has data-autocomplete-url: links to the matching titles.
// Without JavaScript the box still submits to the results page.
(function () {
  "use strict";
  function attach(input) {
    var url = input.dataset.autocompleteUrl;
    var list = document.createElement("ul");
    list.className = "autocomplete-list";
    list.id = input.id + "-suggestions";
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    var latest = 0;

    function close() { list.hidden = true; list.replaceChildren(); }

    function show(suggestions) {
      list.replaceChildren();
      suggestions.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        if (item.count > 1) {
          var count = document.createElement("span");
          count.className = "count";
          count.textContent = " (" + item.count + ")";
          a.appendChild(count);
        }
        var type = document.createElement("span");
        type.className = "type";
        type.textContent = item.type_label;
        a.appendChild(type);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = suggestions.length === 0;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var value = input.value.trim();
      if (value.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var ticket = ++latest;
        fetch(url + "?q=" + encodeURIComponent(value), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) { if (ticket === latest) show(data.suggestions || []); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("a").focus(); }
    });
    list.addEventListener("keydown", function (event) {
      var current = document.activeElement.parentElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) { event.preventDefault(); current.nextElementSibling.firstChild.focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (current.previousElementSibling ? current.previousElementSibling.firstChild : input).focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) { if (!list.contains(event.target) && event.target !== input) close(); });
  }
  document.querySelectorAll("input[data-autocomplete-url]").forEach(attach);
})();
