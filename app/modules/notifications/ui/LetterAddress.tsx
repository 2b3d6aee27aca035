/**
 * The part of a DIN 5008 letter that a window envelope shows (return line and recipient), with the
 * information block beside it (office, organisation, date): the same for result letters and the
 * desk's receipt letters, so both fit the same envelope (letters.css places them).
 */
export function LetterAddress({ organisation, office, returnAddress, recipient, date }: { organisation: string; office: string; returnAddress: string; recipient: readonly string[]; date: string }) {
  return (
    <>
      <div className="letter__window">
        <p className="letter__return">
          {organisation} · {returnAddress}
        </p>
        <p className="letter__recipient">
          {recipient.map((line, i) => (
            <span key={i}>
              {i > 0 ? <br /> : null}
              {line}
            </span>
          ))}
        </p>
      </div>
      <p className="letter__info">
        {office}
        <br />
        {organisation}
        <br />
        {date}
      </p>
    </>
  );
}
