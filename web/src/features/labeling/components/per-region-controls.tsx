// Per-region controls (perRegion="true" on Choices, Rating, Number,
// DateTime, Taxonomy and TextArea): shown while a region they describe is selected, and editing
// that region's answer. Which regions can be selected is decided in
// lib/selectable-regions.ts.
import type { ReactNode } from "react";
import { dateTimeInput, type ChoiceOption, type TaxonomyNode } from "../lib/config";
import type { EditorModel } from "../hooks/use-editor-model";
import type { RegionAnswer } from "../lib/results";
import { appliesToRegion, findSelectableRegion, type PerRegionControl as PerRegionNode } from "../lib/selectable-regions";

type ChoicesNode = Extract<PerRegionNode, { kind: "choices" }>;

// The choices after a click on `option`: the single choice toggles, and a
// multiple selection keeps the config's order, as whole-task Choices do.
function toggledChoices(control: ChoicesNode, current: string[], option: ChoiceOption): string[] {
  const value = option.alias ?? option.value;
  if (current.includes(value)) return current.filter((chosen) => chosen !== value);
  if (!control.multiple) return [value];
  const selected = new Set([...current, value]);
  return control.options.map((choice) => choice.alias ?? choice.value).filter((chosen) => selected.has(chosen));
}

// Toggles a per-region choice for the selected region, as a click on it
// does. Returns false when no region is selected that the control describes.
export function toggleRegionChoice(model: EditorModel, control: ChoicesNode, option: ChoiceOption): boolean {
  const region = findSelectableRegion(model.state.values, model.selectedRegionId);
  if (!region || !appliesToRegion(control, region)) return false;
  const answer = model.state.values.regionAnswers[region.id]?.[control.name];
  const next = toggledChoices(control, answer && "choices" in answer ? answer.choices : [], option);
  model.dispatch({ type: "region-answer-set", regionId: region.id, control: control.name, answer: next.length > 0 ? { choices: next } : null });
  return true;
}

export function PerRegionControl({ node, model, readOnly }: { node: PerRegionNode; model: EditorModel; readOnly: boolean }) {
  const values = model.state.values;
  const region = findSelectableRegion(values, model.selectedRegionId);
  if (!region || !appliesToRegion(node, region)) return null;

  const answer = values.regionAnswers[region.id]?.[node.name];
  const title = (
    <>
      {node.name} (selected region)
      {node.required && <span className="required"> (required)</span>}
    </>
  );
  const setAnswer = (next: RegionAnswer | null) =>
    model.dispatch({ type: "region-answer-set", regionId: region.id, control: node.name, answer: next });

  switch (node.kind) {
    case "choices": {
      const chosen = answer && "choices" in answer ? answer.choices : [];
      return (
        <fieldset className={node.inline ? "control choices choices-inline per-region" : "control choices per-region"} disabled={readOnly}>
          <legend>{title}</legend>
          {node.options.map((option) => {
            const value = option.alias ?? option.value;
            return (
              <label key={option.value} className="choice" title={option.hint}>
                <input
                  type={node.multiple ? "checkbox" : "radio"}
                  name={`region-choice-${node.name}`}
                  checked={chosen.includes(value)}
                  onChange={() => toggleRegionChoice(model, node, option)}
                  onClick={(event) => {
                    // A second click on the chosen radio clears it.
                    if (!node.multiple && chosen.includes(value)) {
                      event.preventDefault();
                      setAnswer(null);
                    }
                  }}
                />
                {option.value}
              </label>
            );
          })}
        </fieldset>
      );
    }
    case "rating": {
      const rating = answer && "rating" in answer ? answer.rating : 0;
      return (
        <fieldset className="control rating per-region" disabled={readOnly}>
          <legend>{title}</legend>
          {Array.from({ length: node.maxRating }, (_, index) => index + 1).map((star) => (
            <button
              key={star}
              type="button"
              className={star <= rating ? "star star-on" : "star"}
              aria-label={`${star} of ${node.maxRating}`}
              aria-pressed={star === rating}
              onClick={() => setAnswer(star === rating ? null : { rating: star })}
            >
              ★
            </button>
          ))}
        </fieldset>
      );
    }
    case "number": {
      const number = answer && "number" in answer ? answer.number : undefined;
      return (
        <label className="control number per-region">
          <span>{title}</span>
          <input
            type="number"
            min={node.min}
            max={node.max}
            step={node.step}
            readOnly={readOnly}
            value={number ?? ""}
            onChange={(event) => {
              if (event.target.value === "") setAnswer(null);
              else if (Number.isFinite(Number(event.target.value))) setAnswer({ number: Number(event.target.value) });
            }}
          />
        </label>
      );
    }
    case "datetime": {
      const datetime = answer && "datetime" in answer ? answer.datetime : "";
      return (
        <label className="control datetime per-region">
          <span>{title}</span>
          <input
            type={dateTimeInput(node.only)}
            min={node.min}
            max={node.max}
            readOnly={readOnly}
            value={datetime}
            onChange={(event) => setAnswer(event.target.value === "" ? null : { datetime: event.target.value })}
          />
        </label>
      );
    }
    case "taxonomy": {
      const paths = answer && "taxonomy" in answer ? answer.taxonomy : [];
      const chosen = new Set(paths.map((path) => JSON.stringify(path)));
      const toggle = (path: string[]) => {
        const key = JSON.stringify(path);
        const next = chosen.has(key) ? paths.filter((other) => JSON.stringify(other) !== key) : [...paths, path];
        setAnswer(next.length > 0 ? { taxonomy: next } : null);
      };
      const renderLevel = (level: TaxonomyNode[], parents: string[]): ReactNode => (
        <ul className="taxonomy-level">
          {level.map((choice) => {
            const path = [...parents, choice.value];
            return (
              <li key={choice.value}>
                <label className="choice">
                  <input
                    type="checkbox"
                    disabled={(node.leafsOnly && choice.children.length > 0) || readOnly}
                    checked={chosen.has(JSON.stringify(path))}
                    onChange={() => toggle(path)}
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
        <fieldset className="control taxonomy per-region" disabled={readOnly}>
          <legend>{title}</legend>
          {renderLevel(node.tree, [])}
        </fieldset>
      );
    }
    case "textarea": {
      const texts = values.regionTexts[region.id]?.[node.name] ?? [];
      return (
        <label className="control textarea per-region">
          <span>{title}</span>
          <textarea
            rows={Math.max(2, node.rows)}
            placeholder={node.placeholder}
            readOnly={readOnly}
            value={texts[0] ?? ""}
            onChange={(event) =>
              model.dispatch({ type: "region-text-changed", regionId: region.id, control: node.name, texts: [event.target.value, ...texts.slice(1)] })
            }
          />
        </label>
      );
    }
  }
}
