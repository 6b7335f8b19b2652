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

// The directory's filters are a disclosure, closed at first so a phone shows results on its first screen; on a wide
// screen they sit beside the results, so open them there.
(() => {
    const wide = window.matchMedia("(min-width: 60rem)");
    for (const details of document.querySelectorAll("details[data-open-when-wide]")) {
        if (wide.matches) details.open = true;
    }
})();
