// Keyboard-first: "/" focuses the first search box, Enter moves to the next field in entry forms
// marked data-enter-advances (10-key entry), Escape clears a search field.
document.addEventListener("keydown", (e) => {
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) {
    const box = document.querySelector("[data-search-focus]");
    if (box) { e.preventDefault(); box.focus(); box.select?.(); }
  }
  if (e.key === "Enter" && typing && t.form && t.form.hasAttribute("data-enter-advances") && t.type !== "submit") {
    const fields = Array.from(t.form.querySelectorAll("input:not([type=hidden]):not([disabled]), select, button[type=submit]"));
    const i = fields.indexOf(t);
    if (i >= 0 && i < fields.length - 1) { e.preventDefault(); fields[i + 1].focus(); }
  }
});
