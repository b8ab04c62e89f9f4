"""/docs and /redoc work on a laptop with no network: every asset they load is ours."""

import re

import pytest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client, page):
    html = client.get(page)
    assert html.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", html.text)
    assert urls, html.text
    for url in urls:
        assert url.startswith("/"), f"{page} loads {url}"
        assert client.get(url).status_code == 200, url
    assert "cdn" not in html.text.lower() and "fonts.googleapis" not in html.text
