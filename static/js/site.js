// Progressive enhancement only: every page works without this file.
// The phone menu is a <details> element, which opens and closes by itself; this adds what a menu is expected
// to do beyond that: Escape closes it (and returns focus to "Menu"), and so does a click outside it.
(() => {
    const menu = document.querySelector("details.menu");
    if (!menu) return;
    const toggle = menu.querySelector("summary");

    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && menu.open) {
            menu.open = false;
            toggle.focus();
        }
    });
    document.addEventListener("click", (event) => {
        if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
})();
