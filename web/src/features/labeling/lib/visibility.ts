// Conditional display (`visibleWhen`): which parts of the config show for
// the current annotation values and region selection. Controls inside a
// hidden part are left out of the submitted result, as Label Studio leaves
// out results of tags the annotator could not see.
import type { ConfigNode, EditorConfig, VisibleWhen } from "./config";
import type { EditorValues } from "./results";
import { findSelectableRegion, regionMatches as meetsRegionCondition } from "./selectable-regions";

export function isVisible(condition: VisibleWhen, values: EditorValues, selectedRegionId: string | null): boolean {
  // For choices, whenTagName names the Choices control; without it any
  // counts. A per-region Choices control counts with its answer about the
  // selected region.
  const regionChoices = (name: string): string[] => {
    const answer = selectedRegionId === null ? undefined : values.regionAnswers[selectedRegionId]?.[name];
    return answer && "choices" in answer ? answer.choices : [];
  };
  const choicesOf = (name: string | undefined): string[] =>
    name ? [...(values.choices[name] ?? []), ...regionChoices(name)] : Object.values(values.choices).flat();
  const chosen = choicesOf(condition.tagName);
  const choiceMatches =
    condition.choiceValues.length === 0 ? chosen.length > 0 : condition.choiceValues.some((value) => chosen.includes(value));
  const region = findSelectableRegion(values, selectedRegionId);
  // For regions, whenTagName names the object the region is on or one of its controls.
  const regionMatches = region !== undefined && meetsRegionCondition(condition, region);

  switch (condition.when) {
    case "choice-selected":
      return choiceMatches;
    case "choice-unselected":
      return !choiceMatches;
    case "region-selected":
      return regionMatches;
    case "no-region-selected":
      return region === undefined;
  }
}

// Names of the controls inside parts of the config that are hidden now.
// Conditions on the region selection do not hide regions (Labels
// controls), because they belong to the annotation, not to what is
// selected at submit time. Per-region controls are never hidden: each of
// their answers was given while the control showed for its region.
export function hiddenControls(config: EditorConfig, values: EditorValues, selectedRegionId: string | null): Set<string> {
  const hidden = new Set<string>();
  // shown: every condition above holds; shownByChoices: the choice conditions do.
  const visit = (node: ConfigNode, shown: boolean, shownByChoices: boolean) => {
    switch (node.kind) {
      case "view":
        node.children.forEach((child) => visit(child, shown, shownByChoices));
        return;
      case "conditional": {
        const holds = isVisible(node.condition, values, selectedRegionId);
        const onRegions = node.condition.when === "region-selected" || node.condition.when === "no-region-selected";
        visit(node.child, shown && holds, shownByChoices && (onRegions || holds));
        return;
      }
      case "labels":
        if (!shownByChoices) hidden.add(node.name);
        return;
      case "choices":
      case "textarea":
      case "rating":
      case "number":
        if (!node.perRegion && !shown) hidden.add(node.name);
        return;
      case "datetime":
      case "taxonomy":
        if (!node.perRegion && !shown) hidden.add(node.name);
        return;
      case "pairwise":
      case "ranker":
        if (!shown) hidden.add(node.name);
        return;
      default:
        return;
    }
  };
  visit(config.root, true, true);
  return hidden;
}
