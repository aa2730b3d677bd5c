// The export dialog: choose a format the label config allows, then
// download. Formats the config cannot produce are listed but disabled.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { ErrorState, Loading } from "../../../ui/states";
import { exportUrl, fetchExportFormats } from "../api/export";

export function ExportDialog({ projectId, open, onClose }: { projectId: number; open: boolean; onClose: () => void }) {
  const formats = useQuery({ queryKey: ["export-formats", projectId], queryFn: () => fetchExportFormats(projectId), enabled: open });
  const [chosen, setChosen] = useState<string | null>(null);
  const [allTasks, setAllTasks] = useState(false);
  const format = chosen ?? formats.data?.find((f) => !f.disabled)?.name ?? null;

  return (
    <Dialog title="Export" open={open} onClose={onClose}>
      <div className="stack">
        {formats.isPending && <Loading what="export formats" />}
        {formats.error && (
          <ErrorState message={describeError(formats.error, "load the export formats")} onRetry={() => formats.refetch()} />
        )}
        {formats.data && (
          <fieldset className="export-formats">
            <legend>Format</legend>
            {formats.data.map((entry) => (
              <label key={entry.name} className={entry.disabled ? "export-format disabled" : "export-format"}>
                <input
                  type="radio"
                  name="export-format"
                  value={entry.name}
                  disabled={entry.disabled}
                  checked={format === entry.name}
                  onChange={() => setChosen(entry.name)}
                />
                <span>
                  <strong>{entry.title}</strong>
                  <span className="muted"> {entry.description}</span>
                  {entry.disabled && <span className="muted"> (this label config cannot produce it)</span>}
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <label className="choice">
          <input type="checkbox" checked={allTasks} onChange={(e) => setAllTasks(e.target.checked)} />
          Include tasks without annotations
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {format ? (
            <a className="button primary" href={exportUrl(projectId, format, allTasks)} download onClick={() => window.setTimeout(onClose, 0)}>
              Download
            </a>
          ) : (
            <button type="button" className="primary" disabled>
              Download
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
