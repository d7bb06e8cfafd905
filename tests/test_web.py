"""greendc serve (issue 18): every route through Starlette's test client, with the real worker
pool.  Two enterprises (甲 and 乙) and a reviewer; what one organisation may not see is 404
through pages and API alike."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from starlette.testclient import TestClient

from greendc.authoring import synthetic
from greendc.web import store
from greendc.web.app import create_app
from greendc.web.security import hash_password

PASSWORD = "correct-horse-1"


@pytest.fixture(scope="module")
def monthly_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("web") / "site.xlsx"
    synthetic.write_demo_submission(path, freq="1h")
    return path.read_bytes()


@pytest.fixture()
def app(tmp_path):
    db = store.open_store(tmp_path)
    for name, role, org in (("alice", "enterprise", "甲公司"), ("bob", "enterprise", "乙公司"),
                            ("rita", "reviewer", None)):
        store.add_user(db, name, role, org, hash_password(PASSWORD))
    db.close()
    return create_app(tmp_path, jobs=1)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    page = client.get("/login")
    response = client.post("/login", data={"username": name, "password": password,
                                           "csrf": _csrf(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return _csrf(client.get("/submissions").text)


def token(client: TestClient, name: str) -> dict[str, str]:
    response = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


def upload(client: TestClient, csrf: str, data: bytes, name: str = "site.xlsx") -> int:
    response = client.post("/submissions", data={"csrf": csrf}, files={"file": (name, data)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def wait(client: TestClient, headers: dict, submission_id: int, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(f"/api/submissions/{submission_id}", headers=headers).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.3)
    raise AssertionError("not assessed in time")


def test_enterprise_uploads_sees_report_and_other_org_gets_404(app, monthly_bytes):
    with TestClient(app) as alice, TestClient(app) as bob, TestClient(app) as rita:
        csrf = login(alice, "alice")
        sid = upload(alice, csrf, monthly_bytes)
        body = wait(alice, token(alice, "alice"), sid)
        assert body["state"] == "done" and body["result"]["metrics"]["pue"]["value"] > 1
        page = alice.get(f"/submissions/{sid}")
        assert page.status_code == 200 and "PUE" in page.text
        for lang in ("zh", "en"):
            report = alice.get(f"/submissions/{sid}/report?lang={lang}")
            assert report.status_code == 200
            assert "script-src 'self'" in report.headers["content-security-policy"]
            assert alice.get(f"/submissions/{sid}/report?lang={lang}&kind=eligibility"
                             ).status_code == 200
            xlsx = alice.get(f"/submissions/{sid}/export.xlsx?lang={lang}")
            assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        # another organisation: 404 through every page and the API, as for no such id
        login(bob, "bob")
        for path in (f"/submissions/{sid}", f"/submissions/{sid}/report",
                     f"/submissions/{sid}/export.xlsx", f"/submissions/{sid}/report.pdf"):
            assert bob.get(path).status_code == 404, path
            assert bob.get(path.replace(str(sid), "999")).status_code == 404
        bob_api = token(bob, "bob")
        assert bob.get(f"/api/submissions/{sid}", headers=bob_api).status_code == 404
        assert bob.get("/api/submissions", headers=bob_api).json() == []
        assert bob.get(f"/submissions/{sid}/report", headers=bob_api).status_code == 404
        bob_csrf = _csrf(bob.get("/submissions").text)
        assert bob.post(f"/submissions/{sid}/versions", data={"csrf": bob_csrf},
                        files={"file": ("x.xlsx", monthly_bytes)}).status_code == 404
        # the reviewer sees it in the queue, the overview and the summary
        login(rita, "rita")
        assert f'href="/submissions/{sid}"' in rita.get("/submissions").text
        for query, shown in (("programme=gb40879-2021", True), ("programme=gb40879", False),
                             ("pue_max=1.0", False), ("pue_min=1.0&status=received", True),
                             ("status=accepted", False)):
            page = rita.get(f"/submissions?{query}").text
            assert (f'href="/submissions/{sid}"' in page) is shown, query
        assert rita.get("/queue/overview").status_code == 200
        assert rita.get("/queue/summary.xlsx").content[:2] == b"PK"
        assert rita.get("/audit").status_code == 200
        link = rita.get(f"/queue/reports/{sid}", follow_redirects=False)
        assert link.headers["location"] == f"/submissions/{sid}/report"
        assert rita.get(link.headers["location"]).status_code == 200
        assert alice.get("/queue/overview").status_code == 403
        assert alice.get("/", follow_redirects=False).headers["location"] == "/submissions"
        assert alice.get("/audit").status_code == 403
        assert alice.get("/template").content[:2] == b"PK"


def test_review_is_seen_by_the_enterprise_and_logged(app, monthly_bytes):
    with TestClient(app) as alice, TestClient(app) as rita:
        sid = upload(alice, login(alice, "alice"), monthly_bytes)
        rita_csrf = login(rita, "rita")
        response = rita.post(f"/submissions/{sid}/review",
                             data={"csrf": rita_csrf, "status": "returned",
                                   "comment": "请补充 2025 年 3 月的 IT 电量"},
                             follow_redirects=False)
        assert response.status_code == 303
        page = alice.get(f"/submissions/{sid}")
        assert "请补充 2025 年 3 月的 IT 电量" in page.text and "退回修改" in page.text
        # an enterprise may not review; the API review needs the reviewer's token
        alice_csrf = _csrf(page.text)
        assert alice.post(f"/submissions/{sid}/review", data={
            "csrf": alice_csrf, "status": "accepted"}).status_code == 403
        assert alice.post(f"/api/submissions/{sid}/review", json={"status": "accepted"},
                          headers=token(alice, "alice")).status_code == 403
        api = rita.post(f"/api/submissions/{sid}/review",
                        json={"status": "accepted", "comment": "ok"}, headers=token(rita, "rita"))
        assert api.json() == {"id": sid, "status": "accepted"}
        assert rita.post(f"/api/submissions/{sid}/review", json={"status": "approved"},
                         headers=token(rita, "rita")).status_code == 400
        log = rita.get("/audit").text
        assert "rita" in log and "审核" in log and "上传" in log


def test_forms_without_the_csrf_token_are_refused(app, monthly_bytes):
    with TestClient(app) as alice:
        csrf = login(alice, "alice")
        assert alice.post("/submissions", data={"csrf": "forged"},
                          files={"file": ("a.xlsx", monthly_bytes)}).status_code == 403
        assert alice.post("/submissions", files={"file": ("a.xlsx", monthly_bytes)}
                          ).status_code == 403
        assert alice.post("/logout", data={}).status_code == 403
        assert alice.post("/login", data={"username": "alice", "password": PASSWORD,
                                          "csrf": "x"}).status_code == 403
        assert alice.post("/logout", data={"csrf": csrf}, follow_redirects=False
                          ).status_code == 303
        assert alice.get("/submissions", follow_redirects=False).status_code == 303


def test_api_needs_a_valid_token(app):
    with TestClient(app) as client:
        assert client.get("/api/submissions").status_code == 401
        assert client.get("/api/submissions",
                          headers={"Authorization": "Bearer nonsense"}).status_code == 401
        login(client, "alice")   # a session cookie does not authorise the API
        assert client.get("/api/submissions").status_code == 401
        assert client.post("/api/login", json={"username": "alice", "password": "wrong"}
                           ).status_code == 401
        assert client.post("/api/login", content=b"[not json").status_code == 400


def test_login_attempts_are_limited_per_account(app):
    with TestClient(app) as client:
        for _ in range(5):
            assert client.post("/api/login", json={"username": "bob", "password": "no"}
                               ).status_code == 401
        blocked = client.post("/api/login", json={"username": "bob", "password": PASSWORD})
        assert blocked.status_code == 429       # even with the right password, for a while
        page = client.get("/login")
        assert client.post("/login", data={"username": "bob", "password": PASSWORD,
                                            "csrf": _csrf(page.text)}).status_code == 429
        assert client.post("/api/login", json={"username": "alice", "password": PASSWORD}
                           ).status_code == 200   # another account is not blocked


def test_disabled_accounts_lose_their_sessions(app, tmp_path):
    with TestClient(app) as client:
        login(client, "alice")
        headers = token(client, "alice")
        db = store.open_store(tmp_path)
        assert store.set_disabled(db, "alice")
        assert client.get("/api/submissions", headers=headers).status_code == 401
        assert client.get("/submissions", follow_redirects=False).status_code == 303


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 300_000_000)
    return buffer.getvalue()


def test_hostile_uploads_are_refused_or_neutralised(app, monthly_bytes, tmp_path):
    with TestClient(app) as alice:
        csrf = login(alice, "alice")
        headers = token(alice, "alice")
        huge = b"PK\x03\x04" + b"\0" * int(201e6)
        assert alice.post("/submissions", data={"csrf": csrf},
                          files={"file": ("big.xlsx", huge)}).status_code == 413
        assert alice.post("/submissions", data={"csrf": csrf},
                          files={"file": ("evil.exe", b"MZ...")}).status_code == 400
        assert alice.post("/submissions", data={"csrf": csrf},
                          files={"file": ("fake.xlsx", b"<html>")}).status_code == 400
        assert alice.post("/submissions", data={"csrf": csrf},
                          files={"file": ("../../etc/passwd.csv", b"a,b\n1,2\n")},
                          follow_redirects=False).status_code == 303
        assert not (tmp_path / "etc").exists()   # stored under its hash only
        assert all(re.fullmatch(r"[0-9a-f]{64}\.\w+", p.name)
                   for p in (tmp_path / "uploads").iterdir())
        bomb = upload(alice, csrf, _zip_bomb(), "bomb.xlsx")
        body = wait(alice, headers, bomb)
        assert body["state"] == "failed" and body["versions"][0]["errors"], body["versions"]
        # a facility name with a script and a formula: escaped on every page and report
        hostile = synthetic.write_demo_submission(
            tmp_path / "hostile.xlsx", freq="1h")
        from openpyxl import load_workbook

        book = load_workbook(hostile)
        sheet = book["基本信息"]
        assert "Facility name" in sheet["A2"].value
        sheet["B2"] = '<script>alert(1)</script>=HYPERLINK("http://x","y")'
        sheet["B3"] = '=HYPERLINK("http://evil.example","click")'
        sheet["B3"].data_type = "s"   # typed as text ('=...), as a prankster would
        book.save(hostile)
        sid = upload(alice, csrf, hostile.read_bytes(), "hostile.xlsx")
        done = wait(alice, headers, sid)
        assert done["state"] == "done", done["versions"][0]["errors"]
        for path in (f"/submissions/{sid}", f"/submissions/{sid}/report",
                     f"/submissions/{sid}/report?kind=eligibility", "/submissions"):
            html = alice.get(path).text
            assert "<script>alert(1)</script>" not in html
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        from openpyxl import load_workbook as load

        export = load(io.BytesIO(alice.get(f"/submissions/{sid}/export.xlsx").content))
        cells = [c.value for ws in export.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and "HYPERLINK" in c.value]
        assert cells and not any(c.startswith("=") for c in cells)   # text, not a formula
        assert alice.get("/login").status_code == 200   # the server still answers
