import type { ReactNode } from "react";

interface Step {
  href: string;
  text: ReactNode;
}

/**
 * Paging links (a list of results, the audit log, the queue's submissions one by one): the
 * previous and next page with rel=prev/next, and where the list has numbered pages, which one this
 * is. Nothing when there is neither a previous nor a next page.
 */
export function PrevNextNav({ label, previous, next, current, listClassName = "list" }: { label: string; previous?: Step | null; next?: Step | null; current?: ReactNode; listClassName?: string }) {
  if (!previous && !next) return null;
  return (
    <nav aria-label={label}>
      <ul className={listClassName}>
        {previous ? (
          <li>
            <a href={previous.href} rel="prev">
              {previous.text}
            </a>
          </li>
        ) : null}
        {current ? <li aria-current="page">{current}</li> : null}
        {next ? (
          <li>
            <a href={next.href} rel="next">
              {next.text}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
