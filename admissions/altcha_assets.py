"""The ALTCHA widget's stylesheet and proof-of-work worker as files of our own, so the strict CSP holds.

altcha-django ships the widget (altcha 3.x, `altcha_django/altcha.min.js`), served from our static files.
Left to itself the bundle injects its stylesheet as a <style> element and starts its workers from blob: (or
data:) URLs, which the public pages' policy (style-src and script-src 'self', no 'unsafe-inline', no blob:)
refuses. Both are strings inside the bundle; `extract()` writes them out as static files, which
`static/admissions/js/applicant-forms.js` uses instead: a <link id="altcha-css"> (the bundle injects its
<style> only when no element has that id) and workers started from /static/. `manage.py vendor_altcha` runs it
after an upgrade; tests/admissions/test_altcha_assets.py fails while the shipped files differ from the bundle.
"""

import ast
import re
from pathlib import Path

import altcha_django
from django.conf import settings

BUNDLE = Path(altcha_django.__file__).parent / "static" / "altcha_django" / "altcha.min.js"
TARGET = Path(settings.BASE_DIR) / "admissions" / "static" / "admissions" / "altcha"

# The worker sources are single-quoted string constants, each followed by the Blob that wraps it.
WORKER = re.compile(r"""(?:const |,)\w+='(\(function\(\) \{.*?)',\w+="undefined"!=typeof self&&self\.Blob""", re.S)
STYLESHEET = re.compile(r"""!function\(e,t="altcha-css"\)\{.*?\}\('(.*?)'\)""", re.S)


def _decode(literal):
    """A JavaScript single-quoted string's value (its escapes are Python's too: \\n, \\', \\\\, \\uXXXX)."""
    return ast.literal_eval("'" + literal + "'")


def read_assets(bundle=BUNDLE):
    """{file name: text} of the stylesheet and the two proof-of-work workers (PBKDF2 and iterated SHA)."""
    source = bundle.read_text(encoding="utf-8")
    workers = [_decode(match.group(1)) for match in WORKER.finditer(source)]
    stylesheet = STYLESHEET.search(source)
    if len(workers) != 2 or stylesheet is None:
        raise ValueError(f"{bundle} no longer has the shape this extraction expects: check the new widget version")
    pbkdf2, sha = workers
    if "PBKDF2" not in pbkdf2 or "crypto.subtle.digest" not in sha:
        raise ValueError(f"{bundle}: the workers are not in the expected order")
    version = (bundle.parent / "altcha.min.js.VERSION").read_text().strip()
    note = f"altcha {version} (MIT), extracted from altcha_django/altcha.min.js by `manage.py vendor_altcha`"
    return {
        "altcha.css": f"/* {note} */\n{_decode(stylesheet.group(1))}\n",
        "worker-pbkdf2.js": f"// {note}\n{pbkdf2}\n",
        "worker-sha.js": f"// {note}\n{sha}\n",
    }


def extract(target=TARGET):
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in read_assets().items():
        (target / name).write_text(text, encoding="utf-8")
        written.append(target / name)
    return written
