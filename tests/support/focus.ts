/**
 * Keyboard checks shared by the browser journeys: what the focused element is, whether it is on
 * screen, and what makes its focus visible (compared with how it looks unfocused).
 */
import type { Page } from "playwright-core";

export interface Stop {
  element: string;
  inMain: boolean;
  href: string | null;
  id: string;
  type: string | null;
  name: string | null;
  onScreen: boolean;
  indicator: string[];
  weak: string[];
}

/**
 * Records how every focusable element looks without focus, to compare each Tab stop against.
 * Called on each new page, before the first key press there.
 */
export async function rememberUnfocused(page: Page) {
  await page.evaluate(() => {
    const looks = new Map<Element, { outline: string; boxShadow: string; backgroundColor: string }>();
    for (const el of Array.from(document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]"))) {
      if (el === document.activeElement) continue;
      const cs = getComputedStyle(el);
      looks.set(el, {
        outline: `${cs.outlineStyle}|${cs.outlineWidth}|${cs.outlineColor}`,
        boxShadow: cs.boxShadow,
        backgroundColor: cs.backgroundColor,
      });
    }
    (window as unknown as { __unfocusedLooks: typeof looks }).__unfocusedLooks = looks;
  });
}

/**
 * The focused element and what makes its focus visible: an outline (at least 2 px), a box
 * shadow or a background colour that the element does not have without focus (app.css uses all
 * three) — each counted only when it contrasts at least 3:1 with what is next to it (WCAG 1.4.11:
 * a focus indicator is visual information needed to see a component's state).
 */
export function inspectFocus(page: Page): Promise<Stop> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA | null => {
      const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const lum = ([r, g, b]: RGBA) => {
      const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const contrast = (a: RGBA, b: RGBA) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const hex = ([r, g, b]: RGBA) => "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
    const backgroundBehind = (el: Element | null): RGBA => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) return c;
      }
      return [255, 255, 255, 1];
    };

    const el = document.activeElement as HTMLElement | null;
    const describe = (e: HTMLElement) => {
      const text = (e.getAttribute("aria-label") ?? e.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
      return `<${e.tagName.toLowerCase()}${e.id ? ` id="${e.id}"` : ""}${e.getAttribute("class") ? ` class="${e.getAttribute("class")}"` : ""}${e.getAttribute("type") ? ` type="${e.getAttribute("type")}"` : ""}${e.getAttribute("href") ? ` href="${e.getAttribute("href")}"` : ""}>${text ? ` "${text}"` : ""}`;
    };
    if (!el || el === document.body || el === document.documentElement) {
      return { element: "(nothing: the document)", inMain: false, href: null, id: "", type: null, name: null, onScreen: false, indicator: [], weak: ["no element has the focus"] };
    }
    const looks = (window as unknown as { __unfocusedLooks?: Map<Element, { outline: string; boxShadow: string; backgroundColor: string }> })
      .__unfocusedLooks?.get(el) ?? { outline: "none|0px|rgba(0, 0, 0, 0)", boxShadow: "none", backgroundColor: "rgba(0, 0, 0, 0)" };
    const cs = getComputedStyle(el);
    const behind = backgroundBehind(el.parentElement);
    const ownBackground = parse(cs.backgroundColor);
    const own = ownBackground && ownBackground[3] > 0 ? ownBackground : behind;
    const indicator: string[] = [];
    const weak: string[] = [];
    const judge = (what: string, ratio: number, against: string) =>
      (ratio >= 3 ? indicator : weak).push(`${what}, contrast ${ratio.toFixed(2)}:1 against ${against}`);

    const outline = `${cs.outlineStyle}|${cs.outlineWidth}|${cs.outlineColor}`;
    const outlineColor = parse(cs.outlineColor);
    if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2 && outlineColor && outlineColor[3] > 0 && outline !== looks.outline) {
      const ratio = Math.max(contrast(outlineColor, behind), parseFloat(cs.outlineOffset) < 0 ? contrast(outlineColor, own) : 0);
      judge(`outline ${cs.outlineWidth} ${cs.outlineStyle} ${hex(outlineColor)}`, ratio, `the background ${hex(behind)}`);
    }
    if (cs.boxShadow !== "none" && cs.boxShadow !== looks.boxShadow) {
      const colorsOf = (shadow: string) =>
        (shadow.match(/rgba?\([^)]*\)/g) ?? []).map(parse).filter((c): c is RGBA => !!c && c[3] > 0);
      const previous = colorsOf(looks.boxShadow);
      // a shadow stands out against the background on either side of it, and, when the element
      // had a shadow before, against that one (a darker green shadow turning black is no indicator)
      const visibility = (c: RGBA) =>
        Math.min(Math.max(contrast(c, behind), contrast(c, own)), ...previous.map((p) => contrast(c, p)));
      const colors = colorsOf(cs.boxShadow);
      if (colors.length) {
        const best = colors.reduce((a, c) => (visibility(c) > visibility(a) ? c : a));
        const against = `${hex(behind)} / ${hex(own)}${previous.length ? ` / the unfocused shadow ${previous.map(hex).join(", ")}` : ""}`;
        judge(`box-shadow in ${hex(best)}`, visibility(best), against);
      }
    }
    if (cs.backgroundColor !== looks.backgroundColor) {
      const now = parse(cs.backgroundColor);
      const was = parse(looks.backgroundColor);
      const nowOpaque = now && now[3] > 0 ? now : behind;
      const wasOpaque = was && was[3] > 0 ? was : behind;
      judge(`background ${hex(wasOpaque)} → ${hex(nowOpaque)}`, contrast(nowOpaque, wasOpaque), "the unfocused background");
    }
    const r = el.getBoundingClientRect();
    return {
      element: describe(el),
      inMain: !!el.closest("main"),
      href: el.getAttribute("href"),
      id: el.id,
      type: el.getAttribute("type"),
      name: el.getAttribute("name"),
      onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
      indicator,
      weak,
    };
  });
}

