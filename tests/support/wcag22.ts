/**
 * WCAG 2.2 checks that axe-core does not make, run in Chromium on a loaded page. Each returns the
 * problems found as readable lines (an empty array: none), so several checks run on one page load.
 *
 *   targetSize        2.5.8 Target Size (Minimum), with its spacing, inline and equivalent exceptions
 *   focusWalk         2.4.11 Focus Not Obscured (Minimum) and 2.4.7/1.4.11 a visible focus indicator,
 *                     Tab by Tab through the whole page
 *   textSpacing       1.4.12 with the WCAG text-spacing bookmarklet's CSS: nothing clipped, no sideways scrolling
 *   reflow            1.4.10 at the current viewport (320×800, and 320×256 for 1280×1024 at 400 % zoom)
 *   forcedColors      forced-colors (Windows high contrast) mode: controls keep borders, focus stays
 *                     visible, the current page in a navigation is marked by more than colour
 *   reducedMotion     2.3.3 / motion only for those who have not asked for less: under
 *                     prefers-reduced-motion no animation runs and no transition is declared
 */
import type { Page } from "playwright-core";
import { inspectFocus, rememberUnfocused } from "./focus";

/** The minimum target size of WCAG 2.5.8, in CSS px. */
export const MIN_TARGET = 24;

/** Everything a pointer or the keyboard can operate. */
const INTERACTIVE =
  "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex='-1'])";

/**
 * 2.5.8: every target at least 24×24 CSS px, unless
 *  - spacing: a 24 px circle centred on it meets no other target and no other undersized target's circle;
 *  - inline: a link inside a sentence (display inline, its block has more text than the link);
 *  - equivalent: a checkbox or radio button whose label (which operates it too) is large enough.
 * Hidden and visually hidden elements (1×1 px, clipped) are not targets.
 */
export function targetSize(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ selector, min }) => {
      const describe = (e: Element) => {
        const text = (e.getAttribute("aria-label") ?? (e as HTMLElement).innerText ?? e.getAttribute("value") ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
        return `<${e.tagName.toLowerCase()}${e.id ? ` id="${e.id}"` : ""}${e.getAttribute("class") ? ` class="${e.getAttribute("class")}"` : ""}${e.getAttribute("href") ? ` href="${e.getAttribute("href")}"` : ""}>${text ? ` "${text}"` : ""}`;
      };
      const visible = (e: Element, r: DOMRect) => {
        if (r.width <= 1 || r.height <= 1) return false;
        const cs = getComputedStyle(e);
        if (cs.visibility === "hidden" || cs.display === "none") return false;
        // off-screen parking (the skip link until it has the focus)
        if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return false;
        return !e.closest(".visually-hidden");
      };
      const blockOf = (e: Element): Element => {
        for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).display !== "inline") return p;
        return document.body;
      };
      const inSentence = (e: Element) => {
        if (getComputedStyle(e).display !== "inline") return false;
        const own = (e.textContent ?? "").replace(/\s+/g, " ").trim();
        const around = (blockOf(e).textContent ?? "").replace(/\s+/g, " ").trim();
        // the surrounding text is more than the link and a separator
        return around.replace(own, "").replace(/[\s·|,;:()–-]/g, "").length > 0;
      };
      const labelOk = (e: Element) => {
        if (!(e instanceof HTMLInputElement) || !["checkbox", "radio"].includes(e.type)) return false;
        return Array.from(e.labels ?? []).some((l) => {
          const r = l.getBoundingClientRect();
          return r.width >= min && r.height >= min;
        });
      };
      const targets = Array.from(document.querySelectorAll(selector))
        .map((e) => ({ e, r: e.getBoundingClientRect() }))
        .filter(({ e, r }) => visible(e, r))
        // a control inside another target (a button in a summary, an input in a label) is measured as part of it
        .filter(({ e }) => !e.parentElement?.closest(selector));
      const small = targets.filter(({ e, r }) => (r.width < min - 0.01 || r.height < min - 0.01) && !inSentence(e) && !labelOk(e));
      const centre = (r: DOMRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
      const distanceToRect = (p: { x: number; y: number }, r: DOMRect) => {
        const dx = Math.max(r.left - p.x, 0, p.x - r.right);
        const dy = Math.max(r.top - p.y, 0, p.y - r.bottom);
        return Math.hypot(dx, dy);
      };
      const problems: string[] = [];
      for (const s of small) {
        const c = centre(s.r);
        const clash =
          targets.find((t) => t.e !== s.e && !t.e.contains(s.e) && !s.e.contains(t.e) && distanceToRect(c, t.r) < min / 2 - 0.01) ??
          small.find((t) => t.e !== s.e && Math.hypot(centre(t.r).x - c.x, centre(t.r).y - c.y) < min - 0.01);
        if (clash) {
          problems.push(
            `${describe(s.e)} is ${s.r.width.toFixed(1)}×${s.r.height.toFixed(1)} px and its 24 px circle meets ${describe(clash.e)} (${clash.r.width.toFixed(1)}×${clash.r.height.toFixed(1)} px)`,
          );
        }
      }
      return problems;
    },
    { selector: INTERACTIVE, min: MIN_TARGET },
  );
}

