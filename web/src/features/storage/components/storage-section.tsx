// Cloud storage of a project: source storages that sync objects into tasks
// and target storages that receive annotations. Add one per type with its
// fields, test the connection, start a sync and follow its job's progress,
// and read the last sync's errors.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import {
  createStorage,
  deleteStorage,
  fetchStorages,
  fetchSyncJob,
  storagesKey,
  storageTypes,
  syncJobKey,
  syncStorage,
  updateStorage,
  validateStorage,
  type Storage,
  type StorageRole,
  type StorageType,
} from "../api/storages";
import {
  fieldsFor,
  formProblem,
  initialValues,
  isSecretSet,
  isSyncing,
  requestFields,
  storageLocation,
  syncSummary,
  typeTitles,
  type FieldKind,
  type FormValues,
  type Tone,
} from "../lib/storage-form";

const inputTypes: Record<FieldKind, string> = {
  text: "text",
  secret: "password",
  number: "number",
  checkbox: "checkbox",
};
const toneClasses: Record<Tone, string> = { ok: "form-ok", error: "form-error", busy: "muted", idle: "muted" };

function StorageForm({
  projectId,
  role,
  storage,
  onDone,
}: {
  projectId: number;
  role: StorageRole;
  // The storage to change, or null to add one.
  storage: Storage | null;
  onDone: () => void;
}) {
  const [type, setType] = useState<StorageType>(storage?.type ?? "s3");
  const [values, setValues] = useState<FormValues>(() =>
    initialValues(storage?.type ?? "s3", role, storage ?? undefined),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [tested, setTested] = useState(false);

  const save = useMutation({
    mutationFn: () => {
      const fields = requestFields(type, role, values);
      return storage ? updateStorage(role, storage, fields) : createStorage(projectId, role, type, fields);
    },
    onSuccess: onDone,
  });
  const test = useMutation({
    mutationFn: () => validateStorage(projectId, role, type, requestFields(type, role, values), storage?.id),
    onSuccess: () => setTested(true),
    onMutate: () => setTested(false),
  });

  function chooseType(next: StorageType) {
    setType(next);
    setValues(initialValues(next, role));
    setTested(false);
  }

  function check(): boolean {
    const found = formProblem(type, role, values);
    setProblem(found);
    return found === null;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (check()) save.mutate();
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {!storage && (
        <label>
          Storage type
          <select value={type} onChange={(event) => chooseType(event.target.value as StorageType)}>
            {storageTypes.map((name) => (
              <option key={name} value={name}>
                {typeTitles[name]}
              </option>
            ))}
          </select>
        </label>
      )}
      {fieldsFor(type, role).map((field) => {
        const value = values[field.name];
        const update = (next: string | boolean) => setValues({ ...values, [field.name]: next });
        if (field.kind === "checkbox") {
          return (
            <label key={field.name} className="check" title={field.hint}>
              <input type="checkbox" checked={value === true} onChange={(event) => update(event.target.checked)} />
              {field.label}
            </label>
          );
        }
        const secretSet = field.kind === "secret" && isSecretSet(storage ?? undefined, field.name);
        return (
          <label key={field.name}>
            {field.label}
            {field.required && " (required)"}
            <input
              type={inputTypes[field.kind]}
              autoComplete={field.kind === "secret" ? "new-password" : "off"}
              value={typeof value === "string" ? value : ""}
              placeholder={secretSet ? "Stored; type to replace" : undefined}
              onChange={(event) => update(event.target.value)}
            />
            {field.hint && <span className="hint">{field.hint}</span>}
          </label>
        );
      })}
      {(problem || save.error || test.error) && (
        <p className="form-error" role="alert">
          {problem ??
            (test.error
              ? describeError(test.error, "connect to the storage")
              : describeError(save.error, "save the storage"))}
        </p>
      )}
      {tested && (
        <p className="form-ok" role="status">
          Connected: the storage could be listed with these settings.
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" disabled={test.isPending} onClick={() => check() && test.mutate()}>
          {test.isPending ? "Testing…" : "Test connection"}
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {storage ? "Save storage" : "Add storage"}
        </button>
      </div>
    </form>
  );
}

function SyncProgress({ jobId }: { jobId: number }) {
  const job = useQuery({ queryKey: syncJobKey(jobId), queryFn: () => fetchSyncJob(jobId), refetchInterval: 1_000 });
  if (!job.data) return null;
  return (
    <progress max={100} value={job.data.progress} aria-label="Sync progress">
      {job.data.progress}%
    </progress>
  );
}

function StorageCard({ role, storage, onEdit }: { role: StorageRole; storage: Storage; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: storagesKey(storage.project, role) });
  const sync = useMutation({ mutationFn: () => syncStorage(role, storage), onSuccess: refresh });
  const remove = useMutation({ mutationFn: () => deleteStorage(role, storage), onSuccess: refresh });
  const summary = syncSummary(storage, role);
  const syncing = isSyncing(storage);
  const title = storage.title || typeTitles[storage.type];

  return (
    <li className="storage-card stack" aria-label={`Storage ${title}`}>
      <div className="section-heading">
        <div>
          <strong>{title}</strong> <span className="badge">{storage.type}</span>
          <div className="hint">{storageLocation(storage)}</div>
        </div>
        <div className="button-row">
          <button type="button" onClick={() => sync.mutate()} disabled={syncing || sync.isPending}>
            {role === "export" ? "Export all" : "Sync"}
          </button>
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete
          </button>
        </div>
      </div>
      <p className={toneClasses[summary.tone]} role="status">
        {summary.text}
      </p>
      {syncing && storage.last_sync_job !== null && <SyncProgress jobId={storage.last_sync_job} />}
      {storage.traceback && (
        <details open={storage.status === "failed"}>
          <summary>Last error</summary>
          <pre className="storage-traceback">{storage.traceback}</pre>
        </details>
      )}
      {(sync.error || remove.error) && (
        <p className="form-error" role="alert">
          {sync.error ? describeError(sync.error, "start the sync") : describeError(remove.error, "delete the storage")}
        </p>
      )}
    </li>
  );
}

function StorageList({ projectId, role }: { projectId: number; role: StorageRole }) {
  const queryClient = useQueryClient();
  const storages = useQuery({
    queryKey: storagesKey(projectId, role),
    queryFn: () => fetchStorages(projectId, role),
    // A running sync changes status and counts; poll only while one runs.
    refetchInterval: (query) => (query.state.data?.some(isSyncing) ? 1_000 : false),
  });
  const [editing, setEditing] = useState<Storage | "new" | null>(null);
  const heading = role === "export" ? "Target storages" : "Source storages";
  const headingId = `storages-${role}-title`;

  function saved() {
    setEditing(null);
    void queryClient.invalidateQueries({ queryKey: storagesKey(projectId, role) });
  }

  return (
    <div className="stack" aria-labelledby={headingId}>
      <div className="section-heading">
        <h3 id={headingId}>{heading}</h3>
        <button type="button" onClick={() => setEditing("new")}>
          {role === "export" ? "Add target storage" : "Add source storage"}
        </button>
      </div>
      <p className="hint">
        {role === "export"
          ? "Each annotation is written to the storage as it is submitted, one object per annotation."
          : "A sync creates one task per new object; objects synced before are skipped."}
      </p>
      {storages.error && <p className="form-error">{describeError(storages.error, "load the storages")}</p>}
      {storages.data && storages.data.length === 0 && <p className="muted">No storage is connected.</p>}
      {storages.data && storages.data.length > 0 && (
        <ul className="storage-list">
          {storages.data.map((storage) => (
            <StorageCard key={storage.id} role={role} storage={storage} onEdit={() => setEditing(storage)} />
          ))}
        </ul>
      )}
      <Dialog
        title={editing === "new" ? `Add ${heading.toLowerCase().replace(/s$/, "")}` : "Edit storage"}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <StorageForm projectId={projectId} role={role} storage={editing === "new" ? null : editing} onDone={saved} />
        )}
      </Dialog>
    </div>
  );
}

export function StorageSection({ projectId }: { projectId: number }) {
  return (
    <section className="card stack" aria-labelledby="storage-title">
      <h2 id="storage-title">Cloud storage</h2>
      <StorageList projectId={projectId} role="import" />
      <StorageList projectId={projectId} role="export" />
    </section>
  );
}
