"""Compiled translations: a production install builds its .mo files (they are not in git).

Without them the site says ``vi`` and shows English. ``manage.py compile_translations``
(polib, no gettext needed) is a release step and part of ``setup_site``; the deploy check
below (``check --deploy``) warns while a catalogue is missing or older than its .po file.
"""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core import checks


def catalogues() -> list[Path]:
    """The project's catalogues and those of our apps that keep their own (``dpo/locale``)."""
    ours = [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR)
    ]
    folders = {Path(folder) for folder in settings.LOCALE_PATHS} | set(ours)
    return sorted(p for folder in folders for p in folder.glob("*/LC_MESSAGES/*.po"))


def translations_compile() -> list[tuple[Path, int]]:
    done = []
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        done.append((po_path, po.percent_translated()))
    return done


def stale_catalogues() -> list[Path]:
    stale = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            stale.append(po_path)
    return stale


@checks.register(checks.Tags.translation, deploy=True)
def check_translations_compiled(app_configs=None, **kwargs):
    return [
        checks.Warning(
            f"{po_path.name} in {po_path.parent} is not compiled, or older than its .mo: "
            "the site would show English.",
            hint="Run `manage.py compile_translations` (a release step).",
            id="privacysite.W102",
        )
        for po_path in stale_catalogues()
    ]
