import pytest

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_at_root(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Chào mừng" in html
    assert settings.ORGANISATION["address"] in html


def test_home_is_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Welcome to" in html


def test_language_switcher_moves_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/"
    assert "Welcome to" in response.content.decode()
