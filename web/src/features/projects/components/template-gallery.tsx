// The template gallery of the create-project dialog: categories, search and
// a live preview of the chosen template on its sample data. Templates come
// from the server's --templates-dir folder. Without one the gallery offers
// the built-in starters (lib/starter-configs.ts) with a hint that names the
// setting. A template
// that uses tags the editor cannot show yet is marked with those tags.
import { useMemo, useState } from "react";
import { LabelingEditor } from "../../labeling/components/labeling-editor";
import { parseLabelConfig } from "../../labeling/lib/config";
import type { LabelTemplate } from "../api/templates";
import { starterConfigs } from "../lib/starter-configs";
import "./template-gallery.css";

export interface GalleryEntry {
  id: string;
  title: string;
  group: string;
  description: string;
  config: string;
  sample: Record<string, unknown>;
  unsupportedTags: string[]; // tags the editor shows as a notice
}

const blankEntry = starterConfigs.find((starter) => starter.id === "blank")!;

// The corpus spells some groups two ways ("BioWork" and "Biowork",
// "Ranking & Scoring" and "Ranking and scoring"); they are one category.
function groupKey(group: string): string {
  return group.toLowerCase().replace(/&/g, "and").replace(/\s+/g, " ").trim();
}

// The tag names a config uses, so a search for "brush" finds BrushLabels.
export function configTags(config: string): string {
  return [...new Set(Array.from(config.matchAll(/<([A-Z][A-Za-z]*)/g), (match) => match[1]))].join(" ");
}

// Entries for the gallery: the server's templates and a blank config, or the
// starters when the server lists none. Groups that differ only in spelling
// take the first spelling seen.
export function galleryEntries(templates: LabelTemplate[]): GalleryEntry[] {
  const spelling = new Map<string, string>();
  const groupOf = (group: string) => {
    const key = groupKey(group);
    if (!spelling.has(key)) spelling.set(key, group);
    return spelling.get(key)!;
  };
  const base =
    templates.length > 0
      ? [
          ...templates.map((template) => ({
            id: `template:${template.id}`,
            title: template.title || template.id,
            group: groupOf(template.group || "Other"),
            description: "",
            config: template.config,
            sample: template.sample ?? {},
          })),
          { ...blankEntry, id: "starter:blank", group: blankEntry.category },
        ]
      : starterConfigs.map((starter) => ({ ...starter, id: `starter:${starter.id}`, group: starter.category }));
  return base.map((entry) => {
    const parsed = parseLabelConfig(entry.config, entry.sample);
    return { ...entry, unsupportedTags: parsed.ok ? parsed.config.unsupportedTags : [] };
  });
}

// The template's sample data, with placeholder text for the keys it lacks.
function previewData(keys: string[], sample: Record<string, unknown>): Record<string, unknown> {
  const data = { ...sample };
  for (const key of keys) if (!(key in data)) data[key] = `Sample ${key}: Ada Lovelace wrote the first program.`;
  return data;
}

function Preview({ entry }: { entry: GalleryEntry }) {
  const parsed = useMemo(() => parseLabelConfig(entry.config, entry.sample), [entry]);
  if (!parsed.ok) return <p className="form-error">This template cannot be read: {parsed.message}</p>;
  const lacking = parsed.config.dataKeys.filter((key) => !(key in entry.sample));
  return (
    <>
      {lacking.length > 0 && <p className="hint">The template has no sample for {lacking.join(", ")}, so the preview shows placeholder text.</p>}
      <LabelingEditor key={entry.id} config={parsed.config} data={previewData(parsed.config.dataKeys, entry.sample)} />
    </>
  );
}

export function TemplateGallery({
  entries,
  fromServer,
  chosenId,
  onChoose,
}: {
  entries: GalleryEntry[];
  fromServer: boolean; // false: the built-in starters are shown
  chosenId: string;
  onChoose: (id: string) => void;
}) {
  const [group, setGroup] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const groups = useMemo(() => [...new Set(entries.map((entry) => entry.group))], [entries]);
  const needle = search.trim().toLowerCase();
  const matching = entries.filter(
    (entry) =>
      (group === null || entry.group === group) &&
      (needle === "" ||
        `${entry.title} ${entry.description} ${entry.group} ${configTags(entry.config)}`.toLowerCase().includes(needle)),
  );
  const chosen = entries.find((entry) => entry.id === chosenId) ?? entries[0];

  return (
    <fieldset className="starter-gallery template-gallery">
      <legend>Labeling setup</legend>
      {!fromServer && (
        <p className="hint">
          These are Tally's built-in starters. To offer Label Studio's template gallery, start the server with
          --templates-dir pointing at a folder of templates.
        </p>
      )}
      <div className="template-filters">
        <input type="search" placeholder="Search templates" aria-label="Search templates" value={search} onChange={(e) => setSearch(e.target.value)} />
        <div className="template-groups" role="toolbar" aria-label="Template categories">
          <button type="button" aria-pressed={group === null} onClick={() => setGroup(null)}>
            All
          </button>
          {groups.map((name) => (
            <button key={name} type="button" aria-pressed={group === name} onClick={() => setGroup(name)}>
              {name}
            </button>
          ))}
        </div>
      </div>
      <div className="template-split">
        <div className="starter-list template-list" role="radiogroup" aria-label="Templates">
          {matching.map((entry) => (
            <label key={entry.id} className={entry.id === chosen?.id ? "starter selected" : "starter"} data-template-id={entry.id}>
              <input type="radio" name="template" value={entry.id} checked={entry.id === chosen?.id} onChange={() => onChoose(entry.id)} />
              <span className="starter-title">{entry.title}</span>
              <span className="badge">{entry.group}</span>
              {entry.description && <span className="muted">{entry.description}</span>}
              {entry.unsupportedTags.length > 0 && (
                <span className="template-unsupported">Not shown in the editor yet: {entry.unsupportedTags.join(", ")}</span>
              )}
            </label>
          ))}
          {matching.length === 0 && <p className="muted">No template matches “{search}”.</p>}
        </div>
        {chosen && (
          <section className="template-preview" aria-label={`Preview of ${chosen.title}`}>
            <h3>{chosen.title}</h3>
            <Preview entry={chosen} />
            <details>
              <summary>Label config</summary>
              <pre className="code-preview">{chosen.config}</pre>
            </details>
          </section>
        )}
      </div>
      <p className="hint">You can change the config later in the project's settings.</p>
    </fieldset>
  );
}
