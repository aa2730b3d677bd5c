// Markup of the controls that take an answer (Choices, TextArea, Rating,
// Number, DateTime, Taxonomy), shared by the whole-task controls in
// labeling-editor.tsx and the per-region ones in per-region-controls.tsx.
// Each component shows the current answer and reports changes. The caller
// decides whether they go to the task's result or to the selected region.
import type { ReactNode } from "react";
import { dateTimeInput, type ChoiceOption, type ControlNode, type TaxonomyNode } from "../lib/config";

type ControlOf<Kind extends ControlNode["kind"]> = Extract<ControlNode, { kind: Kind }>;

// Whether a control describes the whole task or the selected region.
// Region controls carry the `per-region` class and say so in their title.
export type AnswerScope = "task" | "region";

interface AnswerControlProps<Kind extends ControlNode["kind"]> {
  node: ControlOf<Kind>;
  scope: AnswerScope;
  readOnly: boolean;
}

function controlClass(kinds: string, scope: AnswerScope): string {
  return scope === "region" ? `control ${kinds} per-region` : `control ${kinds}`;
}

function ControlTitle({ node, scope }: { node: { name: string; required: boolean }; scope: AnswerScope }) {
  return (
    <>
      {node.name}
      {scope === "region" && " (selected region)"}
      {node.required && <span className="required"> (required)</span>}
    </>
  );
}

export function HotkeyHint({ hotkey }: { hotkey?: string }) {
  return hotkey ? <kbd className="hotkey">{hotkey}</kbd> : null;
}

// `chosen` contains the stored choice values (an option's alias when it has one).
// Only whole-task choices show their hotkeys.
export function ChoicesControl({
  node,
  scope,
  readOnly,
  chosen,
  onToggle,
}: AnswerControlProps<"choices"> & { chosen: string[]; onToggle: (option: ChoiceOption) => void }) {
  const kinds = node.inline ? "choices choices-inline" : "choices";
  return (
    <fieldset className={controlClass(kinds, scope)} disabled={readOnly}>
      <legend>
        <ControlTitle node={node} scope={scope} />
      </legend>
      {node.options.map((option) => {
        const value = option.alias ?? option.value;
        return (
          <label key={option.value} className="choice" title={option.hint}>
            <input
              type={node.multiple ? "checkbox" : "radio"}
              name={scope === "region" ? `region-choice-${node.name}` : `choice-${node.name}`}
              checked={chosen.includes(value)}
              onChange={() => onToggle(option)}
              onClick={(event) => {
                // A second click on the chosen radio clears it, as with hotkeys.
                if (!node.multiple && chosen.includes(value)) {
                  event.preventDefault();
                  onToggle(option);
                }
              }}
            />
            {option.value}
            {scope === "task" && (
              <>
                {" "}
                <HotkeyHint hotkey={option.hotkey} />
              </>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}

export function TextAreaControl({
  node,
  scope,
  readOnly,
  texts,
  onChange,
}: AnswerControlProps<"textarea"> & { texts: string[]; onChange: (texts: string[]) => void }) {
  return (
    <label className={controlClass("textarea", scope)}>
      <span>
        <ControlTitle node={node} scope={scope} />
      </span>
      <textarea
        rows={Math.max(2, node.rows)}
        placeholder={node.placeholder}
        readOnly={readOnly}
        value={texts[0] ?? ""}
        onChange={(event) => onChange([event.target.value, ...texts.slice(1)])}
      />
    </label>
  );
}

// `rating` is the number of stars, 0 for none. A click on the chosen star
// reports 0.
export function RatingControl({ node, scope, readOnly, rating, onRate }: AnswerControlProps<"rating"> & { rating: number; onRate: (rating: number) => void }) {
  return (
    <fieldset className={controlClass("rating", scope)} disabled={readOnly}>
      <legend>
        <ControlTitle node={node} scope={scope} />
      </legend>
      {Array.from({ length: node.maxRating }, (_, index) => index + 1).map((star) => (
        <button
          key={star}
          type="button"
          className={star <= rating ? "star star-on" : "star"}
          aria-label={`${star} of ${node.maxRating}`}
          aria-pressed={star === rating}
          onClick={() => onRate(star === rating ? 0 : star)}
        >
          ★
        </button>
      ))}
    </fieldset>
  );
}

// Reports null for an emptied field and ignores text that is not a finite number.
export function NumberControl({
  node,
  scope,
  readOnly,
  number,
  onChange,
}: AnswerControlProps<"number"> & { number: number | null | undefined; onChange: (number: number | null) => void }) {
  return (
    <label className={controlClass("number", scope)}>
      <span>
        <ControlTitle node={node} scope={scope} />
      </span>
      <input
        type="number"
        min={node.min}
        max={node.max}
        step={node.step}
        readOnly={readOnly}
        value={number ?? ""}
        onChange={(event) => {
          const parsed = event.target.value === "" ? null : Number(event.target.value);
          if (parsed === null || Number.isFinite(parsed)) onChange(parsed);
        }}
      />
    </label>
  );
}

// Reports the input's value as typed, "" for an emptied field.
export function DateTimeControl({
  node,
  scope,
  readOnly,
  datetime,
  onChange,
}: AnswerControlProps<"datetime"> & { datetime: string; onChange: (datetime: string) => void }) {
  return (
    <label className={controlClass("datetime", scope)}>
      <span>
        <ControlTitle node={node} scope={scope} />
      </span>
      <input
        type={dateTimeInput(node.only)}
        min={node.min}
        max={node.max}
        readOnly={readOnly}
        value={datetime}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

// `paths` are the chosen paths from the root, each a list of choice values.
// With leafsOnly only choices without children can be checked.
export function TaxonomyControl({
  node,
  scope,
  readOnly,
  paths,
  onToggle,
}: AnswerControlProps<"taxonomy"> & { paths: string[][]; onToggle: (path: string[]) => void }) {
  const chosen = new Set(paths.map((path) => JSON.stringify(path)));
  const renderLevel = (level: TaxonomyNode[], parents: string[]): ReactNode => (
    <ul className="taxonomy-level">
      {level.map((choice) => {
        const path = [...parents, choice.value];
        const selectable = !node.leafsOnly || choice.children.length === 0;
        return (
          <li key={choice.value}>
            <label className="choice">
              <input
                type="checkbox"
                disabled={!selectable || readOnly}
                checked={chosen.has(JSON.stringify(path))}
                onChange={() => onToggle(path)}
              />
              {choice.label}
            </label>
            {choice.children.length > 0 && renderLevel(choice.children, path)}
          </li>
        );
      })}
    </ul>
  );
  return (
    <fieldset className={controlClass("taxonomy", scope)} disabled={readOnly}>
      <legend>
        <ControlTitle node={node} scope={scope} />
      </legend>
      {renderLevel(node.tree, [])}
    </fieldset>
  );
}
