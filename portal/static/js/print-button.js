/* Buttons marked data-print open the browser's print dialog (no inline onclick: the
   Content-Security-Policy allows scripts from the portal's own files only). */
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}
