// "Also labeling now": the other people on this project's labeling screen,
// live over the WebSocket hub (hooks/use-labeling-presence.ts).
import "./document-objects.css";
import type { LabelingParticipant } from "../hooks/use-labeling-presence";

// Participants other than this screen's own connection (`self`), so the
// same person in another tab is listed too.
export function PresenceList({ participants, self, ownTaskId }: { participants: LabelingParticipant[]; self: string | null; ownTaskId: number | null }) {
  const others = participants.filter((participant) => participant.participant !== self);
  return (
    <section className="presence-list" aria-label="Also labeling now" aria-live="polite">
      <h3>Also labeling now</h3>
      {others.length === 0 ? (
        <p className="muted">Nobody else.</p>
      ) : (
        <ul>
          {others.map((participant) => (
            <li key={participant.participant} data-user-id={participant.userId ?? undefined}>
              <span className="presence-dot" aria-hidden="true" />
              {participant.name || "An API client"}
              {participant.task !== null && <span className="muted"> on task #{participant.task}</span>}
              {participant.task !== null && participant.task === ownTaskId && <strong> (this task)</strong>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
