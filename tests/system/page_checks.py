"""Checks on every page a person reaches in a walk through the service, on top of BrowserUser's
axe check (WCAG 2.2 AA, 0 violations) and screenshot:

- no markup shown as text: the page's visible text as the browser renders it (``innerText``,
  after its scripts, and its title) holds no tag (``<span class=…``, ``<p>``, ``</strong>``,
  ``<br>``), no escaped entity (``&lt;``, ``&amp;``, ``&quot;``, ``&#39;``) and no internal
  question id (``c_…``, ``s_…``), by the same patterns as tests/visible_check.py, which reads
  every page the test client gets; what the walk types holds none of them;
- its height at 1280 px wide, kept for the pages' length checks;
- nothing refused by the Content Security Policy: the walk keeps the service's CSP (no
  ``bypass_csp``), as a person's browser does; axe goes in through Playwright's ``evaluate``,
  over the DevTools protocol, which the CSP does not govern, so axe needs no bypass either;
- no page missed: every page the browser loads is recorded as it loads (Playwright's ``load``
  event), and ``Walk.then_every_page_loaded_was_checked`` fails on any that no step checked.

Screenshots go to test-artifacts/screenshots/<walk>/NN-person-state-title.png, numbered across
everyone in the walk, so that the folder reads as the walk did."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.visible_check import FINDINGS

WIDTH = 1280
# A question page with its answer typed in, before it is saved: the page checked on arrival, whose
# axe check and screenshot with answers in are the applicant journeys' (test_applicant_journeys);
# here only its text is checked, which keeps the walk within its time.
TEXT_ONLY = {"answered"}


class MarkupShownAsText(AssertionError):
    pass


def markup_shown_as_text(text: str) -> list[str]:
    """Each fragment of ``text`` that a person should never read, with what it is."""
    found = []
    for what, pattern in FINDINGS:
        for match in pattern.finditer(text):
            start, end = max(match.start() - 40, 0), min(match.end() + 40, len(text))
            context = " ".join(text[start:end].split())
            found.append(f"{what} {match.group(0)!r} in “…{context}…”")
    return found


@dataclass
class Walk:
    """What the walk has seen so far, shared by everyone in it."""

    name: str
    directory: Path = field(init=False)
    heights: dict[str, dict[str, object]] = field(default_factory=dict)
    people: list[WatchedUser] = field(default_factory=list)
    count: int = 0

    def __post_init__(self) -> None:
        self.directory = ARTIFACTS / self.name
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)

    def person(self, browser, axe_source: str, live_server_url: str, name: str) -> WatchedUser:
        """A new person in their own browser (cookies of their own), 1280 px wide, JavaScript
        on (axe needs it)."""
        context = new_context(browser, javascript=True, bypass_csp=False)
        page = context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": 900})
        user = WatchedUser(
            page=page,
            base_url=live_server_url,
            screenshots=self.directory,
            axe_source=axe_source,
            javascript=True,
            person=name,
            walk=self,
        )
        page.on("load", lambda loaded: user.loaded.append(_path(loaded.url)))
        page.on(
            "console",
            lambda message: (
                user.refused_by_csp.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        self.people.append(user)
        return user

    def close(self) -> None:
        for user in self.people:
            user.page.context.close()

    def then_every_page_loaded_was_checked(self) -> None:
        missed = []
        for user in self.people:
            unchecked = Counter(user.loaded) - Counter(user.checked)
            missed.extend(f"{user.person}: {path}" for path in unchecked.elements())
        assert not missed, "pages loaded that no step checked:\n  " + "\n  ".join(missed)

    def heights_report(self) -> str:
        """Each page's scroll height at 1280 px, printed and kept as heights.json beside the
        screenshots."""
        (self.directory / "heights.json").write_text(json.dumps(self.heights, indent=2))
        lines = [f"Page heights at {WIDTH} px wide ({len(self.heights)} pages):"]
        lines.extend(
            f"  {entry['height']:>6} px  {name}  {entry['path']}"
            for name, entry in self.heights.items()
        )
        return "\n".join(lines)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class WatchedUser(BrowserUser):
    person: str = ""
    walk: Walk | None = None
    loaded: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    refused_by_csp: list[str] = field(default_factory=list)

    def check_page(self, state: str) -> None:
        """Markup shown as text fails first (the cheapest check, and the one this walk is for),
        then a Content Security Policy violation; then the screenshot and height are kept and
        axe runs."""
        assert self.walk is not None
        title = self.page.title()
        path = _path(self.page.url)
        where = f"'{title}' ({path}, {self.person}, {state})"
        text = self.page.evaluate("() => document.title + '\\n' + document.body.innerText")
        found = markup_shown_as_text(text)
        if found:
            raise MarkupShownAsText(f"markup shown as text on {where}:\n  " + "\n  ".join(found))
        refused, self.refused_by_csp[:] = list(self.refused_by_csp), []
        assert not refused, f"the Content Security Policy refused something on {where}: {refused}"
        if state in TEXT_ONLY:
            return
        self.walk.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:60].strip("-")
        name = f"{self.walk.count:03d}-{self.person}-{state}-{slug}"
        self.page.evaluate("async () => { await document.fonts.ready; }")
        self.page.screenshot(path=self.walk.directory / f"{name}.png", full_page=True)
        height = self.page.evaluate("() => document.documentElement.scrollHeight")
        self.walk.heights[name] = {"path": path, "height": height}
        self._run_axe(title, state)
        self.pages_checked.append(f"{state}: {title}")

    def _arrived(self) -> None:
        super()._arrived()
        self.checked.append(_path(self.page.url))