export interface WalkResult {
  stops: number;
  problems: string[];
}

/**
 * Tabs through the page from the top (at most `limit` stops, until the focus comes round again):
 * at every stop the focused element must not be entirely hidden — some of it inside the viewport
 * and not covered by anything else (checked with elementFromPoint on a grid over its visible part)
 * — and must show a focus indicator with 3:1 contrast (tests/support/focus.ts).
 */
export async function focusWalk(page: Page, { limit = 120, backwards = false } = {}): Promise<WalkResult> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await rememberUnfocused(page);
  const problems: string[] = [];
  const seen = new Set<string>();
  let stops = 0;
  let first = "";
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const where = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const path = (e: Element): string => (e.parentElement ? `${path(e.parentElement)}>${e.tagName}:${Array.from(e.parentElement.children).indexOf(e)}` : e.tagName);
      const r = el.getBoundingClientRect();
      const left = Math.max(r.left, 0);
      const right = Math.min(r.right, innerWidth);
      const top = Math.max(r.top, 0);
      const bottom = Math.min(r.bottom, innerHeight);
      let hits = 0;
      const coveredBy = new Set<string>();
      if (right > left && bottom > top) {
        for (let gx = 0; gx < 5; gx++) {
          for (let gy = 0; gy < 5; gy++) {
            const x = left + ((right - left) * (gx + 0.5)) / 5;
            const y = top + ((bottom - top) * (gy + 0.5)) / 5;
            const hit = document.elementFromPoint(x, y);
            if (!hit) continue;
            const label = el instanceof HTMLInputElement && Array.from(el.labels ?? []).some((l) => l.contains(hit));
            if (hit === el || el.contains(hit) || hit.contains(el) || label) hits++;
            else coveredBy.add(`<${hit.tagName.toLowerCase()}${hit.getAttribute("class") ? ` class="${hit.getAttribute("class")}"` : ""}>`);
          }
        }
      }
      return {
        key: path(el),
        visibleArea: Math.max(0, right - left) * Math.max(0, bottom - top),
        hits,
        coveredBy: [...coveredBy],
        rect: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)} in ${innerWidth}×${innerHeight}`,
      };
    });
    if (!where) {
      if (stops > 0) break; // back on the document after the last element
      continue;
    }
    if (where.key === first || seen.has(where.key)) break;
    if (!first) first = where.key;
    seen.add(where.key);
    stops++;
    const stop = await inspectFocus(page);
    if (where.visibleArea === 0) problems.push(`${stop.element}: focused but entirely outside the viewport (${where.rect})`);
    else if (where.hits === 0) problems.push(`${stop.element}: focused but entirely covered by ${where.coveredBy.join(", ")} (${where.rect})`);
    if (stop.indicator.length === 0) problems.push(`${stop.element}: no visible focus indicator${stop.weak.length ? ` (too faint: ${stop.weak.join("; ")})` : ""}`);
  }
  return { stops, problems };
}

/** The CSS of the WCAG 1.4.12 text-spacing bookmarklet (Steve Faulkner's), as the Understanding document uses it. */
export const TEXT_SPACING_CSS =
  "*{line-height:1.5!important;letter-spacing:.12em!important;word-spacing:.16em!important}p{margin-bottom:2em!important}";

/** 1.4.12: with the text spacing applied, no text is cut off by its box and nothing scrolls sideways. */
export async function textSpacing(page: Page): Promise<string[]> {
  const tag = await page.addStyleTag({ content: TEXT_SPACING_CSS });
  try {
    return await page.evaluate(() => {
      const problems: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls sideways: ${doc.scrollWidth} px content in ${doc.clientWidth} px`);
      for (const el of Array.from(document.body.querySelectorAll("*"))) {
        if (el.closest(".visually-hidden") || !(el as HTMLElement).innerText?.trim()) continue;
        const cs = getComputedStyle(el);
        const clipsX = ["hidden", "clip"].includes(cs.overflowX);
        const clipsY = ["hidden", "clip"].includes(cs.overflowY);
        if (!clipsX && !clipsY) continue;
        const e = el as HTMLElement;
        if (e.clientWidth <= 1 && e.clientHeight <= 1) continue;
        const cutY = clipsY && e.scrollHeight > e.clientHeight + 1;
        const cutX = clipsX && e.scrollWidth > e.clientWidth + 1;
        if (cutY || cutX || (cs.textOverflow === "ellipsis" && e.scrollWidth > e.clientWidth)) {
          problems.push(
            `<${e.tagName.toLowerCase()}${e.getAttribute("class") ? ` class="${e.getAttribute("class")}"` : ""}> cuts its text off: ${e.scrollWidth}×${e.scrollHeight} px of content in ${e.clientWidth}×${e.clientHeight} px`,
          );
        }
      }
      return problems;
    });
  } finally {
    await tag.evaluate((el) => (el as Element).remove());
  }
}

