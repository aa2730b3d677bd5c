// Creates a dataset item or edits one (an upsert by id): input, expected
// output and metadata as JSON.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { upsertDatasetItem, type DatasetItem } from "../api/datasets";
import { editableJson, parseJsonField } from "../lib/json-text";

export function ItemDialog({
  projectId,
  datasetName,
  item,
  onClose,
}: {
  projectId: number;
  datasetName: string;
  item: DatasetItem | null; // null: a new item
  onClose: () => void;
}) {
  const [input, setInput] = useState(editableJson(item?.input));
  const [expected, setExpected] = useState(editableJson(item?.expectedOutput));
  const [metadata, setMetadata] = useState(editableJson(item?.metadata));
  const [metadataError, setMetadataError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: { metadata: unknown }) =>
      upsertDatasetItem(projectId, {
        datasetName,
        id: item?.id,
        input: parseJsonField(input),
        expectedOutput: parseJsonField(expected),
        metadata: body.metadata,
      }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["dataset-items", projectId, datasetName] });
      onClose();
    },
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setMetadataError(null);
    const parsed = parseJsonField(metadata);
    if (parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) {
      return setMetadataError('Metadata must be a JSON object such as {"source": "support"}, or empty.');
    }
    save.mutate({ metadata: parsed });
  }

  return (
    <Dialog title={item ? `Edit item ${item.id}` : "New item"} open onClose={onClose} wide>
      <form className="stack" onSubmit={submit}>
        <label>
          Input (JSON or text)
          <textarea rows={6} className="code-input" value={input} onChange={(e) => setInput(e.target.value)} />
        </label>
        <label>
          Expected output (JSON or text)
          <textarea rows={4} className="code-input" value={expected} onChange={(e) => setExpected(e.target.value)} />
        </label>
        <label>
          Metadata (JSON object)
          <textarea rows={3} className="code-input" value={metadata} onChange={(e) => setMetadata(e.target.value)} />
        </label>
        {metadataError && <p className="form-error">{metadataError}</p>}
        {save.error && <p className="form-error">{describeError(save.error, "save the item")}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            Save item
          </button>
        </div>
      </form>
    </Dialog>
  );
}
