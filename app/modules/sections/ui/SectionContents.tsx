/** The contents list at the top of a procedure's text: every numbered section, linked to its anchor. */
import { useTranslation } from "react-i18next";
import { sectionAnchor, type ShownSection } from "../outline";

interface Node {
  section: ShownSection;
  children: Node[];
}

/** Nests the flat outline by depth (depths never skip a level: outline.ts numbers them so). */
function tree(sections: readonly ShownSection[]): Node[] {
  const root: Node[] = [];
  const path: Node[] = [];
  for (const section of sections) {
    const node = { section, children: [] };
    path.length = section.depth - 1;
    (path.at(-1)?.children ?? root).push(node);
    path.push(node);
  }
  return root;
}

function Items({ nodes }: { nodes: Node[] }) {
  return (
    <ol className="contents">
      {nodes.map(({ section, children }) => (
        <li key={section.number}>
          <a href={`#${sectionAnchor(section.number)}`}>
            <span className="section-number">{section.number}</span> <span lang={section.lang}>{section.title}</span>
          </a>
          {children.length > 0 ? <Items nodes={children} /> : null}
        </li>
      ))}
    </ol>
  );
}

export function SectionContents({ sections }: { sections: readonly ShownSection[] }) {
  const { t } = useTranslation("sections");
  if (sections.length === 0) return null;
  return (
    <nav aria-labelledby="contents-title" className="contents-nav">
      <h3 id="contents-title">{t("contents.title")}</h3>
      <Items nodes={tree(sections)} />
    </nav>
  );
}
