package webtest

import (
	"context"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// a11yAudit is a small accessibility check run in the page. It returns a
// list of problems: missing lang, not exactly one h1, form controls without
// a label, images without alt, buttons and links without an accessible
// name, duplicate ids, forms without a live region for errors, no main
// landmark or skip link, text below WCAG AA contrast (4.5:1, 3:1 for large
// text), and horizontal overflow of the viewport.
const a11yAudit = `(() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
  if (!document.documentElement.lang) problems.push('html has no lang');
  const h1s = [...document.querySelectorAll('h1')].filter(visible);
  if (h1s.length !== 1) problems.push(h1s.length + ' visible h1 elements, want 1');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const byLabel = el.labels && [...el.labels].some((l) => l.textContent.trim() !== '');
    if (!byLabel && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) problems.push('unlabelled control ' + (el.name || el.id || el.type));
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt: ' + img.getAttribute('src'));
  for (const el of document.querySelectorAll('button, a[href], [role=button]')) {
    const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || '').trim();
    if (!name) problems.push('control without an accessible name: ' + el.outerHTML.slice(0, 80));
  }
  const ids = new Set();
  for (const el of document.querySelectorAll('[id]')) { if (ids.has(el.id)) problems.push('duplicate id ' + el.id); ids.add(el.id); }
  for (const f of document.querySelectorAll('form')) if (!f.querySelector('[role=alert], [aria-live]')) problems.push('form without a live region for errors');
  if (!document.querySelector('main')) problems.push('no main landmark');
  if (!document.querySelector('a[href="#main"]')) problems.push('no skip link');
  const rgb = (s) => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c && c.a === 1) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || !n.textContent.trim() || !visible(el)) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    const fg = rgb(cs.color); if (!fg) continue;
    const bg = bgOf(el);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) problems.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ' for "' + n.textContent.trim().slice(0, 40) + '"');
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('page is wider than the viewport: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
  return problems;
})()`

// AuditA11y runs the accessibility check on the tab's current page and
// returns the problems found (none is an empty list).
func AuditA11y(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yAudit))
}

// WatchCSP makes every page later loaded in the tab record the Content
// Security Policy violations it reports; read them with CSPViolations.
func WatchCSP(ctx context.Context) error {
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`,
	})
	return err
}

// CSPViolations returns the violations the current page recorded since it
// loaded (WatchCSP must have been called before it loaded).
func CSPViolations(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations || []`))
}
