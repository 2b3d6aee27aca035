/**
 * /:org/leichte-sprache — this site explained in Leichte Sprache (issue 7). The explanation is
 * always in Leichte Sprache; header and footer stay in the reader's chosen language, so the main
 * content carries its own lang (and dir, inside a right-to-left page) when the two differ.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Fragment } from "react";
import { fixedT } from "~/i18n/i18n.server";
import { withErrorPages } from "~/modules/http/route-errors.server";
import { EASY_READ_LANGUAGE, EASY_READ_LINK_TEXT, siteGuide, type Block } from "~/modules/leichte-sprache/site-guide";
import { publicOrganisation, requireOrganisation } from "~/modules/procedures/context.server";

export async function loader({ params }: LoaderFunctionArgs) {
  return withErrorPages(async () => {
    const organisation = await requireOrganisation(params);
    const ls = (ns: "procedures" | "submissions" | "privacy" | "common") => fixedT(EASY_READ_LANGUAGE, ns);
    const guide = siteGuide({
      organisation,
      labels: {
        open: ls("procedures")("list.open"),
        continue: ls("submissions")("form.continue"),
        send: ls("submissions")("check.send"),
        lookupSubmit: ls("privacy")("lookup.submit"),
        required: ls("common")("required"),
      },
    });
    return { pageTitle: EASY_READ_LINK_TEXT, organisation: publicOrganisation(organisation), guide };
  });
}

function GuideBlock({ block }: { block: Block }) {
  switch (block.kind) {
    case "p":
      return <p>{block.text}</p>;
    case "ul":
      return (
        <ul>
          {block.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      );
    case "ol":
      return (
        <ol>
          {block.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ol>
      );
    case "contact":
      return (
        <p className="inset">
          {block.lines.map((line, i) => (
            <Fragment key={i}>
              {i > 0 ? <br /> : null}
              {line}
            </Fragment>
          ))}
        </p>
      );
    case "link":
      return (
        <p>
          <a href={block.href}>{block.text}</a>
        </p>
      );
  }
}

export default function LeichteSprache() {
  const { guide } = useLoaderData<typeof loader>();
  const { i18n } = useTranslation();
  const other = i18n.language !== EASY_READ_LANGUAGE;
  return (
    <div lang={other ? EASY_READ_LANGUAGE : undefined} dir={other ? "ltr" : undefined} className="easy-read">
      <h1>{guide.title}</h1>
      {guide.intro.map((text) => (
        <p key={text} className="lead">
          {text}
        </p>
      ))}
      {guide.sections.map((section) => {
        const Heading = section.level === 2 ? "h2" : "h3";
        return (
          <Fragment key={section.id}>
            <Heading id={`ls-${section.id}`}>{section.heading}</Heading>
            {section.blocks.map((block, i) => (
              <GuideBlock key={i} block={block} />
            ))}
          </Fragment>
        );
      })}
    </div>
  );
}
