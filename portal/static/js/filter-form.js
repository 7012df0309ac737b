// A filter form marked data-apply-on-change applies as soon as one of its selects changes, and hides
// its "Filter" button (marked data-without-js), which stays for a browser without JavaScript.
// A file, not an inline script: the Content-Security-Policy allows the portal's own files only.
for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
  form.querySelector("[data-without-js]")?.setAttribute("hidden", "");
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => form.requestSubmit());
  }
}
