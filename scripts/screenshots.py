"""Take the README's screenshots in headless Chromium (Debian's /usr/bin/chromium).

    .venv/bin/python scripts/screenshots.py   # docs/screenshots/*.png, var/screenshots/*.png

It walks the README tour (tests/privacysite/test_readme_tour.py) on a throwaway database with
the demo data and saves a picture at each step, so the pictures show what the tour reaches.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    os.chdir(ROOT)
    os.environ["SCREENSHOTS_DIR"] = str(ROOT / "docs" / "screenshots")
    code = pytest.main(["-q", "-p", "no:cacheprovider", "tests/privacysite/test_readme_tour.py"])
    # The main pages in Vietnamese and English, to look at (not committed: var/ is ignored).
    os.environ["SCREENSHOTS_DIR"] = str(ROOT / "var" / "screenshots")
    code = code or pytest.main(
        ["-q", "-p", "no:cacheprovider", "tests/privacysite/test_main_pages_browser.py"]
    )
    sys.exit(code)
