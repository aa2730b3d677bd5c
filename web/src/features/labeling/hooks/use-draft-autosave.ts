// Saves the annotation in progress as a draft a second after the last
// change, so a closed tab or a crash loses at most that second of work.
// Only new annotations get drafts; editing a submitted one saves on Update.
import { useEffect, useRef, useState } from "react";
import { describeError } from "../../../api/client";
import { createDraft, updateDraft } from "../api/drafts";
import type { EditorState } from "../lib/annotation-model";
import type { ResultItem } from "../lib/results";

export type DraftStatus = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string };

const delayMs = 1000;

export function useDraftAutosave({
  taskId,
  initialDraftId,
  state,
  buildResult,
  leadTime,
  enabled,
}: {
  taskId: number;
  initialDraftId: number | null;
  state: EditorState;
  buildResult: () => ResultItem[];
  leadTime: () => number;
  enabled: boolean;
}) {
  const draftId = useRef<number | null>(initialDraftId);
  const [status, setStatus] = useState<DraftStatus>({ kind: "idle" });
  const latest = useRef({ buildResult, leadTime });
  latest.current = { buildResult, leadTime };

  useEffect(() => {
    // Loading a task is not a change worth saving.
    if (!enabled || state.lastReason === null || state.lastReason === "loaded") return;
    const timer = window.setTimeout(async () => {
      setStatus({ kind: "saving" });
      try {
        const body = { result: latest.current.buildResult(), lead_time: latest.current.leadTime() };
        const saved = draftId.current === null ? await createDraft(taskId, body) : await updateDraft(draftId.current, body);
        draftId.current = saved.id;
        setStatus({ kind: "saved", at: new Date() });
      } catch (error) {
        setStatus({ kind: "error", message: describeError(error, "save the draft") });
      }
    }, delayMs);
    return () => window.clearTimeout(timer);
  }, [enabled, state, taskId]);

  return { draftId, status };
}
