"""System tests: Debian's Chromium driven by Playwright against the live app."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import missing_prerequisite

# Playwright's sync API runs an event loop in this thread; the live server's database work is
# still synchronous, so Django must be told that is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPOSITORY = Path(__file__).resolve().parents[2]
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPOSITORY / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _no_email_address_or_typed_text_in_the_logs(monkeypatch):
    """Issue 27: no log line written during a system test holds an email address or an answer
    the test typed (tests/system/log_privacy.py)."""
    from tests.system.log_privacy import watch_logs

    with watch_logs(monkeypatch) as watch:
        yield
    if found := watch.findings():
        pytest.fail("Log lines hold personal data:\n" + "\n".join(found[:10]))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing_prerequisite(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        missing_prerequisite(f"axe-core is not installed at {AXE} (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")


def new_context(browser, *, javascript: bool, bypass_csp: bool = True):
    context = browser.new_context(
        java_script_enabled=javascript,
        # axe is injected into the page, which the service's CSP rightly refuses: tests only.
        bypass_csp=bypass_csp,
        viewport={"width": 1024, "height": 900},
    )
    # The NHS webfonts come from assets.nhs.uk, which this machine cannot reach; fail fast.
    context.route(re.compile(r"^https://assets\.nhs\.uk/"), lambda route: route.abort())
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def people(transactional_db, fixed_today):
    """Two organisations, each with a member, and an NHS England reviewer."""
    from accounts.models import UserKind
    from accounts.services import organisation_create, user_create
    from tests.conftest import PASSWORD
    from tests.two_factor_support import give_authenticator

    trust = organisation_create(name="Northern Imaging Trust", ods_code="RNI", actor=None)
    supplier = organisation_create(name="Southern Scans Ltd", ods_code="8AB12", actor=None)
    reviewer = user_create(
        email="reviewer@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    # Staff must sign in with two-factor: the reviewer has an authenticator app, whose codes
    # BrowserUser.when_i_sign_in_as enters. The applicants have none, and do it later.
    give_authenticator(reviewer)
    return {
        "trust": user_create(
            email="ig.lead@northern.example", password=PASSWORD, organisation=trust, actor=None
        ),
        "supplier": user_create(
            email="pm@southern.example", password=PASSWORD, organisation=supplier, actor=None
        ),
        "reviewer": reviewer,
    }


@pytest.fixture(params=["javascript", "no-javascript"])
def javascript(request):
    return request.param == "javascript"


@pytest.fixture
def me(browser, axe_source, live_server, people, javascript, request):
    from tests.system.browser_user import BrowserUser

    context = new_context(browser, javascript=javascript)
    name = re.sub(r"[^a-zA-Z0-9_-]+", "-", request.node.name).strip("-")
    user = BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / name,
        axe_source=axe_source,
        javascript=javascript,
    )
    yield user
    context.close()
