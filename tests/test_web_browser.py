"""The workbench in a real browser (issue 18): Debian's Chromium driven by Playwright against a
uvicorn server on 127.0.0.1 with the real worker pool.

An enterprise logs in, uploads a workbook with a located error and sees it, uploads the fixed
version and sees the report; a reviewer returns it with a comment; the enterprise sees the
comment.  Screenshots under tests/artifacts/web-*.png for a person to look at.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from openpyxl import load_workbook
from test_browser import ARGS, ARTIFACTS, CHROMIUM, _has_playwright

from greendc.authoring import synthetic
from greendc.web import store
from greendc.web.app import create_app
from greendc.web.security import hash_password

PASSWORD = "correct-horse-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    data = tmp_path_factory.mktemp("serve")
    db = store.open_store(data)
    store.add_user(db, "alice", "enterprise", "甲公司", hash_password(PASSWORD))
    store.add_user(db, "rita", "reviewer", None, hash_password(PASSWORD))
    db.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(data, jobs=1), host="127.0.0.1",
                                             port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert instance.started
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or not _has_playwright():
        pytest.skip("Chromium or Playwright not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _workbooks(folder):
    good = synthetic.write_demo_submission(folder / "site.xlsx", freq="1h")
    book = load_workbook(good)
    sheet = book["能耗数据"]
    assert "IT" in str(sheet["C1"].value)
    sheet["C6"] = "未抄"   # a reading typed as text: refused with its sheet, row and column
    bad = folder / "site-bad.xlsx"
    book.save(bad)
    return bad, good


def _login(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/submissions")


def _until(page, text: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while text not in page.content():
        assert time.monotonic() < deadline, f"{text!r} never appeared"
        time.sleep(1)
        page.reload()


def test_enterprise_and_reviewer_round_trip(server, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bad, good = _workbooks(tmp_path)
    errors: list[str] = []
    enterprise = browser.new_context(viewport={"width": 1100, "height": 1200}).new_page()
    enterprise.on("pageerror", lambda e: errors.append(str(e)))
    _login(enterprise, server, "alice")
    enterprise.set_input_files("input[name=file]", str(bad))
    enterprise.click("form[action='/submissions'] button[type=submit]")
    enterprise.wait_for_url(f"{server}/submissions/*")
    _until(enterprise, "未通过校验")
    text = enterprise.inner_text("main")
    assert "能耗数据" in text and "第 6 行" in text and "未抄" in text
    enterprise.screenshot(path=str(ARTIFACTS / "web-enterprise-error-zh.png"), full_page=True)
    enterprise.set_input_files("input[name=file]", str(good))
    enterprise.click("form[action$='/versions'] button[type=submit]")
    _until(enterprise, "评估报告")
    enterprise.screenshot(path=str(ARTIFACTS / "web-enterprise-versions-zh.png"),
                          full_page=True)
    enterprise.click("text=评估报告")
    enterprise.wait_for_load_state("load")
    assert "PUE" in enterprise.content()
    enterprise.screenshot(path=str(ARTIFACTS / "web-report-zh.png"))
    submission_url = enterprise.url.split("/report")[0]

    reviewer = browser.new_context(viewport={"width": 1100, "height": 1000}).new_page()
    reviewer.on("pageerror", lambda e: errors.append(str(e)))
    _login(reviewer, server, "rita")
    reviewer.goto(f"{server}/submissions?lang=en")
    assert "Review queue" in reviewer.content()
    reviewer.goto(submission_url + "?lang=en")
    reviewer.select_option("select[name=status]", "returned")
    reviewer.fill("textarea[name=comment]", "Please add the March 2025 IT meter photo.")
    reviewer.click("form[action$='/review'] button[type=submit]")
    reviewer.wait_for_load_state("load")
    assert "returned for correction" in reviewer.content()
    reviewer.screenshot(path=str(ARTIFACTS / "web-reviewer-en.png"), full_page=True)

    enterprise.goto(submission_url)
    text = enterprise.inner_text("main")
    assert "退回修改" in text and "Please add the March 2025 IT meter photo." in text
    enterprise.screenshot(path=str(ARTIFACTS / "web-enterprise-comment-zh.png"),
                          full_page=True)
    assert errors == []

