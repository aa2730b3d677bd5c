// Saved views as tabs. "All tasks" is always first and is not a saved view.
import type { View } from "../api/views";

export function ViewTabs({
  views,
  activeId,
  onSelect,
  onAdd,
  onDelete,
  busy,
}: {
  views: View[];
  activeId: number | null;
  onSelect: (id: number | null) => void;
  onAdd: () => void;
  onDelete: (view: View) => void;
  busy: boolean;
}) {
  const title = (view: View, index: number) => view.data.title || `View ${index + 1}`;
  return (
    <div className="view-tabs" role="tablist" aria-label="Data Manager views">
      <button type="button" role="tab" aria-selected={activeId === null} className="view-tab" onClick={() => onSelect(null)}>
        All tasks
      </button>
      {views.map((view, index) => (
        <span key={view.id} className="view-tab-wrap">
          <button
            type="button"
            role="tab"
            aria-selected={activeId === view.id}
            className="view-tab"
            onClick={() => onSelect(view.id)}
          >
            {title(view, index)}
          </button>
          {activeId === view.id && (
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete view ${title(view, index)}`}
              disabled={busy}
              onClick={() => onDelete(view)}
            >
              ×
            </button>
          )}
        </span>
      ))}
      <button type="button" className="view-tab view-add" onClick={onAdd} disabled={busy}>
        + Add view
      </button>
    </div>
  );
}
