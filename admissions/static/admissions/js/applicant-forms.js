// The applicants' forms (questions, open-house registration), as progressive enhancement.
//
// Without JavaScript a form is not shown: its proof-of-work cannot be solved, so the visitor sees the program's
// email address instead (the form's fallback paragraph). With it, this module loads the ALTCHA widget from our
// own static files, makes it start its workers from /static/ too (the bundle would start them from blob: URLs,
// which the strict Content-Security-Policy refuses), and then shows the form. Its stylesheet is a <link
// id="altcha-css"> in the page, so the bundle injects no <style> element (admissions/altcha_assets.py).
import "../../altcha_django/altcha.min.js";

const workers = {
    "PBKDF2/SHA-256": new URL("../altcha/worker-pbkdf2.js", import.meta.url),
    "PBKDF2/SHA-384": new URL("../altcha/worker-pbkdf2.js", import.meta.url),
    "PBKDF2/SHA-512": new URL("../altcha/worker-pbkdf2.js", import.meta.url),
    "SHA-256": new URL("../altcha/worker-sha.js", import.meta.url),
    "SHA-384": new URL("../altcha/worker-sha.js", import.meta.url),
    "SHA-512": new URL("../altcha/worker-sha.js", import.meta.url),
};
for (const [algorithm, url] of Object.entries(workers)) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(url));
}

for (const form of document.querySelectorAll("form[data-applicant-form]")) {
    const fallback = document.getElementById(form.dataset.fallback);
    if (fallback) fallback.hidden = true;
    form.hidden = false;
}
