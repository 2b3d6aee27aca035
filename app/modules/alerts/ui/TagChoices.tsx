/** The sign-up's choice of topics and districts (decision 65): the municipality's own labels, in its language; none chosen: every one. */
import { useTranslation } from "react-i18next";
import { ChoiceField } from "~/components/fields";
import { CONTENT_LANGUAGE } from "~/i18n/config";
import type { OfferedTags, SignupInput } from "../alerts";

export function TagChoices({ offered, values }: { offered: OfferedTags; values: Pick<SignupInput, "subjects" | "districts"> }) {
  const { t } = useTranslation("alerts");
  const items = (labels: string[]) => labels.map((label) => ({ value: label, label, lang: CONTENT_LANGUAGE }));
  return (
    <>
      {offered.topic.length > 0 ? (
        <ChoiceField name="subject" type="checkbox" label={t("form.subjects.legend")} hint={t("form.subjects.hint")} items={items(offered.topic)} values={values.subjects ?? []} />
      ) : null}
      {offered.district.length > 0 ? (
        <ChoiceField name="district" type="checkbox" label={t("form.districts.legend")} hint={t("form.districts.hint")} items={items(offered.district)} values={values.districts ?? []} />
      ) : null}
    </>
  );
}
