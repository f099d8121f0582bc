"""Who may download a dossier follows from what it holds (issue 31, finding 1): the board
reads the DPIA it signs but not the inspection pack's incidents and access-log extract, and
every download is written to the access log."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.core.roles import Role
from customers.models import AccessLogEntry
from dpo.contents import COUNTS, ROWS
from dpo.models import DossierVersion
from dpo.services.dossiers import dossier_generate

pytestmark = pytest.mark.django_db

TABLES = r'(?:FROM|JOIN)\s+"([a-z0-9_]+)"'


def models_read(kind) -> set[str]:
    by_table = {}
    for model in apps.get_models(include_auto_created=True):
        # A many-to-many table counts as the model that declares it (auth.User's groups).
        owner = model._meta.auto_created or model
        by_table[model._meta.db_table] = owner._meta.label
    with CaptureQueriesContext(connection) as queries:
        dossier_generate(kind=kind, actor=None)
    read = set()
    for query in queries.captured_queries:
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
            read.update(by_table.get(name, name) for name in re.findall(TABLES, query["sql"]))
    return read


@pytest.mark.slow
@pytest.mark.parametrize("kind", DossierVersion.Kind.values)
def test_each_dossier_reads_only_what_its_contents_declare(live_data, kind):
    proxies = {m._meta.label: m._meta.concrete_model._meta.label for m in apps.get_models()}
    declared = {proxies.get(label, label) for label in (*ROWS[kind], *COUNTS[kind])}
    undeclared = {proxies.get(label, label) for label in models_read(kind)} - declared
    assert undeclared == set()


def download(client, version):
    return client.get(reverse("admin:dpo_dossier_download", args=[version.pk]))


@pytest.mark.slow
def test_the_board_downloads_the_dpia_not_the_inspection_pack(live_data, staff_client):
    dpia = dossier_generate(kind="dpia", actor=None)
    pack = dossier_generate(kind="inspection", actor=None)
    board = staff_client(Role.BOARD)
    before = AccessLogEntry.objects.count()
    assert download(board, pack).status_code == 403
    listed = board.get(reverse("admin:dpo_dossierversion_changelist")).context["cl"].result_list
    assert pack not in listed and dpia in listed
    assert AccessLogEntry.objects.count() == before  # refused: nothing was read
    answer = download(board, dpia)
    assert answer.status_code == 200
    b"".join(answer.streaming_content)
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.action, entry.actor.username) == ("export", answer.wsgi_request.user.username)
    assert entry.reason == f"dossier dpia v{dpia.number} download"


@pytest.mark.slow
def test_the_dpo_downloads_the_inspection_pack_and_the_download_is_logged(live_data, staff_client):
    pack = dossier_generate(kind="inspection", actor=None)
    dpo = staff_client(Role.DPO)
    answer = download(dpo, pack)
    assert answer.status_code == 200
    b"".join(answer.streaming_content)
    assert AccessLogEntry.objects.filter(
        action="export", reason=f"dossier inspection v{pack.number} download"
    ).exists()