/** 1.4.10: nothing to scroll sideways at the current viewport width; lists what sticks out. */
export function reflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const rtl = getComputedStyle(document.documentElement).direction === "rtl";
    const out = [`${document.documentElement.scrollWidth} px wide content in a ${width} px viewport`];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (rtl ? r.left < -0.5 : r.right > width + 0.5)) {
        const cls = el.getAttribute("class");
        out.push(`<${el.tagName.toLowerCase()}${cls ? ` class="${cls}"` : ""}> spans ${Math.round(r.left)}…${Math.round(r.right)} px`);
      }
    }
    return out.slice(0, 8);
  });
}

/**
 * Forced colors (emulated: `forced-colors: active`): every button-like control and text field keeps
 * a border (backgrounds and shadows are gone in this mode), a focused link, button and field shows
 * an outline, a checkbox or radio button keeps the system's own look (its checked state), and the
 * current page in a navigation (aria-current) differs from its neighbours by more than colour.
 */
export async function forcedColors(page: Page): Promise<string[]> {
  await page.emulateMedia({ forcedColors: "active" });
  try {
    const problems = await page.evaluate(() => {
      const out: string[] = [];
      if (!matchMedia("(forced-colors: active)").matches) return ["forced-colors emulation did not take effect"];
      const describe = (e: Element) =>
        `<${e.tagName.toLowerCase()}${e.id ? ` id="${e.id}"` : ""}${e.getAttribute("class") ? ` class="${e.getAttribute("class")}"` : ""}${e.getAttribute("type") ? ` type="${e.getAttribute("type")}"` : ""}>`;
      const shown = (e: Element) => {
        const r = e.getBoundingClientRect();
        return r.width > 1 && r.height > 1 && !e.closest(".visually-hidden") && getComputedStyle(e).visibility !== "hidden";
      };
      const bordered = (cs: CSSStyleDeclaration) =>
        (["Top", "Right", "Bottom", "Left"] as const).every(
          (s) => cs.getPropertyValue(`border-${s.toLowerCase()}-style`) !== "none" && parseFloat(cs.getPropertyValue(`border-${s.toLowerCase()}-width`)) >= 1,
        );
      const controls = Array.from(document.querySelectorAll("button, input, select, textarea, .button")).filter(shown);
      for (const c of controls) {
        const cs = getComputedStyle(c);
        const type = c.getAttribute("type");
        if (c instanceof HTMLInputElement && ["checkbox", "radio"].includes(c.type)) {
          if (cs.appearance === "none") out.push(`${describe(c)} has appearance:none: its checked state is drawn by the page, not the system`);
          continue;
        }
        if (c instanceof HTMLInputElement && type === "hidden") continue;
        // a link-styled button (underlined text) reads as a link, as links do in this mode
        if (cs.textDecorationLine.includes("underline")) continue;
        if (!bordered(cs)) out.push(`${describe(c)} has no border in forced colors: ${cs.borderStyle} ${cs.borderWidth}`);
      }
      // focus: one of each kind of focusable element
      const kinds = ["a[href]", "button", "input[type=text], input[type=email], input:not([type])", "input[type=checkbox]", "input[type=radio]", "select", "textarea", "summary"];
      for (const k of kinds) {
        const el = Array.from(document.querySelectorAll<HTMLElement>(k)).find(shown);
        if (!el) continue;
        el.focus();
        const cs = getComputedStyle(el);
        const holder = el.matches(":focus-within") ? el.closest(".input") ?? el : el;
        const hcs = holder === el ? cs : getComputedStyle(holder);
        const outlined = (s: CSSStyleDeclaration) => s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
        if (!outlined(cs) && !outlined(hcs)) out.push(`${describe(el)} shows no outline when focused in forced colors (${cs.outlineStyle} ${cs.outlineWidth})`);
        el.blur();
      }
      // the current item of a navigation is told apart by more than its colour
      for (const current of Array.from(document.querySelectorAll("[aria-current]")).filter(shown)) {
        const nav = current.closest("nav, ul, ol") ?? current.parentElement!;
        const other = Array.from(nav.querySelectorAll(current.tagName)).find((o) => o !== current && !o.hasAttribute("aria-current") && shown(o));
        if (!other) continue;
        const a = getComputedStyle(current);
        const b = getComputedStyle(other);
        const differs =
          a.fontWeight !== b.fontWeight ||
          a.textDecorationLine !== b.textDecorationLine ||
          a.borderBottomStyle !== b.borderBottomStyle ||
          a.borderInlineStartStyle !== b.borderInlineStartStyle ||
          a.outlineStyle !== b.outlineStyle;
        if (!differs) out.push(`${describe(current)} (aria-current) looks like its neighbours but for colour`);
      }
      return out;
    });
    return problems;
  } finally {
    await page.emulateMedia({ forcedColors: "none" });
  }
}

