"""A person using the service in Chromium, written as given/when/then steps.

Every page the person reaches is checked with axe-core against WCAG 2.2 AA (with JavaScript on;
axe needs it) and saved as a screenshot, so each journey covers its pages empty, with errors and
answered. Locators are the ones a person would use: labels, roles and visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD
from tests.two_factor_support import fresh_code, secret_of

CODE_LABEL = "Enter the 6-digit code from your authenticator app"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The one known exception (docs/adr/0004): the design system's conditional reveal puts
# aria-expanded on the radio that reveals it, which ARIA 1.2 does not list for role=radio. Only a
# node whose sole failure is exactly that is set aside; any other violation fails the test.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const designSystemConditionalReveal = (violation, node) => {
    if (violation.id !== 'aria-allowed-attr') return false;
    const el = document.querySelector(node.target.join(' '));
    const failures = [...node.all, ...node.any, ...node.none].filter(c => c.data);
    return el && el.matches('input[type=radio][aria-controls^="conditional-"]')
      && failures.length > 0
      && failures.every(c => (c.data.values || []).length > 0
        && c.data.values.every(d => String(d).startsWith('aria-expanded=')));
  };
  return result.violations
    .map(v => ({...v, nodes: v.nodes.filter(n => !designSystemConditionalReveal(v, n))}))
    .filter(v => v.nodes.length > 0)
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' '))
    }));
}"""


class AccessibilityViolation(AssertionError):
    pass


