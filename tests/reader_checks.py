"""What a reader of the built book meets on a desktop, a phone, paper and a screen reader.

:func:`inspect_view` runs in a loaded page and reports, for the view it is told it is in:

- formulas (MathJax containers) cut or clipped: beyond an ancestor that hides its overflow, beyond
  the page's edge, or (on paper, which cannot scroll) beyond a scroll box; on a phone, a formula
  in a scroll box with no visible sign that there is more (the book draws scroll shadows);
- any other text cut off by an ancestor that hides its overflow (on paper: any scroll box);
- a page wider than the phone's screen;
- images without real alt text (none, blank, a file name or a path);
- raw ``$`` or MyST markup left as text outside math and code;
- the count of formulas that scroll sideways (reported, not a failure).

:func:`axe_violations` runs axe-core 4.14.1 (``tools/axe``, installed by ``make setup`` with
``npm ci``) with the WCAG 2.0/2.1 A and AA tags and ``label-content-name-mismatch`` enabled
explicitly, and returns the serious and critical violations (MathJax's visually hidden MathML
copy, ``mjx-assistive-mml``, is left out of the run).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Rules whose result depends on the colours, run again in dark mode.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
PHONE = {"width": 390, "height": 844}
#: A4 (210 mm) less the book's print margins (15 mm each side), in CSS pixels (96 per inch).
PRINT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)
PRINT_HEIGHT = round((297 - 2 * 15) / 25.4 * 96)

INSPECT_VIEW_JS = r"""
async ({view, phoneWidth}) => {
  const out = {clipped: [], cut: [], noSign: [], scrolling: 0, pageWidth: 0, badAlt: [],
               rawText: []};
  const MJ = window.MathJax;
  if (MJ && MJ.startup && MJ.startup.promise) { try { await MJ.startup.promise; } catch (e) {} }
  await document.fonts.ready;
  const tex = new Map();
  if (MJ && MJ.startup && MJ.startup.document) {
    for (const item of MJ.startup.document.math) {
      if (item.typesetRoot) tex.set(item.typesetRoot, item.math.trim());
    }
  }
  const short = (s) => s.replace(/\s+/g, ' ').trim().slice(0, 70);
  const pageRight = document.documentElement.clientWidth;
  const hides = (ox) => ox === 'hidden' || ox === 'clip';
  const scrolls = (ox) => ox === 'auto' || ox === 'scroll';
  const hasSign = (el) => /gradient/.test(getComputedStyle(el).backgroundImage);
  // Formulas
  for (const c of document.querySelectorAll('mjx-container')) {
    // the formula's own box (mjx-math), which a scrolling or clipping container does not shrink
    const r = (c.querySelector('mjx-math') || c).getBoundingClientRect();
    if (!r.width) continue;
    const name = short(tex.get(c) || c.textContent);
    const kind = c.getAttribute('display') === 'true' ? 'display' : 'inline';
    let contained = false;
    for (let a = c; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (!hides(ox) && !scrolls(ox)) continue;
      const b = a.getBoundingClientRect();
      const beyond = Math.max(r.right - b.right, b.left - r.left);
      if (beyond <= 1) { contained = true; break; }
      const px = Math.round(beyond);
      if (hides(ox)) out.clipped.push(`${kind} formula clipped by ${px} px: ${name}`);
      else if (view === 'print') out.cut.push(`${kind} formula cut by ${px} px on paper: ${name}`);
      else {
        out.scrolling += 1;
        if (view === 'phone' && !hasSign(a)) {
          out.noSign.push(`${kind} formula scrolls ${px} px with no sign of more: ${name}`);
        }
      }
      contained = true;
      break;
    }
    if (!contained && r.right > pageRight + 1) {
      out.cut.push(`${kind} formula beyond the page edge by ${Math.round(r.right - pageRight)}`
                   + ` px: ${name}`);
    }
  }
  // Other text cut off
  const article = document.querySelector('main') || document.body;
  for (const el of article.querySelectorAll('*')) {
    // formulas are measured above (MathJax's hidden assistive copy would count here)
    if (el.closest('mjx-container, .math') || el.querySelector('mjx-container')) continue;
    const ox = getComputedStyle(el).overflowX;
    if (!(hides(ox) || (view === 'print' && scrolls(ox)))) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || !el.clientWidth) continue;
    const text = short(el.innerText || el.textContent);
    if (!text) continue;
    out.cut.push(`text cut by ${el.scrollWidth - el.clientWidth} px in <${el.tagName.toLowerCase()}`
                 + `${el.className ? ' class="' + el.className + '"' : ''}>: ${text}`);
  }
  out.pageWidth = document.documentElement.scrollWidth;
  // Images
  for (const img of document.images) {
    const alt = (img.getAttribute('alt') || '').trim();
    const src = img.getAttribute('src') || '';
    const fileName = /^\S+\.(png|jpe?g|gif|svg|webp)$/i.test(alt);
    if (!alt || alt === src || fileName || /^(\.{1,2})?\//.test(alt)) {
      out.badAlt.push(`image without real alt text (alt="${alt}"): ${src}`);
    }
  }
  // Raw $ or MyST markup outside math and code
  const skip = 'pre, code, script, style, noscript, template, textarea, .highlight, .math, '
             + 'mjx-container, .MathJax';
  const roles = 'eq|ref|numref|doc|math|cite|term|download|glue(:\\w+)?|prf:\\w+|exercise|'
              + 'solution|note|warning|admonition|figure|code-cell';
  const myst = new RegExp(`\\{(${roles})\\}|^\\s*(:::|\x60\x60\x60)|\\(\\s*[\\w-]+\\s*\\)=\\s*$`);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (!node.parentElement || node.parentElement.closest(skip)) continue;
    if (text.includes('$')) out.rawText.push(`raw $ in the text: ${short(text)}`);
    else if (myst.test(text)) out.rawText.push(`MyST markup in the text: ${short(text)}`);
  }
  return out;
}
"""

AXE_RUN_JS = r"""
async ({tags, rules}) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  else {
    options.runOnly = {type: 'tag', values: tags};
    options.rules = {'label-content-name-mismatch': {enabled: true}};
  }
  // MathJax's visually hidden MathML copy for screen readers has no colours or controls to
  // check; leaving it out halves axe's time on a page of formulas.
  const result = await axe.run({exclude: [['mjx-assistive-mml']]}, options);
  return {version: axe.version, violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => [n.target.join(' '),
                               (n.failureSummary || '').split('\n').slice(1, 2).join(' ').trim()]),
  }))};
}
"""

SET_DARK_JS = """
() => {
  // no colour transitions: axe must measure the final colours, not ones halfway there
  if (!document.getElementById('sce-no-transitions')) {
    const style = document.createElement('style');
    style.id = 'sce-no-transitions';
    style.textContent = '*, *::before, *::after { transition: none !important; }';
    document.head.appendChild(style);
  }
  document.documentElement.dataset.theme = 'dark';
  document.documentElement.dataset.mode = 'dark';
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}
"""


def inspect_view(tab, view: str) -> dict:
    """Run the layout, alt-text and raw-markup checks in ``tab`` for ``view``.

    ``view`` is ``"desktop"``, ``"phone"`` or ``"print"``; returns the lists of
    :data:`INSPECT_VIEW_JS`.
    """
    return tab.evaluate(INSPECT_VIEW_JS, {"view": view, "phoneWidth": PHONE["width"]})


def view_problems(found: dict, view: str) -> list[str]:
    """The failures among what :func:`inspect_view` found, each prefixed by the view."""
    problems = [*found["clipped"], *found["cut"], *found["noSign"]]
    if view == "phone" and found["pageWidth"] > PHONE["width"]:
        problems.append(f"page is {found['pageWidth']} px wide, the phone {PHONE['width']} px")
    if view != "print":  # the same elements in every view: reported once each
        problems += found["badAlt"] if view == "desktop" else []
        problems += found["rawText"] if view == "desktop" else []
    return [f"{view}: {p}" for p in problems]


def axe_violations(tab, *, dark: bool = False) -> list[str]:
    """Serious and critical axe-core violations on the page open in ``tab``, one line per rule.

    Light mode runs every rule of :data:`AXE_TAGS` (``label-content-name-mismatch`` enabled
    explicitly); ``dark=True`` switches the theme to dark and runs the colour rules again.
    """
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make setup` (npm ci in tools/axe)")
    if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
        tab.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    if dark:
        tab.evaluate(SET_DARK_JS)
    result = tab.evaluate(AXE_RUN_JS, {"tags": AXE_TAGS, "rules": COLOUR_RULES if dark else None})
    if result["version"] != AXE_VERSION:
        raise RuntimeError(f"axe-core {result['version']} loaded, {AXE_VERSION} pinned")
    mode = "dark" if dark else "light"
    lines = []
    for v in result["violations"]:
        if v["impact"] not in {"serious", "critical"}:
            continue
        where = "; ".join(target for target, _ in v["nodes"][:4])
        why = v["nodes"][0][1]
        lines.append(
            f"axe ({mode}): {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s): "
            f"{v['help']}: {where}. First: {why}".rstrip()
        )
    return lines


def summary(counts: dict[str, dict[str, int]]) -> str:
    """The per-page counts as JSON lines (for the report at the end of the module)."""
    return "\n".join(json.dumps({"page": page, **c}) for page, c in counts.items())


SET_LIGHT_JS = SET_DARK_JS.replace("'dark'", "'light'")
#: Waits two frames, so that the layout (and _static/book.js) has followed a change of media.
SETTLE_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _elements(violations: list[str]) -> int:
    """How many elements the lines of :func:`axe_violations` name in all."""
    return sum(int(re.search(r" on (\d+) element", line).group(1)) for line in violations)


def _counts(found: dict, view: str) -> dict[str, int]:
    return {
        f"{view}_clipped": len(found["clipped"]),
        f"{view}_cut": len(found["cut"]),
        f"{view}_no_sign": len(found["noSign"]),
        f"{view}_scrolling": found["scrolling"],
    }


def _shoot(tab, screenshots: Path | None, view: str, page: str) -> None:
    """A full-page screenshot, ``<view>/<page>.jpg`` (JPEG: half the time of a PNG)."""
    if screenshots is not None:
        shot = screenshots / view / f"{page}.jpg"
        shot.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=shot, full_page=True, type="jpeg", quality=80)


def desktop_and_print(tab, page: str, screenshots: Path | None = None) -> tuple[list[str], dict]:
    """The desktop checks (1280 px), axe in light and dark mode, then the print view (A4 width).

    ``tab`` shows the loaded page at desktop width; it is left in print media. Returns the
    problems and the counts.
    """
    desktop = inspect_view(tab, "desktop")
    problems = view_problems(desktop, "desktop")
    light, dark = axe_violations(tab), axe_violations(tab, dark=True)
    tab.evaluate(SET_LIGHT_JS)
    tab.emulate_media(media="print")
    tab.set_viewport_size({"width": PRINT_WIDTH, "height": PRINT_HEIGHT})
    tab.evaluate(SETTLE_JS)
    printed = inspect_view(tab, "print")
    _shoot(tab, screenshots, "print", page)
    problems += view_problems(printed, "print") + light + dark
    counts = _counts(desktop, "desktop") | _counts(printed, "print")
    counts |= {"bad_alt": len(desktop["badAlt"]), "raw_text": len(desktop["rawText"])}
    counts |= {"axe_light": _elements(light), "axe_dark": _elements(dark)}
    return problems, counts


def phone(browser, url: str, page: str, screenshots: Path | None = None) -> tuple[list[str], dict]:
    """Open ``url`` as a phone (390 px, mobile emulation) and check it; problems and counts."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    try:
        tab = context.new_page()
        tab.goto(url, wait_until="load")
        # MathJax's promise resolves first for _static/book.js, which marks wide formulas
        found = inspect_view(tab, "phone")
        _shoot(tab, screenshots, "phone", page)
    finally:
        context.close()
    counts = _counts(found, "phone") | {"phone_width": found["pageWidth"]}
    return view_problems(found, "phone"), counts