/**
 * Under prefers-reduced-motion: reduce (the caller emulates it), nothing moves: no running
 * animation (document.getAnimations()), no element declaring an animation or a transition that
 * takes time, no smooth scrolling.
 */
export function reducedMotion(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (!matchMedia("(prefers-reduced-motion: reduce)").matches) return ["prefers-reduced-motion emulation did not take effect"];
    for (const a of document.getAnimations()) out.push(`a running animation: ${(a as CSSAnimation).animationName ?? a.constructor.name}`);
    const seconds = (v: string) => Math.max(0, ...v.split(",").map((t) => (t.trim().endsWith("ms") ? parseFloat(t) / 1000 : parseFloat(t))));
    for (const el of [document.documentElement, ...Array.from(document.body.querySelectorAll("*"))]) {
      for (const pseudo of [null, "::before", "::after"]) {
        const cs = getComputedStyle(el, pseudo);
        const where = `<${el.tagName.toLowerCase()}${el.getAttribute("class") ? ` class="${el.getAttribute("class")}"` : ""}>${pseudo ?? ""}`;
        if (cs.animationName !== "none" && seconds(cs.animationDuration) > 0) out.push(`${where} declares the animation ${cs.animationName}`);
        if (cs.transitionProperty !== "none" && seconds(cs.transitionDuration) + seconds(cs.transitionDelay) > 0) out.push(`${where} declares a transition of ${cs.transitionProperty} (${cs.transitionDuration})`);
      }
      if (getComputedStyle(el).scrollBehavior === "smooth") out.push(`<${el.tagName.toLowerCase()}> scrolls smoothly`);
    }
    return [...new Set(out)].slice(0, 12);
  });
}
