// Per-region controls (perRegion="true" on Choices, Rating, Number,
// DateTime, Taxonomy and TextArea): shown while a region they describe is selected, and editing
// that region's answer. Which regions can be selected is decided in
// lib/selectable-regions.ts.
import type { ChoiceOption } from "../lib/config";
import type { EditorModel } from "../hooks/use-editor-model";
import type { RegionAnswer } from "../lib/results";
import { appliesToRegion, findSelectableRegion, type PerRegionControl as PerRegionNode } from "../lib/selectable-regions";
import { ChoicesControl, DateTimeControl, NumberControl, RatingControl, TaxonomyControl, TextAreaControl } from "./answer-controls";

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
  const setAnswer = (next: RegionAnswer | null) =>
    model.dispatch({ type: "region-answer-set", regionId: region.id, control: node.name, answer: next });

  switch (node.kind) {
    case "choices":
      return (
        <ChoicesControl
          node={node}
          scope="region"
          readOnly={readOnly}
          chosen={answer && "choices" in answer ? answer.choices : []}
          onToggle={(option) => toggleRegionChoice(model, node, option)}
        />
      );
    case "rating":
      return (
        <RatingControl
          node={node}
          scope="region"
          readOnly={readOnly}
          rating={answer && "rating" in answer ? answer.rating : 0}
          onRate={(rating) => setAnswer(rating === 0 ? null : { rating })}
        />
      );
    case "number":
      return (
        <NumberControl
          node={node}
          scope="region"
          readOnly={readOnly}
          number={answer && "number" in answer ? answer.number : undefined}
          onChange={(number) => setAnswer(number === null ? null : { number })}
        />
      );
    case "datetime":
      return (
        <DateTimeControl
          node={node}
          scope="region"
          readOnly={readOnly}
          datetime={answer && "datetime" in answer ? answer.datetime : ""}
          onChange={(datetime) => setAnswer(datetime === "" ? null : { datetime })}
        />
      );
    case "taxonomy": {
      const paths = answer && "taxonomy" in answer ? answer.taxonomy : [];
      const toggle = (path: string[]) => {
        const key = JSON.stringify(path);
        const chosen = paths.some((other) => JSON.stringify(other) === key);
        const next = chosen ? paths.filter((other) => JSON.stringify(other) !== key) : [...paths, path];
        setAnswer(next.length > 0 ? { taxonomy: next } : null);
      };
      return <TaxonomyControl node={node} scope="region" readOnly={readOnly} paths={paths} onToggle={toggle} />;
    }
    case "textarea": {
      const texts = values.regionTexts[region.id]?.[node.name] ?? [];
      return (
        <TextAreaControl
          node={node}
          scope="region"
          readOnly={readOnly}
          texts={texts}
          onChange={(next) => model.dispatch({ type: "region-text-changed", regionId: region.id, control: node.name, texts: next })}
        />
      );
    }
  }
}
