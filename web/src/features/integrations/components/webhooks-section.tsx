// Webhooks of a project: add, change and delete them, pick the events they
// receive, send a signed test event, rotate the signing secret, and read
// the delivery log with each attempt's status and latency.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import type { Project } from "../../projects/api/projects";
import {
  createWebhook,
  deleteWebhook,
  deliveriesKey,
  fetchDeliveries,
  fetchWebhookActions,
  fetchWebhooks,
  rotateWebhookSecret,
  testWebhook,
  updateWebhook,
  webhooksKey,
  type Webhook,
  type WebhookFields,
} from "../api/webhooks";
import { deliveryOutcome, formatHeaders, parseHeaders } from "../lib/webhook-form";

function WebhookForm({
  projectId,
  webhook,
  onDone,
}: {
  projectId: number;
  // The webhook to change, or null to add one.
  webhook: Webhook | null;
  onDone: (saved: Webhook) => void;
}) {
  const actions = useQuery({ queryKey: ["webhook-actions"], queryFn: fetchWebhookActions, staleTime: Infinity });
  const [url, setUrl] = useState(webhook?.url ?? "");
  const [active, setActive] = useState(webhook?.is_active ?? true);
  const [sendPayload, setSendPayload] = useState(webhook?.send_payload ?? true);
  const [allActions, setAllActions] = useState(webhook?.send_for_all_actions ?? true);
  const [chosen, setChosen] = useState<string[]>(webhook?.actions ?? []);
  const [headersText, setHeadersText] = useState(formatHeaders(webhook?.headers ?? {}));
  const [problem, setProblem] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (fields: WebhookFields) => (webhook ? updateWebhook(webhook.id, fields) : createWebhook(projectId, fields)),
    onSuccess: onDone,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const headers = parseHeaders(headersText);
    if ("error" in headers) {
      setProblem(headers.error);
      return;
    }
    if (!allActions && chosen.length === 0) {
      setProblem("Pick at least one event, or send every event.");
      return;
    }
    setProblem(null);
    save.mutate({
      url: url.trim(),
      is_active: active,
      send_payload: sendPayload,
      send_for_all_actions: allActions,
      actions: allActions ? [] : chosen,
      headers: headers.headers,
    });
  }

  // Organization-level events never reach a project webhook.
  const projectActions = (actions.data ?? []).filter((action) => !action["organization-only"]);

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <label>
        Payload URL
        <input type="url" value={url} onChange={(event) => setUrl(event.target.value)} required />
      </label>
      <div className="check-row">
        <label className="check">
          <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} />
          Active
        </label>
        <label className="check">
          <input type="checkbox" checked={sendPayload} onChange={(event) => setSendPayload(event.target.checked)} />
          Send the payload
        </label>
        <label className="check">
          <input type="checkbox" checked={allActions} onChange={(event) => setAllActions(event.target.checked)} />
          Send every event
        </label>
      </div>
      {!allActions && (
        <fieldset className="webhook-events">
          <legend>Events</legend>
          {actions.error && <p className="form-error">{describeError(actions.error, "load the event list")}</p>}
          {projectActions.map((action) => (
            <label key={action.key} className="check" title={action.description}>
              <input
                type="checkbox"
                checked={chosen.includes(action.key)}
                onChange={(event) =>
                  setChosen(event.target.checked ? [...chosen, action.key] : chosen.filter((key) => key !== action.key))
                }
              />
              {action.name}
            </label>
          ))}
        </fieldset>
      )}
      <label>
        Headers (one “Name: value” per line)
        <textarea rows={3} value={headersText} onChange={(event) => setHeadersText(event.target.value)} />
      </label>
      {(problem || save.error) && (
        <p className="form-error" role="alert">
          {problem ?? describeError(save.error, "save the webhook")}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={save.isPending || url.trim() === ""}>
          {webhook ? "Save webhook" : "Add webhook"}
        </button>
      </div>
    </form>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const [page, setPage] = useState(1);
  const deliveries = useQuery({
    queryKey: deliveriesKey(webhook.id, page),
    queryFn: () => fetchDeliveries(webhook.id, page),
    // Retries of failed deliveries land in the log while it is open.
    refetchInterval: 5_000,
  });
  if (deliveries.isPending) return <p className="muted">Loading deliveries…</p>;
  if (deliveries.error) return <p className="form-error">{describeError(deliveries.error, "load the delivery log")}</p>;
  if (deliveries.data.count === 0) return <p className="muted">Nothing was delivered yet. Send a test event.</p>;
  return (
    <div className="stack">
      <table className="simple-table" aria-label={`Deliveries to ${webhook.url}`}>
        <thead>
          <tr>
            <th scope="col">Sent</th>
            <th scope="col">Event</th>
            <th scope="col">Attempt</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.results.map((delivery) => {
            const outcome = deliveryOutcome(delivery);
            return (
              <tr key={delivery.id}>
                <td>{new Date(delivery.created_at).toLocaleString()}</td>
                <td>
                  {delivery.action}
                  {delivery.is_test && <span className="badge">test</span>}
                </td>
                <td>{delivery.attempt}</td>
                <td className={outcome.ok ? "form-ok" : "form-error"}>{outcome.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {deliveries.data.count > 20 && (
        <div className="table-pager">
          <button type="button" disabled={!deliveries.data.previous} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>Page {page}</span>
          <button type="button" disabled={!deliveries.data.next} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </div>
      )}
    </div>
  );
}

function WebhookCard({
  webhook,
  onEdit,
  onSecret,
}: {
  webhook: Webhook;
  onEdit: () => void;
  onSecret: (secret: string) => void;
}) {
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const refreshLog = () => void queryClient.invalidateQueries({ queryKey: ["webhook-deliveries", webhook.id] });
  const test = useMutation({
    mutationFn: () => testWebhook(webhook.id),
    onSuccess: () => {
      setShowLog(true);
      refreshLog();
    },
  });
  const rotate = useMutation({
    mutationFn: () => rotateWebhookSecret(webhook.id),
    onSuccess: (rotated) => rotated.secret && onSecret(rotated.secret),
  });
  const remove = useMutation({
    mutationFn: () => deleteWebhook(webhook.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: webhooksKey(webhook.project ?? 0) }),
  });
  const error = test.error ?? rotate.error ?? remove.error;
  let action = "delete the webhook";
  if (test.error) action = "send the test event";
  else if (rotate.error) action = "rotate the secret";
  const lastTest = test.data ? deliveryOutcome(test.data) : null;

  return (
    <li className="webhook-card stack" aria-label={`Webhook ${webhook.url}`}>
      <div className="section-heading">
        <div>
          <code>{webhook.url}</code>{" "}
          <span className="badge">{webhook.is_active ? "active" : "paused"}</span>
          <div className="hint">
            {webhook.send_for_all_actions ? "Every event" : webhook.actions.join(", ")}
            {webhook.send_payload ? ", with payload" : ", without payload"}
          </div>
        </div>
        <div className="button-row">
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            Send test
          </button>
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" onClick={() => rotate.mutate()} disabled={rotate.isPending}>
            Rotate secret
          </button>
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete
          </button>
        </div>
      </div>
      {lastTest && (
        <p className={lastTest.ok ? "form-ok" : "form-error"} role="status">
          Test event: {lastTest.text}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {describeError(error, action)}
        </p>
      )}
      <details open={showLog} onToggle={(event) => setShowLog(event.currentTarget.open)}>
        <summary>Delivery log</summary>
        {showLog && <Deliveries webhook={webhook} />}
      </details>
    </li>
  );
}

export function WebhooksSection({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const webhooks = useQuery({ queryKey: webhooksKey(project.id), queryFn: () => fetchWebhooks(project.id) });
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  function saved(webhook: Webhook) {
    setEditing(null);
    if (webhook.secret) setSecret(webhook.secret);
    void queryClient.invalidateQueries({ queryKey: webhooksKey(project.id) });
  }

  return (
    <section className="card stack" aria-labelledby="webhooks-title">
      <div className="section-heading">
        <h2 id="webhooks-title">Webhooks</h2>
        <button type="button" onClick={() => setEditing("new")}>
          Add webhook
        </button>
      </div>
      <p className="hint">
        Each delivery is signed: X-Tally-Signature is sha256= and the HMAC-SHA256 of the body under the webhook's
        secret.
      </p>
      {secret && (
        <div className="secret-once" role="status">
          <p>The signing secret is shown only now. Store it with the receiver.</p>
          <code className="secret">{secret}</code>
          <button type="button" onClick={() => setSecret(null)}>
            I stored it
          </button>
        </div>
      )}
      {webhooks.error && <p className="form-error">{describeError(webhooks.error, "load the webhooks")}</p>}
      {webhooks.data && webhooks.data.length === 0 && <p className="muted">No webhook is set up.</p>}
      {webhooks.data && webhooks.data.length > 0 && (
        <ul className="webhook-list">
          {webhooks.data.map((webhook) => (
            <WebhookCard key={webhook.id} webhook={webhook} onEdit={() => setEditing(webhook)} onSecret={setSecret} />
          ))}
        </ul>
      )}
      <Dialog title={editing === "new" ? "Add webhook" : "Edit webhook"} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <WebhookForm projectId={project.id} webhook={editing === "new" ? null : editing} onDone={saved} />
        )}
      </Dialog>
    </section>
  );
}
