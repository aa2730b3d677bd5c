// The import dialog: drop or pick JSON, CSV, TSV or TXT files, which upload
// in one request. The server imports all or nothing, so a failed import
// leaves no tasks behind and its error names the file and item.
import { useRef, useState, type DragEvent } from "react";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { asyncImportBytes, importTaskFilesInBackground, uploadTaskFiles, type ImportSummary } from "../api/import";
import { formatBytes, importExtensions, isImportable } from "../lib/files";

export function ImportDialog({
  projectId,
  open,
  onClose,
  onImported,
}: {
  projectId: number;
  open: boolean;
  onClose: () => void;
  onImported: (summary: ImportSummary) => void;
}) {
  const [files, setFiles] = useState<File[]>([]);
  const [rejected, setRejected] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [stage, setStage] = useState<"upload" | "import">("upload");
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const input = useRef<HTMLInputElement>(null);

  function add(list: FileList | null) {
    if (!list) return;
    const incoming = Array.from(list);
    setFiles((current) => [...current, ...incoming.filter((file) => isImportable(file.name))]);
    setRejected(incoming.filter((file) => !isImportable(file.name)).map((file) => file.name));
    setSummary(null);
    setError(null);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  }

  async function upload() {
    setError(null);
    setProgress(0);
    setStage("upload");
    try {
      const size = files.reduce((sum, file) => sum + file.size, 0);
      const result =
        size > asyncImportBytes
          ? await importTaskFilesInBackground(projectId, files, (next, fraction) => {
              setStage(next);
              setProgress(fraction);
            })
          : await uploadTaskFiles(projectId, files, setProgress);
      setSummary(result);
      setFiles([]);
      onImported(result);
    } catch (caught) {
      setError(describeError(caught, "import the files"));
    } finally {
      setProgress(null);
    }
  }

  function close() {
    setFiles([]);
    setRejected([]);
    setSummary(null);
    setError(null);
    onClose();
  }

  return (
    <Dialog title="Import tasks" open={open} onClose={close}>
      <div className="stack">
        <div
          className={dragging ? "dropzone dropzone-active" : "dropzone"}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>Drop {importExtensions.join(", ")} files here</p>
          <button type="button" onClick={() => input.current?.click()}>
            Choose files
          </button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            accept={importExtensions.join(",")}
            aria-label="Task files"
            data-testid="import-input"
            onChange={(event) => add(event.target.files)}
          />
        </div>
        {files.length > 0 && (
          <ul className="file-list" aria-label="Files to import">
            {files.map((file, index) => (
              <li key={`${file.name}-${index}`}>
                {file.name} <span className="muted">{formatBytes(file.size)}</span>
              </li>
            ))}
          </ul>
        )}
        {rejected.length > 0 && (
          <p className="form-error" role="alert">
            Not imported: {rejected.join(", ")}. Only {importExtensions.join(", ")} files hold tasks.
          </p>
        )}
        {progress !== null && (
          <div
            className="progress"
            role="progressbar"
            aria-label={stage === "upload" ? "Upload" : "Import"}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
          >
            <div className="progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {summary && (
          <p className="form-ok" role="status">
            Imported {summary.task_count} tasks
            {summary.annotation_count > 0 && `, ${summary.annotation_count} annotations`}
            {summary.prediction_count > 0 && `, ${summary.prediction_count} predictions`}.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {summary ? "Done" : "Cancel"}
          </button>
          <button type="button" className="primary" disabled={files.length === 0 || progress !== null} onClick={() => void upload()}>
            Import
          </button>
        </div>
      </div>
    </Dialog>
  );
}
