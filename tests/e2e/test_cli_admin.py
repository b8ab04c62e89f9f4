"""``avisa apikey list|revoke`` and ``avisa subscribers import`` as an operator uses them."""

import json

from tests.e2e.test_cli import avisa


def test_apikey_list_and_revoke(client, settings):
    key = avisa(settings, "apikey", "create", "--name", "ana", "--role", "viewer").stdout
    key = key.strip().splitlines()[-1]
    listed = [json.loads(line) for line in avisa(settings, "apikey", "list").stdout.splitlines()]
    assert [(k["name"], k["role"], k["revoked_at"]) for k in listed] == [("ana", "viewer", None)]
    assert key not in json.dumps(listed)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/zones", headers=headers).status_code == 200
    done = avisa(settings, "apikey", "revoke", str(listed[0]["id"]))
    assert done.returncode == 0, done.stderr
    assert client.get("/api/v1/zones", headers=headers).status_code == 401
    assert avisa(settings, "apikey", "revoke", "999").returncode == 1


def test_subscribers_import_shows_progress_and_the_result(db, settings, tmp_path):
    rows = ["phone,name,language,roles,zones"] + [
        f"+1323555{i:04d},Vol {i},es,responder," for i in range(2500)
    ]
    rows.append("nonsense,Bad,es,responder,")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows))
    done = avisa(settings, "subscribers", "import", str(path))
    assert done.returncode == 1  # one row refused
    result = json.loads(done.stdout)
    assert result["created"] == 2500 and [e["row"] for e in result["errors"]] == [2502]
    assert "1000 rows" in done.stderr and "2000 rows" in done.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("phone,name\n+13235550101,José\n".encode("latin-1"))
    bad = avisa(settings, "subscribers", "import", str(latin))
    assert bad.returncode == 2 and "UTF-8" in bad.stderr
