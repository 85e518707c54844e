"""Secret pages are never cached, device features are fenced, and the audit address cannot be forged."""

from django.test import RequestFactory, override_settings

from canhve.core.middleware import client_ip


def test_signed_in_pages_and_the_api_are_not_stored(world):
    page = world.client("k01_officer").get("/")
    api = world.client("k01_officer").get("/api/accounts/me")
    for response in (page, api):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_every_response_carries_a_permissions_policy(client, db):
    response = client.get("/accounts/login/")
    assert "microphone=()" in response["Permissions-Policy"]


def test_a_forged_forwarded_header_does_not_change_the_client_address():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert client_ip(request) == "203.0.113.9"


@override_settings(FORWARDED_ALLOW_IPS=frozenset({"127.0.0.1"}))
def test_the_configured_proxy_is_believed():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 127.0.0.1"
    )
    assert client_ip(request) == "198.51.100.7"


def test_an_unknown_page_is_a_vietnamese_404_in_the_site_layout(world):
    response = world.client("k01_officer").get("/operations/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy" in html and 'class="topbar"' in html and "Traceback" not in html


def test_the_server_error_page_renders_without_a_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Lỗi hệ thống" in html and "nothing was saved" in html


def test_the_admin_cannot_move_a_record_around_its_life_cycle():
    from django.contrib import admin

    from canhve.operations.models import Operation
    from canhve.sites.models import SafePoint

    assert "status" in admin.site._registry[Operation].readonly_fields
    assert {"status", "score", "approved_by"} <= set(admin.site._registry[SafePoint].readonly_fields)
