"""Accessibility checks run inside the page: axe-core when installed, and our own rules always.

Our own rules cover what matters most here and what axe leaves as "moderate":
the language, one h1 and no skipped heading levels, a visible label on every
field, each error message next to its field and tied to it, a summary at the
top, and WCAG AA text contrast (so the suite still checks contrast without npm).
"""

from __future__ import annotations

from playwright.sync_api import Page

OWN_RULES = r"""
(options) => {
  const problems = [];
  const say = (rule, el, detail) => problems.push(
    rule + ': ' + (el ? el.outerHTML.slice(0, 140).replace(/\s+/g, ' ') : '') + (detail ? ' — ' + detail : ''));
  const shown = el => el.checkVisibility ? el.checkVisibility({visibilityProperty: true}) : !!el.offsetParent;
  const onScreen = el => {
    const r = el.getBoundingClientRect();
    return shown(el) && r.width > 1 && r.height > 1 && r.right > 0 && r.left < document.documentElement.scrollWidth + 1;
  };

  if (document.documentElement.lang !== 'zh-CN') say('lang', null, 'html lang is "' + document.documentElement.lang + '"');
  if (!document.title.trim()) say('title', null, 'empty <title>');

  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(shown);
  const h1s = headings.filter(h => h.tagName === 'H1');
  if (h1s.length !== 1) say('one-h1', null, h1s.length + ' h1 elements');
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (level > previous + 1) say('heading-order', h, 'h' + level + ' after h' + previous);
    previous = level;
  }

  const fields = [...document.querySelectorAll('input, select, textarea')].filter(el =>
    !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) &&
    !el.closest('[aria-hidden=true]') && shown(el));
  for (const el of fields) {
    const labels = [...(el.labels || [])].filter(l => onScreen(l) && l.textContent.trim());
    if (!labels.length) say('visible-label', el, 'no visible <label>');
  }

  const errors = [...document.querySelectorAll('.field .error, .field.invalid')].filter(shown);
  const fieldsWithError = new Set(errors.map(e => e.closest('.field')));
  for (const box of fieldsWithError) {
    const control = box.querySelector('input:not([type=hidden]), select, textarea');
    if (!control) continue;
    if (control.getAttribute('aria-invalid') !== 'true') say('error-aria-invalid', control, 'aria-invalid missing');
    const described = (control.getAttribute('aria-describedby') || '').split(/\s+/)
      .map(id => id && document.getElementById(id)).filter(Boolean);
    const message = described.find(el => (el.matches('.error') || el.querySelector('.error')) &&
                                         shown(el) && el.textContent.trim());
    if (!message) say('error-next-to-field', control, 'no visible message tied to the field by aria-describedby');
  }
  if (fieldsWithError.size && options.summary) {
    const summary = document.querySelector('.error-summary, [role=alert]');
    if (!summary) say('error-summary', null, 'field errors without a summary at the top');
    else {
      const firstError = [...fieldsWithError][0];
      if (summary.compareDocumentPosition(firstError) & Node.DOCUMENT_POSITION_PRECEDING)
        say('error-summary', summary, 'summary comes after the first error');
    }
  }

  // WCAG AA contrast of text against the nearest opaque background.
  const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c && c.a >= 0.99) return c;
      if (getComputedStyle(node).backgroundImage !== 'none') return null;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!t.textContent.trim() || seen.has(el) || !onScreen(el) || el.closest('[aria-hidden=true], option')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const fg = rgb(style.color), bg = background(el);
    if (!fg || !bg) continue;
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5) - 0.01) say('contrast', el, 'ratio ' + ratio.toFixed(2));
  }
  return problems;
}
"""

AXE_RUN = """
async () => {
  const late = new Promise((_, fail) => setTimeout(() => fail(new Error('axe.run took over 30 s')), 30000));
  const result = await Promise.race([axe.run(document, {resultTypes: ['violations']}), late]);
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.impact + ' ' + v.id + ' (' + v.help + '): ' +
         v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}
"""

FOCUS_RING = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
               (style.boxShadow && style.boxShadow !== 'none');
  return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.name || el.id || '').trim().slice(0, 30),
          ring: !!ring};
}
"""


def open_all_details(page: Page) -> None:
    """Check what people see once they open 提意见, 联系方式 and the other folded parts."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def own_problems(page: Page, *, summary: bool = True) -> list[str]:
    return page.evaluate(OWN_RULES, {"summary": summary})


def axe_problems(page: Page, axe_source: str) -> list[str]:
    """Serious and critical axe-core violations. The app's CSP forbids inline script,
    so axe is evaluated as an expression rather than added as a <script> tag."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(AXE_RUN)


def check_page(page: Page, axe_source: str | None, *, summary: bool = True) -> list[str]:
    """Every problem on the page as it is now, prefixed with its address.

    The page must allow script: axe's timers never fire in a context with
    JavaScript disabled (block app.js with page.route to see the no-JS pages).
    """
    open_all_details(page)
    where = page.url.split("//", 1)[-1].split("/", 1)[-1]
    found = [f"/{where}: {p}" for p in own_problems(page, summary=summary)]
    if axe_source:
        found += [f"/{where}: axe {p}" for p in axe_problems(page, axe_source)]
    return found


def focus_walk(page: Page, steps: int = 25) -> list[dict]:
    """Press Tab ``steps`` times; what had focus each time and whether it showed a ring."""
    seen = []
    for _ in range(steps):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_RING)
        if info:
            seen.append(info)
    return seen
