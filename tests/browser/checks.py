"""What every page walk checks: axe-core's serious and critical WCAG 2.x A/AA violations, sideways
scrolling and requests to other hosts. Each page checked is saved to screenshots/ (CI artefacts, not committed)
as `<side>-<language>-<width>px-<page>.png`, e.g. `public-fr_CA-360px-status.png`: stable across runs, so a
reviewer can compare a page with its last run, and sorted so each side's pages sit together."""
from pathlib import Path

import axe_playwright_python

# The copy of axe-core shipped inside the axe-playwright-python package: nothing is fetched at run time.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"phone": {"width": 360, "height": 640}, "desktop": {"width": 1280, "height": 800}}
# The first few elements that reach past the right edge of the screen, to say what makes a page scroll.
WIDER_THAN_SCREEN = """() => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')); }"""


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page and return its serious and critical violations."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot_name(side: str, language: str, viewport: str, name: str) -> str:
    """Return the stable file name (without .png) of one walked page's screenshot."""
    return f"{side}-{language}-{VIEWPORTS[viewport]['width']}px-{name}"


def page_problems(page, label: str, viewport: str) -> list[str]:
    """Save the shown page's screenshot as `label`; return its axe violations and sideways scrolling."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{label}.png"), full_page=True)
    problems = [f"{label}: axe {v}" for v in axe_violations(page)]
    if page.evaluate("document.documentElement.scrollWidth") > VIEWPORTS[viewport]["width"]:
        wide = page.evaluate(WIDER_THAN_SCREEN)
        problems.append(f"{label}: scrolls sideways ({wide})")
    return problems


def outside_requests(page, live_server) -> list[str]:
    """Return the URLs the page requested from anywhere but the live server."""
    return [url for url in page.requested_urls if not url.startswith((live_server.url, "data:"))]
