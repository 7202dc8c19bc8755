"""The link rule (orderDetailsUrl, productUrl): examples and properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from receipts.validation.links import MAX_LINK_LENGTH, REFUSED_SCHEMES, link_problem

DANGEROUS = sorted(REFUSED_SCHEMES)
BLANKS_AND_CONTROLS = [chr(c) for c in range(0x21)] + ["\x7f", "\u00a0", "\u2028", "\u202e"]


def browser_scheme(link: str) -> str:
    """The scheme as the WHATWG URL parser reads it: leading and trailing C0 controls and
    spaces stripped, tabs and newlines removed anywhere, then everything before ':'."""
    cleaned = link.strip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "")
    return cleaned.split(":", 1)[0].lower() if ":" in cleaned else ""


def mixed_case(draw, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))


@st.composite
def dangerous_links(draw) -> str:
    scheme = mixed_case(draw, draw(st.sampled_from(DANGEROUS)))
    rest = draw(st.text(min_size=1, max_size=40))
    link = f"{scheme}:{rest}"
    if draw(st.booleans()):  # hide it the way attackers do: blanks or controls anywhere
        at = draw(st.integers(0, len(link)))
        link = link[:at] + draw(st.sampled_from(BLANKS_AND_CONTROLS)) + link[at:]
    return link


@st.composite
def app_links(draw) -> str:
    first = draw(st.sampled_from(string.ascii_letters))
    tail = draw(st.text(string.ascii_lowercase + string.digits + "+.-", max_size=15))
    scheme = first + tail
    if scheme.lower() in REFUSED_SCHEMES or scheme.lower() == "https":
        scheme = "x" + scheme
    rest = draw(st.text(string.ascii_letters + string.digits + "/?#=&%._~-", min_size=1))
    return f"{scheme}:{rest}"


@settings(max_examples=400)
@given(st.text(max_size=80) | dangerous_links() | app_links() | urls())
def test_an_accepted_link_is_https_with_a_host_or_a_harmless_app_scheme(link):
    if link_problem(link) is not None:
        return
    assert len(link) <= MAX_LINK_LENGTH
    assert not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in link)
    scheme = browser_scheme(link)
    assert scheme and scheme not in REFUSED_SCHEMES
    if scheme == "https":
        authority = link.split("://", 1)[1].split("/", 1)[0]
        assert authority and "@" not in authority


@settings(max_examples=300)
@given(dangerous_links())
def test_a_dangerous_scheme_is_refused_in_any_case_and_disguise(link):
    assert link_problem(link) is not None


@settings(max_examples=300)
@given(app_links())
def test_an_app_link_with_a_plain_scheme_is_accepted(link):
    assert link_problem(link) is None


# urls() draws only http and https links: Hypothesis' default 100 examples see both schemes
# about fifty times each, the only thing this rule tells apart (a urls() draw is slow).
@given(urls())
def test_web_links_are_accepted_exactly_when_they_are_https(link):
    assert (link_problem(link) is None) == link.startswith("https://")


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("", "must not be empty"),
        ("http://shop.no", "scheme 'http:' is not allowed"),
        ("javascript:alert(1)", "scheme 'javascript:' is not allowed"),
        ("https://shop.no@evil.example", "must not contain a user name or password"),
        ("https://exa mple.no", "whitespace or control"),
        ("shop.no/order", "absolute https:// URL or an app link"),
        ("https://" + "a" * 2050, "at most 2048 characters"),
        ("https://[::1", "valid https:// URL"),
    ],
)
def test_each_refusal_says_why(link, reason):
    assert reason in link_problem(link)
