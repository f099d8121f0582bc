"""The admin's JavaScript catalogue (date picker, calendar, the two-box filter of the group
and user screens) is served in Vietnamese, including the strings Django 5.2 leaves out."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def catalogue(client):
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    text = response.content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", text, re.S).group(1))


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Today", "Hôm nay"),
        ("Now", "Bây giờ"),
        ("Monday", "Thứ Hai"),
        ("Sunday", "Chủ nhật"),
        ("Choose all %s", "Chọn tất cả %s"),
        ("Remove all %s", "Bỏ tất cả %s"),
        ("(click to clear)", "(bấm để xóa)"),
    ],
)
def test_the_admin_javascript_speaks_vietnamese(staff_client, english, vietnamese):
    assert catalogue(staff_client(superuser=True)).get(english) == vietnamese
