// A Table object: a flat {key: value} object of the task's data shown as
// two columns. Values that are objects or lists are shown as JSON.
import "./document-objects.css";
export function TableObject({ name, value }: { name: string; value: unknown }) {
  const rows = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  return (
    <table className="table-object" aria-label={`Table ${name}`} data-name={name}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, cell]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{typeof cell === "string" ? cell : JSON.stringify(cell)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
