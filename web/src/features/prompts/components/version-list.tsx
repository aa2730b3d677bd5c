// The versions of a prompt, newest first, with labels and commit messages.
import type { PromptVersion } from "../api/prompts";

export function VersionList({
  versions,
  loading,
  selected,
  onSelect,
}: {
  versions: PromptVersion[];
  loading: boolean;
  selected: number | undefined;
  onSelect: (version: number) => void;
}) {
  return (
    <ol className="version-list" aria-label="Versions">
      {versions.map((version) => (
        <li key={version.version}>
          <button
            type="button"
            className="version-item"
            aria-current={version.version === selected ? "true" : undefined}
            onClick={() => onSelect(version.version)}
          >
            <span className="version-number">v{version.version}</span>
            <span className="version-labels">
              {version.labels.map((label) => (
                <span key={label} className="badge prompt-label" data-label={label}>
                  {label}
                </span>
              ))}
            </span>
            {version.commitMessage && <span className="version-message">{version.commitMessage}</span>}
            {version.createdAt && <span className="hint">{new Date(version.createdAt).toLocaleString()}</span>}
          </button>
        </li>
      ))}
      {loading && <li className="hint">Loading versions…</li>}
    </ol>
  );
}
