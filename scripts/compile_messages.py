"""Compile every locale/*/LC_MESSAGES/*.po into .mo with polib (no gettext install needed)."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

# The project's catalogue and each app's own (api/locale/...).
for po_path in sorted(
    [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]
):
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path.relative_to(ROOT)}: {po.percent_translated()}% translated")
