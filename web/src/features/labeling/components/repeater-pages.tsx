// The items of a Repeater with mode="pagination": one item's tags at a
// time, with page controls above them. The page is display state only:
// every item's controls keep their values and all of them are submitted.
import "./document-objects.css";
import { useState, type ReactNode } from "react";

export function RepeaterPages({ pages, renderPage }: { pages: number; renderPage: (index: number) => ReactNode }) {
  const [requested, setPage] = useState(0);
  if (pages === 0) return null;

  // A new task may have fewer items than the page shown before.
  const page = Math.min(requested, pages - 1);
  return (
    <section className="repeater-pages" aria-label="Repeater pages">
      <nav className="repeater-pager" aria-label="Pages">
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <label>
          Page{" "}
          <input
            type="number"
            min={1}
            max={pages}
            value={page + 1}
            aria-label="Page number"
            onChange={(event) => {
              const requested = Number(event.target.value);
              if (Number.isInteger(requested) && requested >= 1 && requested <= pages) setPage(requested - 1);
            }}
          />{" "}
          of {pages}
        </label>
        <button type="button" disabled={page === pages - 1} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
      <div className="repeater-page" data-page={page}>
        {renderPage(page)}
      </div>
    </section>
  );
}
