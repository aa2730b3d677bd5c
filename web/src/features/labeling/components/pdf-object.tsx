// A Pdf object: the document at the task's URL, shown by the browser's own
// PDF viewer in an <object> element, with a link as the fallback where the
// browser has no viewer. It hosts no regions; controls on it (Choices,
// Rating, …) store their usual results.
import "./document-objects.css";
export function PdfObject({ name, url }: { name: string; url: string }) {
  const safe = /^(https?:|\/)/i.test(url.trim());
  if (!safe) return <p className="notice">The PDF address “{url}” is not an http(s) URL, so it is not shown.</p>;
  return (
    <object className="pdf-object" data={url} type="application/pdf" aria-label={`PDF ${name}`} data-name={name}>
      <p>
        This browser cannot show the PDF here. <a href={url} target="_blank" rel="noreferrer">Open the PDF</a>.
      </p>
    </object>
  );
}
