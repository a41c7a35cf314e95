"""The API tokens page in a real browser, in English and Korean: make a token (its secret is
shown once), use it against the API over real HTTP, revoke it. Screenshots in `screenshots/`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.web.test_web_browser import Journey, browser, server  # noqa: F401 (fixtures)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_make_use_and_revoke_a_token(
    browser: object,  # noqa: F811
    server: str,  # noqa: F811
    language: str,
    tmp_path: Path,
) -> None:
    trip = Journey(browser, server, language, tmp_path)  # type: ignore[arg-type]
    page = trip.sign_in("north")
    page.click("a[href='/tokens']")
    page.wait_for_url(server + "/tokens")
    trip.check(page, "tokens-none")
    page.select_option("#unit", "W1")
    page.check("input[name=permission][value=submit]")
    page.fill("#days", "30")
    page.fill("#label", "intake robot")
    page.click("form[action='/tokens'] button[type=submit]")
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("mst_")
    trip.check(page, "token-made")
    me = httpx.get(server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json() == {"user": "north", "unit": "W1", "permissions": ["submit"]}
    page.goto(server + "/tokens")
    assert secret not in page.content() and "intake robot" in page.content()
    page.click("form[action$='/revoke'] button[type=submit]")
    page.wait_for_url(server + "/tokens?done=revoked")
    trip.check(page, "token-revoked")
    again = httpx.get(server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert again.status_code == 401
