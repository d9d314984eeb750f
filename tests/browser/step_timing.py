"""How long a step takes as the person sees it: from the press of its button to the next page's
load event, measured by the browser (issue 19: under a second), and where that time went."""

_PRESS_TO_LOAD = """(clicked) => { const nav = performance.getEntriesByType('navigation')[0];
    return performance.timeOrigin + nav.loadEventEnd - clicked; }"""
_PARTS = """() => { const n = performance.getEntriesByType('navigation')[0];
    return {step_and_redirect: Math.round(n.redirectEnd - n.redirectStart),
            next_page: Math.round(n.responseEnd - n.requestStart), load: Math.round(n.loadEventEnd)}; }"""


def press_and_time(page, button) -> tuple[float, dict]:
    """Press ``button`` (which submits and navigates); the milliseconds from the press to the next
    page's load event, and their parts (the POST and its redirect, the next page, its load)."""
    clicked = page.evaluate("() => Date.now()")  # a stopwatch in the browser, not a date
    with page.expect_navigation():
        button.click()
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    return page.evaluate(_PRESS_TO_LOAD, clicked), page.evaluate(_PARTS)
