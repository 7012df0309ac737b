// The header on a phone or a tablet (under 1024 px): one line (name, "Menu", search) opening the
// menu that holds the links, the search and the language choice. Without this module the menu is simply always open.
// The language changes as soon as it is chosen, without the "Change" button.

const NARROW = window.matchMedia("(max-width: 1023.98px)"); // as portal.css

function setUpMenu(header) {
  const toggle = header.querySelector(".menu-toggle");
  const menu = header.querySelector("#site-menu");
  const searchLink = header.querySelector(".search-toggle");
  if (!toggle || !menu) return;
  header.classList.add("has-menu-toggle");
  toggle.hidden = false;

  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";

  toggle.addEventListener("click", () => {
    setOpen(!isOpen());
    if (isOpen()) menu.querySelector("a, button, input, select")?.focus();
  });
  if (searchLink) {
    searchLink.addEventListener("click", (event) => {
      if (!NARROW.matches) return;
      event.preventDefault();
      setOpen(true);
      document.getElementById(searchLink.dataset.focus)?.focus();
    });
  }
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      toggle.focus();
    }
  });
  NARROW.addEventListener("change", () => setOpen(false));
}

function setUpLanguage(form) {
  const select = form.querySelector("select");
  form.querySelector("[data-without-js]")?.setAttribute("hidden", "");
  select?.addEventListener("change", () => form.submit());
}

const header = document.querySelector(".site-header");
if (header) setUpMenu(header);
document.querySelectorAll("form[data-autosubmit]").forEach(setUpLanguage);