@dataclass
class BrowserUser:
    page: Page
    base_url: str
    screenshots: Path
    axe_source: str
    javascript: bool
    keyboard_only: bool = False
    pages_checked: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ checks on every page
    def check_page(self, state: str) -> None:
        """Run axe (0 violations allowed) and save a screenshot of the page in this state."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        title = self.page.title()
        index = len(self.pages_checked) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:60].strip("-")
        if self.javascript:
            self.page.evaluate("async () => { await document.fonts.ready; }")
        self.page.screenshot(
            path=self.screenshots / f"{index:02d}-{state}-{slug}.png", full_page=True
        )
        if self.javascript:
            self._run_axe(title, state)
        self.pages_checked.append(f"{state}: {title}")

    def _run_axe(self, title: str, state: str) -> None:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.axe_source)
        violations = self.page.evaluate(AXE_RUN, WCAG_22_AA)
        if violations:
            lines = [
                f"axe found {len(violations)} WCAG 2.2 AA violation(s) on '{title}' ({state}):"
            ]
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
                lines.extend(f"    at {target}" for target in v["targets"])
            raise AccessibilityViolation("\n".join(lines))

    def _arrived(self) -> None:
        self.page.wait_for_load_state("load")
        state = "with-errors" if self.page.locator(".nhsuk-error-summary").count() else "on-arrival"
        self.check_page(state)

    # ------------------------------------------------------------------ basic actions
    def visit(self, path_or_url: str) -> None:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        self.page.goto(url)
        self._arrived()

    def press_button(self, name: str) -> None:
        self._activate_and_arrive(self.page.get_by_role("button", name=name, exact=True))

    def follow_link(self, name: str, *, exact: bool = True) -> None:
        self._activate_and_arrive(self.page.get_by_role("link", name=name, exact=exact).first)

    def _activate_and_arrive(self, target: Locator) -> None:
        """Click it, or reach it with Tab and press Enter when keyboard-only; wait for the next
        page and check it."""
        with self.page.expect_navigation():
            if self.keyboard_only:
                self._tab_to(target)
                self.page.keyboard.press("Enter")
            else:
                target.click()
        self._arrived()

    def choose(self, label: str) -> None:
        radio = self.page.get_by_role("radio", name=label, exact=True)
        if not self.keyboard_only:
            radio.check()
            return
        name = radio.get_attribute("name")
        self._tab_to(self.page.locator(f'input[type="radio"][name="{name}"]'), any_of=True)
        for _ in range(12):
            if radio.is_checked():
                return
            self.page.keyboard.press("Space" if not self._group_has_checked(name) else "ArrowDown")
        raise AssertionError(f"could not choose {label!r} by keyboard")

    def _group_has_checked(self, name: str | None) -> bool:
        return self.page.locator(f'input[type="radio"][name="{name}"]:checked').count() > 0

    def fill(self, label: str | re.Pattern[str], text: str) -> None:
        box = (
            self.page.get_by_label(label, exact=True)
            if isinstance(label, str)
            else self.page.get_by_label(label)
        )
        if not self.keyboard_only:
            box.fill(text)
            return
        self._tab_to(box)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text) if len(text) < 300 else self.page.keyboard.insert_text(text)

    def tick(self, label: str) -> None:
        box = self.page.get_by_role("checkbox", name=label)
        if not self.keyboard_only:
            box.check()
            return
        self._tab_to(box)
        self.page.keyboard.press("Space")
        expect(box).to_be_checked()

    def _tab_to(self, target: Locator, *, any_of: bool = False, limit: int = 120) -> None:
        """Press Tab until the target (or, with any_of, one of its matches) has focus."""
        check = "els => els.includes(document.activeElement)"
        for _ in range(limit):
            if (
                target.evaluate_all(check)
                if any_of
                else target.evaluate("el => el === document.activeElement")
            ):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {target}")

    # ------------------------------------------------------------------ given
    def given_i_have_signed_in_as(self, email: str, lands_on: str = "Your applications") -> None:
        self.visit("/sign-in")
        self.when_i_sign_in_as(email)
        self.then_i_see_heading(lands_on)

    def when_i_sign_in_as(self, email: str) -> None:
        """Email and password on the sign-in page, then the second step: a code from the
        authenticator app when asked for one (tests/two_factor_support.py reads it), or "Do this
        later" when asked to set one up."""
        self.fill("Email address", email)
        self.fill("Password", PASSWORD)
        self.press_button("Sign in")
        heading = self.page.get_by_role("heading", level=1).inner_text()
        if heading.startswith(CODE_LABEL):
            self.fill(CODE_LABEL, fresh_code(secret_of(email)))
            self.press_button("Continue")
        elif heading == "Set up two-factor authentication":
            self.follow_link("Do this later")

    def given_i_have_started_an_application(
        self, scope: str = "Both (Consumer and Provider)"
    ) -> None:
        self.press_button("Start a new application")
        self.choose(scope)
        self.press_button("Start application")
        self.then_i_see_heading(re.compile(r"^Application NIR-"))
        self.follow_link("2. Governance Assurance")
        self.then_i_see_heading("Stage 2: Governance Assurance")

    # ------------------------------------------------------------------ when
    def when_i_answer(self, step: BrowserStep) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(step.heading[:60])
        for action, *args in step.actions:
            getattr(self, action)(*args)
        if step.actions:
            self.check_page("answered")
        self.press_button(step.button)

    def when_i_answer_all(self, steps: list[BrowserStep]) -> None:
        for step in steps:
            self.when_i_answer(step)

    def when_i_follow_the_error_to_its_field(self, message: str) -> None:
        """Follow the error summary's link (by keyboard when keyboard-only); focus lands on the
        field the error is about, as the design system promises."""
        link = self.page.locator(".nhsuk-error-summary").get_by_role("link", name=message)
        field_id = link.get_attribute("href").lstrip("#")
        if self.keyboard_only:
            self._tab_to(link)
            self.page.keyboard.press("Enter")
        else:
            link.click()
        expect(self.page.locator(f"#{field_id}")).to_be_focused()

    def when_i_submit(self) -> None:
        self.press_button("Accept and send")

    # ------------------------------------------------------------------ then
    def then_i_see_heading(self, text: str | re.Pattern[str]) -> None:
        # A question's h1 holds its caption ("Stage 2: … – question 8") before the question.
        heading = self.page.get_by_role("heading", level=1)
        if isinstance(text, str):
            expect(heading).to_contain_text(text)
        else:
            expect(heading).to_have_text(text)

    def then_i_see(self, text: str) -> None:
        expect(self.page.get_by_text(text, exact=False).first).to_be_visible()

    def then_i_do_not_see(self, text: str) -> None:
        expect(self.page.get_by_text(text, exact=False)).to_have_count(0)

    def then_i_see_the_error(self, message: str) -> None:
        expect(self.page).to_have_title(re.compile(r"^Error: "))
        summary = self.page.locator(".nhsuk-error-summary")
        expect(summary.get_by_role("heading")).to_have_text("There is a problem")
        link = summary.get_by_role("link", name=message)
        expect(link).to_be_visible()
        field_id = link.get_attribute("href").lstrip("#")
        expect(self.page.locator(f"#{field_id}")).to_be_attached()
        expect(self.page.locator(".nhsuk-error-message", has_text=message)).to_be_visible()
        if self.javascript:
            expect(summary).to_be_focused()  # the design system moves focus to the summary

    def then_i_see_the_confirmation(self) -> str:
        panel = self.page.locator(".nhsuk-panel")
        expect(panel.get_by_role("heading")).to_have_text("Stage 2 submitted")
        reference = re.search(r"NIR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", panel.inner_text())
        assert reference, "the confirmation shows a reference number"
        assert "<" not in panel.inner_text(), "no markup shows as text"
        expect(panel.locator("strong")).to_have_text(reference.group(0))
        self.then_i_see("What happens next")
        return reference.group(0)

    def select(self, label: str, option: str) -> None:
        box = self.page.get_by_label(label, exact=True)
        if self.keyboard_only:
            self._tab_to(box)
        box.select_option(label=option)

    def then_i_see_success(self, text: str) -> None:
        expect(self.page.get_by_test_id("success-banner")).to_contain_text(text)

    def then_i_see_important(self, text: str) -> None:
        """The design system's default notification banner, for what is done but no success."""
        banner = self.page.get_by_test_id("important-banner")
        expect(banner).to_contain_text("Important")
        expect(banner).to_contain_text(text)
        expect(self.page.get_by_test_id("success-banner")).to_have_count(0)

    def then_onboarding_is_paused_because(self, reason: str) -> None:
        banner = self.page.locator(".nhsuk-notification-banner")
        expect(banner).to_contain_text("Onboarding is paused")
        expect(banner).to_contain_text(reason)


@dataclass(frozen=True)
class BrowserStep:
    heading: str
    actions: list[tuple[str, ...]]
    button: str = "Save and continue"
