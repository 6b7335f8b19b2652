"""The largest image each upload accepts, uploaded and made into renditions, in real processes: peak memory
under 150 MB each.

Each step runs in a fresh Python process, as the app server and the task worker do, and reports the growth of
its resident memory at its peak (the kernel's VmHWM, against the resident size just before the step):
Pillow's pixel buffers are not Python allocations, so tracemalloc alone would not see them.
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from PIL import Image

MEMORY_LIMIT_MB = 150

STEP = r"""
import io, json, os, sys, time
from PIL import Image
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images.models import Filter
from core.models import CustomImage
from core.tasks import background_rendition_specs
from core.uploads import clean_image_file, read_image_header

step, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def peak_resident():
    # VmHWM, this process's own peak since exec (getrusage's ru_maxrss also counts the parent it was forked from)
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

# Warm, as a running server or worker is: every image plugin and encoder library loaded (tens of MB of code).
tiny = io.BytesIO()
Image.new("RGB", (64, 80)).save(tiny, "JPEG")
warm = CustomImage(title="warm", width=64, height=80, file="original_images/warm.jpg", collection_id=1)
for spec in background_rendition_specs():
    warm.generate_rendition_instance(Filter(spec=spec), io.BytesIO(tiny.getvalue()))
warm_upload = SimpleUploadedFile("warm.jpg", tiny.getvalue(), "image/jpeg")
clean_image_file(warm_upload, read_image_header(warm_upload))

before = resident()
started = time.perf_counter()
if step == "upload":
    upload = SimpleUploadedFile(os.path.basename(path), data, "application/octet-stream")
    cleaned, header = clean_image_file(upload, read_image_header(upload))
    open(path + ".stored", "wb").write(cleaned.read())
    size = [header.width, header.height]
else:  # the renditions the task worker makes of a new image, one at a time as core.tasks.generate_renditions does
    with Image.open(io.BytesIO(data)) as stored:
        size = list(stored.size)
    image = CustomImage(title="probe", width=size[0], height=size[1], file="original_images/probe.jpg", collection_id=1)
    filters = [Filter(spec=spec) for spec in background_rendition_specs()]
    made = [image.generate_rendition_instance(f, io.BytesIO(data)) for f in filters]
    assert len(made) == len(filters)
peak = peak_resident()
print(json.dumps({"mb": (peak - before) / 2**20, "seconds": time.perf_counter() - started, "size": size}))
"""


def run_step(step, path):
    """Runs STEP in a new process; its last line of output is the step's figures."""
    completed = subprocess.run(
        [sys.executable, "-c", STEP, step, str(path)],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin", "PYTHONPATH": "."},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def largest_jpeg(path):
    """30 million pixels (the JPEG budget), 6,708 x 4,472, as a high-end camera writes."""
    Image.radial_gradient("L").resize((6708, 4472)).convert("RGB").save(path, "JPEG", quality=90)


def largest_png(path):
    """10 million pixels (the budget of types decoded whole), 3,162 x 3,162, with an alpha channel."""
    Image.radial_gradient("L").resize((3162, 3162)).convert("RGBA").save(path, "PNG", compress_level=1)


@pytest.mark.parametrize("make", [largest_jpeg, largest_png], ids=["jpeg-30MP", "png-10MP-rgba"])
def test_the_largest_accepted_image_and_its_renditions_stay_under_150_mb(make, tmp_path):
    original = tmp_path / f"largest.{'jpg' if make is largest_jpeg else 'png'}"
    make(original)
    upload = run_step("upload", original)
    renditions = run_step("renditions", f"{original}.stored")
    print(
        f"\n{original.name}: upload +{upload['mb']:.0f} MB in {upload['seconds']:.1f} s, stored {upload['size']}; "
        f"renditions +{renditions['mb']:.0f} MB in {renditions['seconds']:.1f} s"
    )
    assert max(upload["size"]) == 2560  # stored at most 2,560 px a side
    assert upload["mb"] < MEMORY_LIMIT_MB, upload
    assert renditions["mb"] < MEMORY_LIMIT_MB, renditions