/**
 * A keyboard-only walker for journeys: Tab, Shift+Tab, Enter and Space only, every stop checked for
 * a visible focus indicator (inspectFocus) and for being on screen. Problems are collected, so one
 * run lists every bad stop; `stops` is the trail for a failure message.
 */
export function keyboardWalker(page: Page) {
  const problems: string[] = [];
  const stops: string[] = [];
  const check = async (where: string): Promise<Stop> => {
    const stop = await inspectFocus(page);
    stops.push(`${where}: ${stop.element} — focus shown by: ${stop.indicator.join("; ") || "nothing"}`);
    if (!stop.onScreen) problems.push(`${where}: focused ${stop.element} is not on screen`);
    if (stop.indicator.length === 0) {
      problems.push(`${where}: no visible focus indicator on ${stop.element}${stop.weak.length ? ` (too faint: ${stop.weak.join("; ")})` : ""}`);
    }
    return stop;
  };
  const press = async (key: "Tab" | "Shift+Tab", where: string) => {
    await page.keyboard.press(key);
    return check(where);
  };
  const walker = {
    problems,
    stops,
    check,
    tab: (where: string) => press("Tab", where),
    shiftTab: (where: string) => press("Shift+Tab", where),
    /** Presses Tab (or Shift+Tab) until `wanted` has the focus, checking every stop on the way. */
    async tabUntil(where: string, wanted: (s: Stop) => boolean, { backwards = false, limit = 80 } = {}): Promise<Stop> {
      for (let i = 0; i < limit; i++) {
        const stop = await press(backwards ? "Shift+Tab" : "Tab", where);
        if (wanted(stop)) return stop;
      }
      throw new Error(`${where}: never reached the wanted element with ${backwards ? "Shift+Tab" : "Tab"}. Stops:\n${stops.slice(-limit).join("\n")}`);
    },
    /** Types into the focused field (typing is what a keyboard does). */
    type: (text: string) => page.keyboard.type(text),
    /** Presses Enter or Space and waits for the next page, then remembers how its elements look unfocused. */
    async pressAndLoad(key: "Enter" | "Space") {
      const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press(key)]);
      await rememberUnfocused(page);
      return response;
    },
  };
  return walker;
}
